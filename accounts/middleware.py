import zoneinfo
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone

from accounts.sessions import enforce_session_timeouts


class UserTimezoneMiddleware:
    """Show every time in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """End sessions that were idle too long or began too long ago (settings in accounts/sessions.py).

    Sits after AuthenticationMiddleware and before LoginRequiredMiddleware, which then sends the now
    anonymous visitor to the sign-in page with ``next`` set. An htmx request is told to load the sign-in
    page as a whole, instead of swapping it into a fragment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        expired = user is not None and user.is_authenticated and enforce_session_timeouts(request)
        if expired and request.headers.get("HX-Request") == "true":
            current = request.headers.get("HX-Current-URL", "")
            parts = urlsplit(current)
            path = (parts.path + (f"?{parts.query}" if parts.query else "")) if current else request.get_full_path()
            response = HttpResponse(status=204)
            login_url = resolve_url(settings.LOGIN_URL)
            response["HX-Redirect"] = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: path})}"
            return response
        return self.get_response(request)
