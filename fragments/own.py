"""A person's own lists (home's "my work", the library's reviews in progress), kept for them alone.

These are one person's rows, never shared: they are kept under that person's key with the numbers of every
version what they show depends on, and read again as soon as any of those numbers moved. A page reads the key in
the same round trip as its versions (``conditional_page(..., own=[...])``), so while nothing it shows changed
the lists cost no query and no extra round trip, and any change anyone makes to them shows on the next view.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

from fragments.conditional import person_fact
from fragments.versions import Numbers, current

OWN_SECONDS = 60 * 60


def kept_own(user, fact: str, names: Iterable[str], versions: dict | None, read: Callable, also: tuple = ()):
    """``read()``, kept for this person as ``fact`` with the numbers of the versions ``names`` and ``also`` (what
    else it was read for: the restricted incidents they are on, the statement's text); read again once any of
    them differs. ``versions`` are the request's numbers, holding ``fact`` when the page read it with them."""
    if getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) <= 0:
        return read()
    names, key = list(names), person_fact(user, fact)
    numbers = versions
    if not isinstance(numbers, Numbers) or key not in numbers.kept or any(name not in numbers for name in names):
        numbers = current(names, [key])
    stamp = (*(numbers[name] for name in names), *also)
    kept = numbers.kept[key]
    if kept is not None and kept[0] == stamp:
        return kept[1]
    value = read()  # read after the numbers: a change meanwhile leaves it stale under them, never kept as new
    cache.set(key, (stamp, value), OWN_SECONDS)
    return value
