"""What a page read from the cache the last times it was served, read with its versions in one round trip.

A page reads its versions (for its ETag), then each kept fragment, panel and record it shows, one cache round
trip each: a review page made fifteen. Each process remembers, per address, the keys the page read through
``fragments.kept`` and the versions it had to look up late (not named for its ETag); the next request for that
address reads them in the round trip that reads its versions (``fragments.conditional.page_etag``). A fragment
is still served only under the key its render computes from the versions read now, so what was remembered
decides only what is read early, never what is shown: after a change the old key is read early a few more
times and never used (then forgotten), and the fragment under the new key is read (or rendered) as before.

Remembered per address: the keys of every kind of viewer (editors, readers, each list's viewer classes) that one
of the address's last few requests read are remembered together, for someone who has not opened the page here
before. Someone who has reads what their own last request to the address read: one kind of viewer's keys, not
every kind's (on a list page a few of the eight kinds' pages, of which it shows one).
"""

import threading
from collections import OrderedDict

# Addresses remembered per process. A key or late version no request to its address read in its last
# ``REQUESTS`` is forgotten: after a change the old keys are no longer read (and no longer worth reading early).
ADDRESSES = 4096
REQUESTS = 8
# A person's own last reads, per address: for the people opening pages here lately.
PERSONAL = 16384


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
_personal: OrderedDict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = OrderedDict()
_lock = threading.Lock()


def viewer(request) -> tuple | None:
    """Whose reads are remembered apart: this person's, for the whole page or for one part of it (htmx)."""
    person_id = getattr(getattr(request, "user", None), "pk", None)
    return None if person_id is None else (person_id, "HX-Request" in request.headers)


def recall(address: str, by: tuple | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The late version names and the keys the page at ``address`` read the last time ``by`` (``viewer``)
    opened it here, or else the last times anyone did."""
    with _lock:
        own = _personal.get((address, by)) if by is not None else None
        if own is not None:
            return own
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


def read_late_again(request, names) -> None:
    """Of ``names``, those the versions' round trip read only because the page looked them up late before are
    late all the same: remembered as late again (this person's memory holds only their last request's)."""
    early_late = getattr(request, "_early_late", None)
    if early_late:
        for name in early_late.intersection(names):
            read_late(request, name)


def early(request, key: str):
    """What the versions' round trip read under ``key`` for this request, or None (not read, or nothing kept)."""
    found = getattr(request, "_early", None)
    return found.get(key) if found else None


def remember(request) -> None:
    """Note what this request read, for the next requests to the same address."""
    late, keys = request.__dict__.get("_late_versions"), request.__dict__.get("_kept_keys")
    address = request.get_full_path()
    by = viewer(request)
    with _lock:
        if by is not None:
            _personal.pop((address, by), None)
            _personal[(address, by)] = (tuple(late or ()), tuple(keys or ()))
            while len(_personal) > PERSONAL:
                _personal.popitem(last=False)
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
        _personal.clear()
