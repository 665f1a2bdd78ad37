"""Slow down password guessing, with django-axes counting failed sign-ins in the cache.

After ``LOGIN_THROTTLE_ACCOUNT_LIMIT`` failures for one username (or ``LOGIN_THROTTLE_ADDRESS_LIMIT`` from
one address), sign-in for that username (or from that address) pauses for ``LOGIN_THROTTLE_PAUSE``
seconds, whatever password is tried. Axes keeps one counter per username and one per address in the cache
(Redis), each living ``LOGIN_THROTTLE_PAUSE`` seconds after its last failure; when the cache is unreachable
nothing is counted, so an outage never locks everybody out.

Axes compares every counter with one limit; the two limits here come from ``failure_limit``, which tells
axes "locked" once either counter reaches its own limit. The same rules apply to usernames that do not
exist, so the pause tells an attacker nothing about which accounts are real.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache, get_client_ip_address, get_client_username, make_cache_key_list
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("accounts.login")


@dataclass(frozen=True)
class SignInPause:
    """Sign-in is paused until ``until`` (epoch seconds) for this username or this address."""

    until: float
    reason: str  # "account" or "address"

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil(self.until - time.time()))


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from, trusting ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded-For."""
    if request is None:
        return "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return request.META.get("REMOTE_ADDR", "unknown")[:64]


def address_group(address: str) -> str:
    """The unit an address is counted in: itself for IPv4, its /64 network for IPv6 (one household or
    server usually holds a whole /64, so counting single IPv6 addresses would be trivial to dodge)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def normalise_username(username: str | None) -> str:
    return (username or "").strip().casefold()[:300]


# --- what axes is configured with (settings.AXES_*) ----------------------------------------------------


def counted_address(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address group failures are counted against."""
    return address_group(client_address(request))


def counted_username(request: HttpRequest, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: case and surrounding spaces do not make a new username."""
    if credentials and "username" in credentials:
        return normalise_username(credentials["username"])
    return normalise_username(request.POST.get("username"))


def pause_length(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long sign-in pauses, and how long a counter lives after its last failure."""
    return timedelta(seconds=settings.LOGIN_THROTTLE_PAUSE)


def _counter_keys(request: HttpRequest, credentials: dict | None) -> dict[str, str]:
    username = get_client_username(request, credentials)
    return {
        "account": make_cache_key_list([{"username": username}])[0],
        "address": make_cache_key_list([{"ip_address": get_client_ip_address(request)}])[0],
    }


def failure_counts(request: HttpRequest, credentials: dict | None = None) -> dict[str, int]:
    cache = get_cache()
    found = cache.get_many(list(_counter_keys(request, credentials).values()))
    return {kind: found.get(key) or 0 for kind, key in _counter_keys(request, credentials).items()}


def _reached(counts: dict[str, int]) -> str | None:
    if counts["account"] >= settings.LOGIN_THROTTLE_ACCOUNT_LIMIT:
        return "account"
    if counts["address"] >= settings.LOGIN_THROTTLE_ADDRESS_LIMIT:
        return "address"
    return None


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """AXES_FAILURE_LIMIT: axes locks when its highest counter reaches this number.

    Once either counter has reached its own limit, any failure count locks (1); until then the limit stays
    just above the highest counter, so the lower account limit and the higher address limit both hold.
    """
    counts = failure_counts(request, credentials)
    return 1 if _reached(counts) else max(counts.values()) + 1


def lockout_response(request, original_response, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in form already says why and until when (429), so it stays."""
    return original_response


# --- what the sign-in form asks ------------------------------------------------------------------


def current_pause(request: HttpRequest, username: str | None) -> SignInPause | None:
    """The pause in force for this username or this address, if any."""
    credentials = {"username": username}
    reason = _reached(failure_counts(request, credentials))
    if reason is None:
        return None
    key = _counter_keys(request, credentials)[reason]
    cache = get_cache()
    seconds = cache.ttl(key) if hasattr(cache, "ttl") else None
    if not seconds or seconds < 0:
        seconds = settings.LOGIN_THROTTLE_PAUSE
    return SignInPause(until=time.time() + seconds, reason=reason)


def attempts_left(request: HttpRequest, username: str | None) -> int:
    """How many more failures this username may have before sign-in pauses."""
    counts = failure_counts(request, {"username": username})
    return max(0, settings.LOGIN_THROTTLE_ACCOUNT_LIMIT - counts["account"])


def record_refusal(username: str | None, address: str, pause: SignInPause) -> None:
    logger.warning(
        "Refused sign-in for username %r from %s: paused by %s failures for %d s more",
        normalise_username(username),
        address,
        pause.reason,
        pause.seconds_left,
    )


class FailOpenCacheHandler(AxesCacheHandler):
    """AXES_HANDLER: axes' cache handler, except that with the cache unreachable a failure goes uncounted.

    The cache ignores connection errors, so its counters read as missing (``None``) instead of raising;
    axes would then fail comparing them, and the person would get an error page instead of the form.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except TypeError:
            logger.warning("Failed sign-in not counted: the cache is unreachable.")


@receiver(user_login_failed, dispatch_uid="accounts.throttling.failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "Failed sign-in for username %r from %s",
        normalise_username(credentials.get("username")),
        client_address(request),
    )


@receiver(user_logged_in, dispatch_uid="accounts.throttling.logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    """A successful sign-in clears the account's count (not the address's: one good password must not
    reset the count of an address guessing at many accounts)."""
    if request is not None:
        get_cache().delete(_counter_keys(request, {"username": user.get_username()})["account"])
