"""Whole pages kept for the person who asked for them, until anything they show changes.

The pages people read most (lists, an incident, a review) cost tens of milliseconds of template
rendering. A page kept here is keyed by everything it depends on: the address with its query, the
htmx headers that choose a fragment, the person, their sign-in (the page's CSRF token belongs to it)
and the day (what is overdue). It is kept together with ``PAGE_VERSION``, which rises with every
change to the project's records (``pagecache.signals``) and after every request that may have
written (``pagecache.middleware``), and served only while the version is unchanged. Entries live at
most ``PAGE_CACHE_SECONDS`` so that texts such as "due in 3 hours" stay current. Requests carrying
messages to show, and responses that set cookies, are never kept.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from versioning import VersionCounter

PAGE_VERSION = VersionCounter("pages:version")


def pages_changed() -> None:
    """Make every kept page stale: for writes that send no model signal (``bulk_create``, ``update``)."""
    # Now, so that this request (and a test without commits) never gets an old page back; and again after
    # commit, because a page rendered meanwhile from the data before the commit may have been stored.
    PAGE_VERSION.bump()
    transaction.on_commit(PAGE_VERSION.bump, robust=True)


# The request headers a view may answer differently to (django-htmx's request.htmx reads these).
VARYING_HEADERS = (
    "HX-Request",
    "HX-Boosted",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-History-Restore-Request",
)


def _key(request) -> str | None:
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session_key = request.session.session_key
    if not (request.user.is_authenticated and csrf_cookie and session_key):
        return None
    parts = [
        request.get_full_path(),
        *(request.headers.get(name, "") for name in VARYING_HEADERS),
        str(request.user.pk),
        session_key,
        csrf_cookie,
        timezone.localdate().isoformat(),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_for_viewer(view):
    """Serve a GET page from the cache when nothing it shows has changed since this person last saw it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method != "GET" or seconds <= 0 or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        key = _key(request)
        if key is None:
            return view(request, *args, **kwargs)
        # The version and the kept page in one round trip; the page is good only if kept under this version.
        found = cache.get_many([PAGE_VERSION.key, key])
        version, kept = found.get(PAGE_VERSION.key), found.get(key)
        if version is not None and kept is not None and kept[0] == version:
            _, headers, body = kept
            return HttpResponse(body, headers=headers)
        if version is None:
            version = PAGE_VERSION.current()
        # Kept under the version read before rendering: a change made meanwhile makes it stale at once.
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (version, dict(response.items()), response.content), seconds)
        return response

    return wrapped
