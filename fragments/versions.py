"""Version numbers for what pages show, kept in the cache and raised when it changes.

A page or a fragment names the versions of the objects it shows (``incident:42``, ``timeline:42``,
``incidents`` for any incident on a list, ``people`` for names and roles). Shared fragments are kept
under those numbers and a page's ETag is made of them, so raising one makes stale exactly what shows
that object and nothing else. Each app says which of its models raise which versions
(``bump_on_change``); writes that send no signal (``bulk_create``, ``update``) call ``bump`` themselves.

A number that the cache lost starts again from the clock, never from an old value, so a lost key can
only make things render afresh, never bring an old page back.
"""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

TIMEOUT = 60 * 60 * 24 * 30


def key(name: str) -> str:
    """Where the number of ``name`` is kept in the cache."""
    return f"v:{name}"


class Numbers(dict):
    """Version numbers by name; ``kept``: what the same round trip read under other keys (None where nothing was)."""

    def __init__(self, numbers: dict[str, int], kept: dict):
        super().__init__(numbers)
        self.kept = kept


def current(names: Iterable[str], keys: Iterable[str] = ()) -> Numbers:
    """The current number of each name, in one cache round trip (two for names never seen before); and what the
    cache keeps under ``keys``, read in the same round trip."""
    names, keys = list(dict.fromkeys(names)), list(keys)
    found = cache.get_many([*(key(name) for name in names), *keys])
    kept = {k: found.get(k) for k in keys}
    missing = [name for name in names if key(name) not in found]
    if missing:
        start = time.time_ns()
        for name in missing:
            cache.add(key(name), start, TIMEOUT)
        found.update(cache.get_many([key(name) for name in missing]))
    # With the cache unreachable every request gets new numbers: no 304s and no kept fragments, never stale ones.
    return Numbers({name: found.get(key(name), time.time_ns()) for name in names}, kept)


def kept_under(name: str, key_: str, seconds: int, make: Callable, numbers: dict | None = None):
    """``make()``, kept under ``key_`` with the number ``name`` had when it was made, and made again once that
    number moved. ``numbers`` (a request's ``Numbers``) may hold both already: then no round trip at all.

    For small facts about one person that many pages show (their unread count): one key per person, not one per
    number, so that a page reads it in the same round trip as its versions, not after them."""
    if not isinstance(numbers, Numbers) or name not in numbers or key_ not in numbers.kept:
        numbers = current([name], [key_])
    number, kept = numbers[name], numbers.kept[key_]
    if kept is not None and kept[0] == number:
        return kept[1]
    value = make()  # made after the number was read: a change meanwhile leaves it stale, never kept as new
    cache.set(key_, (number, value), seconds)
    return value


def _raise(names: list[str]) -> None:
    for name in names:
        try:
            cache.incr(key(name))
        except ValueError:
            cache.set(key(name), time.time_ns(), TIMEOUT)


def bump(*names: str) -> None:
    """Mark what shows these objects stale: now, and again once the transaction commits.

    Now, so that this request (and a test that never commits) reads its own change; after the commit,
    because a render that ran meanwhile on the data from before it may have kept its output under the
    number raised now.
    """
    names = [name for name in dict.fromkeys(names) if name]
    if not names:
        return
    _raise(names)
    transaction.on_commit(lambda: _raise(names), robust=True)


def bump_on_change(model, names_for: Callable[..., Iterable[str]], m2m: Iterable[str] = ()) -> None:
    """Raise ``names_for(instance, update_fields=…)`` whenever an instance of ``model`` is saved or deleted,
    and when the many-to-many fields named in ``m2m`` change."""
    uid = f"{model._meta.label}-{names_for.__module__}.{names_for.__qualname__}"

    def changed(sender, instance, **kwargs):
        bump(*names_for(instance, update_fields=kwargs.get("update_fields")))

    def m2m_change(sender, instance, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, model):
            bump(*names_for(instance))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"versions-save-{uid}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"versions-delete-{uid}")
    for field in m2m:
        through = getattr(model, field).through
        m2m_changed.connect(m2m_change, sender=through, weak=False, dispatch_uid=f"versions-m2m-{uid}-{field}")
