"""No figure or comment set about fewer than ``PRIVACY_MIN_PEOPLE`` people (three unless set otherwise).

An average of two answers, or a comment beside "1 answer", tells the reader who said what. Every page,
chart and export that summarises what people answered asks here first.
"""

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
