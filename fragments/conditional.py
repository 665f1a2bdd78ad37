"""Conditional GET for the pages people reload: a repeat view with nothing changed costs one 304.

``@conditional_page(versions_for)`` makes the page's ETag from the versions of what it shows
(``fragments.versions``) together with everything else the response depends on: the person, their
sign-in (the session: the CSRF secret behind the page's tokens is rotated only when one begins), whether
the browser holds a CSRF cookie (the page sets one when it does not), their time zone and day, the htmx
headers that pick a fragment, the address and the release. The CSRF cookie's value is left out: two
GETs by the same person with nothing changed give the same tag. A request whose ``If-None-Match`` holds that tag gets
304 before the view runs; any change anyone makes to what the page shows raises a version and the
next request renders the page again.

No view work runs before a 304, so the versions named must cover access too: what decides whether
this person may see the object raises its version (restricting an incident, a membership changing
``people``).
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from fragments import remembered
from fragments.release import release
from fragments.versions import current

# The request headers a page may answer differently to (django-htmx's request.htmx reads these).
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger", "HX-History-Restore-Request")
# Every page shows the person's name and role-dependent links, and the unread count in the header.
EVERY_PAGE = ("people",)


# Small facts about the signed-in person that most pages show, each kept under a key of its own with the number of
# the version it was made under (``fragments.versions.kept_under``): read in the same round trip as the versions.
PERSON_FACTS = ("unread", "restricted-on")


def inbox_version(user) -> str:
    return f"inbox:{user.pk}"


def person_fact(user, fact: str) -> str:
    """Where ``fact`` (one of ``PERSON_FACTS``) about this person is kept."""
    return f"{fact}:{user.pk}"


def page_etag(request, names: Iterable[str], clock_seconds: int = 0, own: Iterable[str] = ()) -> str:
    names = list(dict.fromkeys([*EVERY_PAGE, inbox_version(request.user), *names]))
    # What this address read late the last times (this person's last time), read now in the same round trip; left out of the tag.
    late, kept_keys = remembered.recall(request.get_full_path(), remembered.viewer(request))
    facts = [person_fact(request.user, fact) for fact in (*PERSON_FACTS, *own)]
    request.versions = current([*names, *late], [*facts, *kept_keys])
    request._early = {key: request.versions.kept[key] for key in kept_keys}
    request._early_late = frozenset(late).difference(names)
    parts = [
        release(),
        request.get_full_path(),
        str(request.user.pk),
        request.session.session_key or "",
        "csrf" if settings.CSRF_COOKIE_NAME in request.COOKIES else "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        *(request.headers.get(header, "") for header in HTMX_HEADERS),
        *(f"{name}={request.versions[name]}" for name in names),
    ]
    if clock_seconds:
        # Pages that say "in 3 hours" stay right to within this many seconds.
        parts.append(str(int(timezone.now().timestamp()) // clock_seconds))
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def _revalidate_every_time(response) -> None:
    patch_vary_headers(response, ("Cookie", *HTMX_HEADERS))
    patch_cache_control(response, private=True, no_cache=True)


def conditional_page(
    versions_for: Callable[..., Iterable[str]],
    *,
    clock_seconds: int = 0,
    own: Iterable[str] | Callable[..., Iterable[str]] = (),
):
    """Answer a repeat GET with 304 while the versions ``versions_for(request, *args, **kwargs)`` names,
    and everything else the page depends on, are unchanged. ``own`` (or ``own(request, *args, **kwargs)``): what
    is kept for this person alone that the page shows (``fragments.own``), read in the same round trip."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            # A page carrying a message to show once is never answered from the browser's copy.
            if len(messages.get_messages(request)):
                return view(request, *args, **kwargs)
            facts = own(request, *args, **kwargs) if callable(own) else own
            etag = page_etag(request, versions_for(request, *args, **kwargs), clock_seconds, facts)
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
                response["ETag"] = etag
                _revalidate_every_time(response)
                return response
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):  # what its render reads is known once rendered
                response.add_post_render_callback(lambda _: remembered.remember(request))
            else:
                remembered.remember(request)
            # The session cookie is sent again as the sign-in's activity is recorded; its value stays the same.
            if (
                response.status_code == 200
                and not response.streaming
                and set(response.cookies) <= {settings.SESSION_COOKIE_NAME}
            ):
                response["ETag"] = etag
                _revalidate_every_time(response)
            return response

        return wrapped

    return decorator
