"""Pieces of pages rendered once and served to every viewer, kept under the versions of what they show.

A fragment is kept under its name, the current numbers of the versions it names, the other values given
(what kind of viewer: one who may edit or one who reads) and the viewer's day and language.
A change raises a version and the next viewer renders it afresh; fragments of other objects stay.
Per-person bits stay out of it: the CSRF token is kept as a placeholder and each viewer gets their own, and
times are kept as instants and shown in each viewer's zone when served (``fragments.times``).
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from fragments import remembered, times
from fragments.release import release
from fragments.versions import current
from fragments.versions import key as version_key

CSRF_PLACEHOLDER = "shared-fragment-csrf-token"
# How long a viewer waits for someone else's render of the same missing fragment before rendering it too.
WAIT_FOR_OTHERS_SECONDS = 0.5


class VersionName(str):
    """A version's name (``incident:42``), told apart from plain values a fragment depends on."""


def versions_of(names, request=None) -> dict:
    """The numbers of ``names``: those the request's page read already, the others read now in one round trip,
    kept with the request's for its later pieces and read with its versions from its address's next request on
    (``fragments.remembered``)."""
    known = getattr(request, "versions", None)
    unknown = [name for name in dict.fromkeys(names) if known is None or name not in known]
    remembered.read_late_again(request, names)
    if not unknown:
        return known
    for name in unknown:
        remembered.read_late(request, name)
    found = current(unknown)
    if known is None:
        return found
    known.update(found)
    return known


def fragment_key(name: str, values: list, request=None) -> str:
    numbers = versions_of([value for value in values if isinstance(value, VersionName)], request)
    parts = [
        release(),
        name,
        timezone.localdate().isoformat(),  # what is due or overdue
        translation.get_language() or "",
        *(f"{value}={numbers[value]}" if isinstance(value, VersionName) else repr(value) for value in values),
    ]
    return "fragment:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def kept(
    name: str, values: list, request, csrf_token, render: Callable[[str], str], personal: dict | None = None
) -> SafeString:
    """The fragment ``name`` for these values: kept, or ``render(csrf_token)`` now and kept for the next viewer.

    ``render`` is given the token to put in its forms: a placeholder when the output is kept. ``personal`` maps
    text of the kept output to this viewer's own (their name chosen in a form shared by everyone of their kind).
    """
    seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
    if seconds <= 0:
        return personalised(render(csrf_token), personal)
    key = fragment_key(name, values, request)
    html = kept_or_made(key, seconds, lambda: kept_render(render, CSRF_PLACEHOLDER), request=request)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(csrf_token))
    return personalised(serve(html), personal)


def kept_render(render: Callable, *args, **kwargs) -> str:
    """``render(*args, **kwargs)`` for every viewer alike: its times are placeholders until served."""
    with times.keeping():
        return render(*args, **kwargs)


def serve(html: str) -> str:
    """Kept ``html`` as this viewer reads it; unchanged inside a fragment being kept, served with it."""
    return html if times.is_keeping() else times.served(html)


def kept_or_made(key: str, seconds: int, make: Callable, wait_seconds: float = WAIT_FOR_OTHERS_SECONDS, request=None):
    """What is kept under ``key``, or ``make()`` now and kept. With the ``request``, what its versions' round trip
    read early under ``key`` is used, and the key is remembered for its address's next request
    (``fragments.remembered``).

    After a change everyone following it asks for the same missing piece at once (a meeting's hundred
    participants, say): one of them makes it and the others wait up to ``wait_seconds`` for it rather than each
    making it; after that they make it too, so a failed or lost maker holds no one up for long.
    """
    value = kept_value(key, request)
    if value is not None:
        return value
    making = cache.add(f"{key}:making", 1, max(5, round(wait_seconds) + 1))
    if making is False:  # someone else is making it (None: the cache is unreachable, so no one can say)
        deadline, pause = time.monotonic() + wait_seconds, wait_seconds / 50
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, wait_seconds / 5)  # a render is usually quick: look often at first
            value = cache.get(key)
            if value is not None:
                return value
    kept = False
    try:
        value = make()
        kept = cache.set(key, value, seconds) is not False
    finally:
        # Once the piece is kept, whoever asks finds it: the mark may simply run out, a round trip saved on every
        # piece made. Without the piece kept, it goes at once, so that no one waits for what will not come.
        if making and not kept:
            cache.delete(f"{key}:making")
    return value


def kept_value(key: str, request=None):
    """What the cache keeps under ``key`` (None: nothing). With the request, read early with its versions when
    its address read it last time, and remembered for the next time (``fragments.remembered``)."""
    return kept_values([key], request).get(key)


def kept_values(keys: list[str], request=None) -> dict:
    """``kept_value`` for many keys: what the cache keeps under each (absent: nothing), in one round trip at most."""
    found = {}
    for key in keys:
        remembered.read_kept(request, key)
        value = remembered.early(request, key)
        if value is not None:
            found[key] = value
    missing = [key for key in keys if key not in found]
    return found | (cache.get_many(missing) if missing else {})


def personalised(html: str, personal: dict | None) -> SafeString:
    """``html`` with each text ``personal`` names replaced by this viewer's own."""
    for shared, own in (personal or {}).items():
        html = html.replace(shared, own)
    return mark_safe(html)  # noqa: S308 - our own templates' output, escaped when it was rendered


def kept_rows(
    name: str, rows: list[tuple], request, fetch: Callable[[list], dict], render: Callable, values=()
) -> list[SafeString]:
    """Each row of a list, rendered once and served to every viewer of any page that lists it.

    ``rows`` are ``(pk, version names)`` in the list's order: the versions of what the row shows. A row is
    kept under its name, pk, version names, ``values`` and the viewer's day and language (its times are put
    in the viewer's zone when served); with it the numbers those versions had when it was rendered. The
    numbers now and the kept rows come in one cache round trip. Rows whose numbers moved, or that no one
    kept, are read with ``fetch(pks)`` (a dict by pk) only then, after the numbers, so a change made
    meanwhile leaves the row stale under its old number rather than kept under the new one; each is
    ``render(obj)`` and kept. Rows hold no per-person bits.
    """
    seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
    if not rows:
        return []
    common = [
        release(),
        name,
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        *map(repr, values),
    ]
    keys = ["row:" + hashlib.sha256("\x1f".join([*common, str(pk), *names]).encode()).hexdigest() for pk, names in rows]
    version_names = list(dict.fromkeys(n for _, names in rows for n in names))
    found = cache.get_many([*keys, *(version_key(n) for n in version_names)]) if seconds > 0 else {}
    unknown = [n for n in version_names if version_key(n) not in found]
    numbers = {n: found.get(version_key(n)) for n in version_names} | (current(unknown) if unknown else {})
    stamps = [[numbers[n] for n in names] for _, names in rows]
    missing = {
        pk for (pk, _), key, stamp in zip(rows, keys, stamps, strict=True) if (found.get(key) or (None,))[0] != stamp
    }
    objects = fetch(list(missing)) if missing else {}
    html, fresh = [], {}
    for (pk, _), key, stamp in zip(rows, keys, stamps, strict=True):
        if pk in objects:
            fresh[key] = (stamp, kept_render(render, objects[pk]))
            html.append(mark_safe(serve(fresh[key][1])))  # noqa: S308 - our own templates' output, escaped as rendered
        elif pk not in missing:
            html.append(mark_safe(serve(found[key][1])))  # noqa: S308 - our own templates' output, escaped when rendered
        # else: gone since the list was read
    if fresh and seconds > 0:
        cache.set_many(fresh, seconds)
    return html
