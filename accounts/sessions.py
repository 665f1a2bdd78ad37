"""How long a sign-in lasts: an idle timeout and an absolute one since the moment of signing in.

``SESSION_IDLE_TIMEOUT``: seconds without any request after which the session ends.
``SESSION_ABSOLUTE_TIMEOUT``: seconds after signing in after which it ends however active it was.
The last-seen time is written at most once per ``SESSION_ACTIVITY_RESOLUTION`` seconds, so an active
page does not turn every request into a session write.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.dispatch import receiver
from django.http import HttpRequest

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
SIGNED_OUT_BECAUSE = "signed_out_because"

REASONS = {
    "idle": "You were signed out after {} without activity, to keep your account safe. Sign in again to carry on.",
    "absolute": "You were signed out because your sign-in was {} old, to keep your account safe. "
    "Sign in again to carry on.",
}


def _hours_or_minutes(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def signed_out_message(reason: str) -> str:
    seconds = settings.SESSION_IDLE_TIMEOUT if reason == "idle" else settings.SESSION_ABSOLUTE_TIMEOUT
    return REASONS[reason].format(_hours_or_minutes(seconds))


def expiry_reason(session, now: float) -> str | None:
    """ "idle" or "absolute" when this signed-in session has run out, else None."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if last_seen_at is not None and now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def enforce_session_timeouts(request: HttpRequest) -> str | None:
    """Sign the person out when their session has run out; return why, else note that they were here."""
    now = time.time()
    session = request.session
    reason = expiry_reason(session, now)
    if reason:
        logout(request)
        # The new, empty session carries the reason to the sign-in page.
        request.session[SIGNED_OUT_BECAUSE] = reason
        return reason
    if SIGNED_IN_AT not in session:
        # Sessions from before these timeouts existed start counting now.
        session[SIGNED_IN_AT] = now
    last_seen_at = session.get(LAST_SEEN_AT)
    if last_seen_at is None or now - last_seen_at >= settings.SESSION_ACTIVITY_RESOLUTION:
        session[LAST_SEEN_AT] = now
    return None


def leave_session_untouched(request: HttpRequest) -> None:
    """Write nothing about this request to the session store: not even the "last seen" moment.

    For a request that must leave no trace of who made it (an anonymous near miss). The session read
    at the start of the request stays exactly as stored.
    """
    request.session.modified = False


@receiver(user_logged_in, dispatch_uid="accounts.sessions.signed_in")
def _on_signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def remove_expired_sessions() -> int:
    """Delete sessions past their expiry date from the session store; returns how many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    engine = import_module(settings.SESSION_ENGINE)
    if issubclass(engine.SessionStore, DatabaseSessionStore):
        deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        return deleted
    engine.SessionStore.clear_expired()
    return 0
