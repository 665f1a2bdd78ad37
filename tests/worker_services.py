"""Under pytest-xdist (``make test`` runs two workers), each worker talks to a Redis of its own.

Every test empties the cache, the Celery workers the tests start take tasks from the broker's queue, and
the health checks read the worker heartbeats there: two test processes sharing one Redis database would
take each other's tasks and empty each other's cache. So each xdist worker starts a throw-away
redis-server on a free port (a real Redis, like the one ``REDIS_URL`` names) and points the cache, the
Celery broker and the environment its child processes inherit at it. PostgreSQL needs nothing:
pytest-django gives each worker a test database of its own. Without xdist nothing changes.
"""

import os

from tests.processes import PrivateRedis

_redis: PrivateRedis | None = None


def use_a_redis_of_its_own() -> None:
    """Called from tests/conftest.py's pytest_configure, before any test touches the cache or the broker."""
    global _redis
    if not os.environ.get("PYTEST_XDIST_WORKER") or not os.environ.get("REDIS_URL"):
        return
    from celery import current_app
    from django.conf import settings
    from django.test.utils import override_settings

    shared = os.environ["REDIS_URL"]
    _redis = PrivateRedis().start()
    for name, value in list(os.environ.items()):
        if value == shared:  # REDIS_URL, and CELERY_BROKER_URL when it names the same server
            os.environ[name] = _redis.url
    caches = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": _redis.url}}
    broker = _redis.url if shared == settings.CELERY_BROKER_URL else settings.CELERY_BROKER_URL
    # Django's own setting_changed receiver closes and rebuilds the cache connections.
    override_settings(REDIS_URL=_redis.url, CACHES=caches, CELERY_BROKER_URL=broker).enable()
    current_app.conf.broker_url = broker


def stop() -> None:
    if _redis is not None:
        _redis.stop()
