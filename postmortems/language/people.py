"""The directory of people a text may name, and the names that are also ordinary words."""

from __future__ import annotations

import time

from accounts.privacy import leaving_no_trace_now

DIRECTORY_CACHE_KEY = "postmortems:language:directory-names"
DIRECTORY_CACHE_SECONDS = 300
DIRECTORY_LOCAL_SECONDS = 10
_recent: dict = {"names": None, "until": 0.0}

# Names that are also ordinary words only count when written with the same capitals ("Will
# restarted the consumer" is about Will; "the job will fail" is not). A lower-case username that
# is such a word ("build", "deploy") is left out: it reads as the word, not as someone.
COMMON_WORDS = frozenset(
    """a an and are as at be but by can do for go he her him his i if in is it may me my no not of on or our
    so the to up us we will was were who why how you your all any art bill bob buck chase chip claire crystal
    dawn don faith frank gene grace grant guy hope ivy jack jay jean joy june justice kit lane lee mark max
    miles nick page pat penny ray rich rob rose ruby sandy summer sun sue terry tim tom vic victor will win
    wood young admin root test user ops dev deploy bot system service team build release backup monitor alert
    alerts support infra security data api web app prod staging qa ci cd robot jenkins github gitlab cron
    scheduler worker runner pager oncall""".split()  # noqa: SIM905 - reads as prose
)


def directory_names() -> list[str]:
    """Display names and usernames of active people, cached for a few minutes, to pass as ``people``.

    A page checks dozens of texts; the last answer is also kept in this process for a few
    seconds so that costs one cache round trip, not one per text.
    """
    from django.core.cache import cache

    now = time.monotonic()
    if _recent["names"] is not None and now < _recent["until"]:
        return _recent["names"]
    names = cache.get(DIRECTORY_CACHE_KEY)
    if names is None:
        from accounts.models import User

        found = set()
        for username, display_name, first, last in User.objects.filter(is_active=True).values_list(
            "username", "display_name", "first_name", "last_name"
        ):
            found.add(username)
            if display_name:
                found.add(display_name)
            full = f"{first} {last}".strip()
            if full:
                found.add(full)
        names = sorted(found)
        if not leaving_no_trace_now():
            cache.set(DIRECTORY_CACHE_KEY, names, DIRECTORY_CACHE_SECONDS)
    _recent.update(names=names, until=now + DIRECTORY_LOCAL_SECONDS)
    return names


def forget_directory_names(**kwargs) -> None:
    """Someone joined, left or was renamed: the next check reads the directory afresh."""
    from django.core.cache import cache

    _recent.update(names=None, until=0.0)
    cache.delete(DIRECTORY_CACHE_KEY)
