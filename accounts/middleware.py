import zoneinfo
from functools import partial
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.middleware import AuthenticationMiddleware, LoginRequiredMiddleware, auser
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone

from accounts.sessions import enforce_session_timeouts
from accounts.signed_in import get_user


class SignedInMiddleware(AuthenticationMiddleware, LoginRequiredMiddleware):
    """Who is signed in, settled in one step instead of four middleware layers, each costing every request:

    - the person, read from the session at once (``accounts.signed_in``), not behind Django's lazy proxy;
    - a session that was idle too long or began too long ago (``accounts.sessions``) is ended: the visitor
      is then anonymous, and an htmx request is told to load the sign-in page as a whole instead of
      swapping it into a fragment;
    - every time is shown in the signed-in person's own time zone;
    - a view not marked ``login_not_required`` sends an anonymous visitor to the sign-in page with ``next``
      set: Django's ``LoginRequiredMiddleware``, whose ``process_view`` this is.

    A subclass of both Django middleware, so the checks that look for them (the admin's) find them.
    """

    sync_capable = True
    async_capable = False

    def __call__(self, request):
        if not hasattr(request, "session"):
            raise ImproperlyConfigured("SignedInMiddleware needs the session middleware before it.")
        request.auser = partial(auser, request)
        user = request.user = get_user(request)
        if user.is_authenticated and enforce_session_timeouts(request):
            timezone.deactivate()
            if request.headers.get("HX-Request") == "true":
                return _sign_in_again_page(request)
        elif user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def _sign_in_again_page(request) -> HttpResponse:
    """For htmx: load the sign-in page as a whole, coming back afterwards to the page the person was on."""
    current = request.headers.get("HX-Current-URL", "")
    parts = urlsplit(current)
    path = (parts.path + (f"?{parts.query}" if parts.query else "")) if current else request.get_full_path()
    response = HttpResponse(status=204)
    login_url = resolve_url(settings.LOGIN_URL)
    response["HX-Redirect"] = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: path})}"
    return response
