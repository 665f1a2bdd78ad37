"""Under pytest-xdist (``make test`` runs two workers), each worker talks to a Redis of its own.

Every test empties the cache, the Celery workers the tests start take tasks from the broker's queue, and
the health checks read the worker heartbeats there: two test processes sharing one Redis database would
take each other's tasks and empty each other's cache. So each xdist worker starts a throw-away
redis-server on a free port (a real Redis, like the one ``REDIS_URL`` names) and points ``REDIS_URL``, and
whatever else named the same server, at it before Django reads its settings. PostgreSQL needs nothing:
pytest-django gives each worker a test database of its own. Without xdist this module does nothing.

Loaded with ``-p tests.worker_services`` (pyproject.toml), so it runs before pytest-django reads the settings.
"""

import os

from tests.processes import PrivateRedis

_redis: PrivateRedis | None = None

if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("REDIS_URL"):
    shared = os.environ["REDIS_URL"]
    _redis = PrivateRedis().start()
    for name, value in list(os.environ.items()):
        if value == shared:
            os.environ[name] = _redis.url


def pytest_unconfigure(config):
    if _redis is not None:
        _redis.stop()
