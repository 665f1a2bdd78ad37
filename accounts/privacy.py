"""No figure or comment set about fewer than ``PRIVACY_MIN_PEOPLE`` people (three unless set otherwise).

An average of two answers, or a comment beside "1 answer", tells the reader who said what. Every page,
chart and export that summarises what people answered asks here first.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings


def min_people() -> int:
    return settings.PRIVACY_MIN_PEOPLE


def enough_people(count: int | None) -> bool:
    """Whether a figure about ``count`` people may be shown without pointing at one of them."""
    return (count or 0) >= min_people()


def too_few_message() -> str:
    return (
        f"Too few answers to show without identifying someone: results appear once at least {min_people()} "
        "people have answered."
    )


def too_few_people_message() -> str:
    """Said where a figure about a team is withheld (see ``dashboard.small_groups``)."""
    return (
        f"Too few people to show without identifying someone: figures appear once at least {min_people()} "
        "people are behind them."
    )


# While an anonymous report is saved, nothing shared may be written on the side: even a cache entry
# that holds no name tells, by its age, the moment of filing.
_leaving_no_trace: ContextVar[bool] = ContextVar("leaving_no_trace", default=False)


@contextmanager
def leaving_no_trace():
    """Run a save that must leave nothing behind but its own row (no shared cache writes)."""
    token = _leaving_no_trace.set(True)
    try:
        yield
    finally:
        _leaving_no_trace.reset(token)


def leaving_no_trace_now() -> bool:
    return _leaving_no_trace.get()
