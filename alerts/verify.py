"""How each kind of source proves a request is its own."""

import hashlib
import hmac
import time

from django.conf import settings

from alerts.models import AlertSource, SourceKind


class Refused(Exception):
    pass


def _bearer(request, source: AlertSource) -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), source.secret.encode()):
        raise Refused("Send the source's secret as Authorization: Bearer <secret>.")


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _pagerduty(request, source: AlertSource) -> None:
    """``X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]``: HMAC-SHA256 of the body (several while a secret rotates)."""
    header = request.headers.get("X-PagerDuty-Signature", "")
    expected = _hmac(source.secret, request.body)
    offered = [part.strip().removeprefix("v1=") for part in header.split(",") if part.strip().startswith("v1=")]
    if not any(hmac.compare_digest(expected, signature) for signature in offered):
        raise Refused("The X-PagerDuty-Signature header does not match this body.")


def _generic(request, source: AlertSource) -> None:
    """``X-Postmortems-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, fresh within the tolerance."""
    parts = dict(
        part.strip().split("=", 1)
        for part in request.headers.get("X-Postmortems-Signature", "").split(",")
        if "=" in part
    )
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        raise Refused(
            "Sign the body: X-Postmortems-Signature: t=<unix time>,v1=<signature> (see the README)."
        ) from None
    if abs(time.time() - timestamp) > settings.ALERT_SIGNATURE_TOLERANCE:
        raise Refused("The signature's time is too far from now; a replayed or delayed request is refused.")
    expected = _hmac(source.secret, f"{timestamp}.".encode() + request.body)
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise Refused("The X-Postmortems-Signature header does not match this body.")


VERIFIERS = {
    SourceKind.ALERTMANAGER: _bearer,
    SourceKind.GRAFANA: _bearer,
    SourceKind.PAGERDUTY: _pagerduty,
    SourceKind.GENERIC: _generic,
}


def verify(request, source: AlertSource) -> None:
    VERIFIERS[source.kind](request, source)
