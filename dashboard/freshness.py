"""One version number for everything the dashboard summarises.

Cached aggregates carry the version in their key; a change to the underlying data raises it
(``dashboard.signals``), so the next request computes afresh and old entries simply expire.
"""

import time

from django.core.cache import cache

VERSION_KEY = "dashboard:version"


def data_version() -> int:
    """The current version; started from the clock, so a lost key never brings an old version back."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    # With the cache unreachable every request gets a new version, i.e. no caching at all.
    return version if version is not None else time.time_ns()


def bump_version() -> None:
    """Mark every cached aggregate stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)
