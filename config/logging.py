"""Log output: one JSON object per line in production, plain lines in development.

``LOG_FORMAT=json`` (the default when ``DJANGO_ENV=production``) or ``plain`` selects the formatter for
both Django and gunicorn. Client addresses never reach the web server's logs: a near miss may be filed
anonymously, and an address next to a timestamp would be a trace of who filed it.
"""

import logging
import re

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from config.env import env_str, in_production

# Extras that may carry a request (and with it the client's address and cookies) are never written out.
NEVER_WRITTEN = ("request", "environ", "headers", "META")

_IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
# Full IPv6 form, or any compressed form (it has "::"); clock times like 10:00:00 are left alone.
_IPV6 = r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?"
_ADDRESS = re.compile(rf"ip=\S+|{_IPV4}|{_IPV6}")


def json_formatter() -> JsonFormatter:
    """One JSON object per record (python-json-logger): message, level, logger, time (UTC, ISO 8601),
    an exception if any, and the extras passed with ``extra=`` such as a request's ``status_code``."""
    return JsonFormatter(
        "{message}{levelname}{name}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, *NEVER_WRITTEN],
        json_ensure_ascii=False,
    )


class RedactAddresses(logging.Filter):
    """Replace IP addresses in a record's message with ``[address]`` (used on the web server's logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _ADDRESS.sub("[address]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# Requests whose mere moment could point at the person behind an anonymous near miss.
UNLOGGED_REQUESTS = ('"POST /near-misses/new/"', '"GET /near-misses/filed/"')


class OmitAnonymousFiling(logging.Filter):
    """Drop the web server's access-log lines of filing a near miss and of the page that thanks for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(request in message for request in UNLOGGED_REQUESTS)


def log_format() -> str:
    """``LOG_FORMAT``: ``json`` by default in production, ``plain`` otherwise."""
    return env_str("LOG_FORMAT", "json" if in_production() else "plain")


def log_level() -> str:
    return env_str("LOG_LEVEL", "INFO")


def formatter_settings(log_format: str) -> dict:
    if log_format == "json":
        return {"()": "config.logging.json_formatter"}
    if log_format == "plain":
        return {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {log_format!r}")


def gunicorn_logconfig(log_format: str, level: str = "INFO") -> dict:
    """``logconfig_dict`` for gunicorn: its error and access logs on stdout/stderr, addresses removed."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact_addresses": {"()": "config.logging.RedactAddresses"},
            "omit_anonymous_filing": {"()": "config.logging.OmitAnonymousFiling"},
        },
        "formatters": {"default": formatter_settings(log_format)},
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["redact_addresses"],
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["omit_anonymous_filing", "redact_addresses"],
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": level, "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
