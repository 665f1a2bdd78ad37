"""Numbers kept in the cache that say whether cached entries are still current."""

import time

from django.core.cache import cache


class VersionCounter:
    """A number in the cache that rises whenever the data behind some cached entries changes.

    Entries are stored with the number (in their key, or beside their value), so raising it makes them
    all stale at once and they simply expire. It starts from the clock, so a lost key never brings an old number (and old entries) back.
    """

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, time.time_ns(), None)
            version = cache.get(self.key)
        # With the cache unreachable every request gets a new number, i.e. no caching at all.
        return version if version is not None else time.time_ns()

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, time.time_ns(), None)
