"""Where data lives: the database, the cache and the Celery broker, from ``DATABASE_URL`` and ``REDIS_URL``.

With neither set, a SQLite file, a file-based cache and a file-based broker under ``VAR_DIR``.
"""

from config.env import database_from_url, env_bool, env_int, env_str
from config.settings.core import VAR_DIR

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN", 1),
                "max_size": env_int("DATABASE_POOL_MAX", 10),
                "timeout": 10,
            }
        }
        # Django then passes psycopg_pool's ConnectionPool.check_connection as the pool's check: each
        # connection is tested as it leaves the pool, so one that died with a PostgreSQL restart is
        # replaced instead of failing a request.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The few statements prepared by hand (web.sql.rows_of) are written to be planned once for every value of
    # their parameters; left to choose, PostgreSQL would plan one of them again on every run. Django's own queries
    # are not prepared (client-side binding), so nothing else is touched.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c plan_cache_mode=force_generic_plan"
    # Lets parallel test runs on one server keep their databases apart.
    if env_str("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis being down turns cache reads into misses and writes into no-ops: the cache only holds
            # what can be rebuilt, so a page carries on against PostgreSQL (django-redis IGNORE_EXCEPTIONS).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pm"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }
    # Each call that finds Redis unreachable logs a warning (logger "django_redis").
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # django-redis's default, spelled out: it reads this at the end of every request, and a missing setting
    # costs a raised and caught AttributeError each time.
    DJANGO_REDIS_CLOSE_CONNECTION = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# How long a shared fragment is kept (fragments/templatetags/fragments.py); its key holds the versions of
# what it shows, so a change makes it stale at once and this only bounds what an unused one costs. 0: off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 60 * 60 * 24)

# --- Celery -----------------------------------------------------------------
# The embedded broker keeps messages in files; kombu warns unless its URL names a host, though none is used.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcasts (worker control) would otherwise go to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How much the worker's processes give way to the web server's on shared cores (config/celery.py).
WORKER_NICENESS = env_int("WORKER_NICENESS", 10)
