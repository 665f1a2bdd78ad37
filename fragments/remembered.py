"""What a page read from the cache the last times it was served, read with its versions in one round trip.

A page reads its versions (for its ETag), then each kept fragment, panel and record it shows, one cache round
trip each: a review page made fifteen. Each process remembers, per address, the keys the page read through
``fragments.kept`` and the versions it had to look up late (not named for its ETag); the next request for that
address reads them in the round trip that reads its versions (``fragments.conditional.page_etag``). A fragment
is still served only under the key its render computes from the versions read now, so what was remembered
decides only what is read early, never what is shown: after a change the old key is read early a few more
times and never used (then forgotten), and the fragment under the new key is read (or rendered) as before.

Remembered per address, not per person: the keys of every kind of viewer (editors, readers) that one of the
address's last few requests read are remembered together.
"""

import threading
from collections import OrderedDict

# Addresses remembered per process. A key or late version no request to its address read in its last
# ``REQUESTS`` is forgotten: after a change the old keys are no longer read (and no longer worth reading early).
ADDRESSES = 4096
REQUESTS = 8


class _Address:
    __slots__ = ("served", "late", "keys")

    def __init__(self):
        self.served = 0
        self.late: dict[str, int] = {}
        self.keys: dict[str, int] = {}

    def note(self, late, keys) -> None:
        self.served += 1
        oldest = self.served - REQUESTS
        for read, now in ((self.late, late), (self.keys, keys)):
            read.update(dict.fromkeys(now or (), self.served))
            for name in [name for name, served in read.items() if served <= oldest]:
                del read[name]


_remembered: OrderedDict[str, _Address] = OrderedDict()
_lock = threading.Lock()


def recall(address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The late version names and the keys the page at ``address`` read the last times it was served here."""
    with _lock:
        found = _remembered.get(address)
        return (tuple(found.late), tuple(found.keys)) if found else ((), ())


def read_late(request, name: str) -> None:
    """The page looked ``name``'s number up after its versions: read it with them next time."""
    if request is not None:
        request.__dict__.setdefault("_late_versions", {})[name] = None


def read_kept(request, key: str) -> None:
    """The page read what is kept under ``key``: read it with the versions next time."""
    if request is not None:
        request.__dict__.setdefault("_kept_keys", {})[key] = None


def early(request, key: str):
    """What the versions' round trip read under ``key`` for this request, or None (not read, or nothing kept)."""
    found = getattr(request, "_early", None)
    return found.get(key) if found else None


def remember(request) -> None:
    """Note what this request read, for the next requests to the same address."""
    late, keys = request.__dict__.get("_late_versions"), request.__dict__.get("_kept_keys")
    address = request.get_full_path()
    with _lock:
        found = _remembered.pop(address, None)
        if found is None:
            if not late and not keys:
                return
            found = _Address()
        found.note(late, keys)
        _remembered[address] = found
        while len(_remembered) > ADDRESSES:
            _remembered.popitem(last=False)


def forget_all() -> None:
    with _lock:
        _remembered.clear()
