"""Slow down password guessing: failed sign-ins are counted per account and per address.

After ``LOGIN_THROTTLE_ACCOUNT_LIMIT`` failures for one username (or ``LOGIN_THROTTLE_ADDRESS_LIMIT``
from one address) within ``LOGIN_THROTTLE_WINDOW`` seconds, sign-in for that username (or from that
address) pauses for ``LOGIN_THROTTLE_PAUSE`` seconds, whatever password is tried. The counters live in
the cache (Redis); when the cache is unreachable they fail open, so an outage never locks everybody out.

The same rules apply to usernames that do not exist, so the pause tells an attacker nothing about
which accounts are real.
"""

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
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


def _digest(value: str) -> str:
    # Keys stay short and free of whatever characters an attacker typed.
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = _digest(value)
    return f"login:failures:{kind}:{digest}", f"login:paused:{kind}:{digest}"


def normalise_username(username: str | None) -> str:
    return (username or "").strip().casefold()[:300]


def current_pause(username: str | None, address: str) -> SignInPause | None:
    """The pause in force for this username or this address, if any."""
    now = time.time()
    for kind, value in (("account", normalise_username(username)), ("address", address_group(address))):
        if not value:
            continue
        _, pause_key = _keys(kind, value)
        until = cache.get(pause_key)
        if until and until > now:
            return SignInPause(until=until, reason=kind)
    return None


def _count_failure(kind: str, value: str, limit: int) -> int:
    failures_key, pause_key = _keys(kind, value)
    cache.add(failures_key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired in between, or the cache is unreachable: fail open
        return 0
    if failures >= limit:
        until = time.time() + settings.LOGIN_THROTTLE_PAUSE
        cache.set(pause_key, until, timeout=settings.LOGIN_THROTTLE_PAUSE)
        cache.delete(failures_key)
    return failures


def attempts_left(username: str | None) -> int | None:
    """How many more failures this username may have before sign-in pauses (None when unknown)."""
    failures_key, _ = _keys("account", normalise_username(username))
    failures = cache.get(failures_key)
    if failures is None:
        return None
    return max(0, settings.LOGIN_THROTTLE_ACCOUNT_LIMIT - failures)


def record_failure(username: str | None, address: str) -> None:
    """Count one failed sign-in against the username and the address, pausing either at its limit."""
    username = normalise_username(username)
    logger.warning("Failed sign-in for username %r from %s", username, address)
    if username:
        _count_failure("account", username, settings.LOGIN_THROTTLE_ACCOUNT_LIMIT)
    _count_failure("address", address_group(address), settings.LOGIN_THROTTLE_ADDRESS_LIMIT)


def record_refusal(username: str | None, address: str, pause: SignInPause) -> None:
    logger.warning(
        "Refused sign-in for username %r from %s: paused by %s failures for %d s more",
        normalise_username(username),
        address,
        pause.reason,
        pause.seconds_left,
    )


def forget_failures(username: str | None) -> None:
    """A successful sign-in clears the account's count (not the address's: one good password must not
    reset the count of an address guessing at many accounts)."""
    failures_key, _ = _keys("account", normalise_username(username))
    cache.delete(failures_key)


@receiver(user_login_failed, dispatch_uid="accounts.throttling.failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_failure(credentials.get("username"), client_address(request))


@receiver(user_logged_in, dispatch_uid="accounts.throttling.logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    forget_failures(user.get_username())
