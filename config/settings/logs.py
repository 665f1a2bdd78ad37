"""Log lines: one JSON object per line in production, plain lines otherwise (``config/logging.py``)."""

from config.logging import formatter_settings, log_format, log_level

LOG_FORMAT = log_format()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": formatter_settings(LOG_FORMAT)},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
    "root": {"handlers": ["console"], "level": log_level()},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # accounts.login logs failed sign-ins (username, address); axes' own lines would add the user agent.
        "axes": {"level": "ERROR"},
    },
}
# With JSON logs the worker and beat log through LOGGING too, instead of Celery's own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
