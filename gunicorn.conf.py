"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py config.wsgi:application``.

Every value comes from the environment, with defaults that suit one small container:

| variable | meaning | default |
| --- | --- | --- |
| ``PORT`` / ``GUNICORN_BIND`` | where to listen | ``0.0.0.0:8000`` |
| ``WEB_CONCURRENCY`` | worker processes | 3 |
| ``GUNICORN_THREADS`` | threads per worker (each may hold a database connection) | 1 |
| ``GUNICORN_REUSE_PORT`` | a listening socket per worker, the kernel spreading connections over them | true with threads |
| ``GUNICORN_TIMEOUT`` | seconds before a stuck worker is replaced | 30 |
| ``GUNICORN_MAX_REQUESTS`` | requests before a worker is recycled (0: never) | 20000 |
| ``GUNICORN_FIRST_DATA_WAIT`` | seconds a worker thread waits for a new connection's first request before handing it to the poller | 0.1 |
| ``GUNICORN_PRELOAD`` | load the application (every view and template) once, before forking the workers | true |
| ``FORWARDED_ALLOW_IPS`` | proxies trusted for X-Forwarded-Proto | ``127.0.0.1`` |
| ``LOG_FORMAT`` | ``json`` or ``plain`` | ``json`` in production |

The access log records method, path, status, size and duration — never the client's address, its
forwarded addresses, cookies or user agent: a near miss may be filed anonymously, and no trace of who
filed it may be stored anywhere, logs included.
"""

import os

from gunicorn.workers import gthread

from config.env import env_bool, env_float, env_int, env_str
from config.logging import gunicorn_logconfig, log_format, log_level

bind = env_str("GUNICORN_BIND") or f"0.0.0.0:{env_int('PORT', 8000)}"
workers = env_int("WEB_CONCURRENCY", 3)
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# With threads, a worker accepts connections while it has room for a thousand and keeps each one alive, so the
# worker that wakes first can hold every open connection while the others idle: one core serving everyone.
# A socket per worker lets the kernel spread new connections over the workers instead. Without threads a
# worker holds one connection at a time and the shared socket already hands each to an idle worker.
reuse_port = env_bool("GUNICORN_REUSE_PORT", threads > 1)
# Recycling guards against slow leaks; a worker takes a second or two of CPU to start again, so at a few
# hundred requests a second a low number would keep the cores busy restarting workers.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max_requests // 10
# Every worker, a replacement too, starts with the views imported and the templates compiled (config/wsgi.py)
# instead of its first requests paying about 300 ms. A code change then needs a restart, not a HUP.
preload_app = env_bool("GUNICORN_PRELOAD", True)

# A worker thread that takes a new connection waits this long for its first request before handing the connection
# back to the worker's poller (gunicorn's wait is 5 s). A browser opens connections ahead of time and a client may
# pause after connecting: each silent one held a thread, and the requests of everyone else on that worker waited
# behind it, unseen by the access log's times (hundreds of ms in the benchmark's mixed run). Only this wait:
# gunicorn's 5 s for reading the rest of a body a page refused (an upload too large) stays, so that the refusal
# still reaches the browser.
FIRST_DATA_WAIT = env_float("GUNICORN_FIRST_DATA_WAIT", 0.1)
_wait_for_data = gthread.TConn.wait_for_data


def _wait_for_first_request(connection, timeout):
    return _wait_for_data(connection, min(timeout, FIRST_DATA_WAIT))


gthread.TConn.wait_for_data = _wait_for_first_request
# Heartbeat files on a memory filesystem, so a slow disk never makes healthy workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
# %(U)s is the path without the query string: searches and filters stay out of the log too.
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logconfig_dict = gunicorn_logconfig(log_format(), level=log_level())
