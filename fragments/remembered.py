"""What a page read from the cache the last times it was served, read with its versions in one round trip.

A page reads its versions (for its ETag), then each kept fragment, panel and record it shows, one cache round
trip each: a review page made fifteen. Each process remembers, per address, the keys the page read through
``fragments.kept`` and the versions it had to look up late (not named for its ETag); the next request for that
address reads them in the round trip that reads its versions (``fragments.conditional.page_etag``). A fragment
is still served only under the key its render computes from the versions read now, so what was remembered
decides only what is read early, never what is shown: a key whose versions moved is simply not asked for, and
its fragment is read (or rendered) as before.

Remembered per address, not per person: editors' and readers' keys of one address are remembered together, a
few of each fragment name.
"""

import threading
from collections import OrderedDict

# Addresses remembered per process, and keys (or late versions) per address: enough for every kind of viewer.
ADDRESSES = 4096
PER_ADDRESS = 24

_remembered: OrderedDict[str, tuple[tuple[str, ...], tuple[str, ...]]] = OrderedDict()
_lock = threading.Lock()


def recall(address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The late version names and the keys the page at ``address`` read the last times it was served here."""
    with _lock:
        return _remembered.get(address, ((), ()))


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
    """Keep what this request read late, newest first, for the next request to the same address."""
    late, keys = request.__dict__.get("_late_versions"), request.__dict__.get("_kept_keys")
    if not late and not keys:
        return
    address = request.get_full_path()
    with _lock:
        old_late, old_keys = _remembered.pop(address, ((), ()))
        _remembered[address] = (
            tuple(dict.fromkeys([*(late or ()), *old_late]))[:PER_ADDRESS],
            tuple(dict.fromkeys([*(keys or ()), *old_keys]))[:PER_ADDRESS],
        )
        while len(_remembered) > ADDRESSES:
            _remembered.popitem(last=False)


def forget_all() -> None:
    with _lock:
        _remembered.clear()
