"""The web hook every alert source posts to: verified, size-limited, parsed, then acted on once."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alerts import payloads
from alerts.intake import take_in
from alerts.models import AlertSource, SourceKind
from alerts.verify import Refused, verify

logger = logging.getLogger("alerts")

PARSERS = {
    SourceKind.ALERTMANAGER: payloads.prometheus_style,
    SourceKind.GRAFANA: payloads.prometheus_style,
    SourceKind.PAGERDUTY: payloads.pagerduty,
    SourceKind.GENERIC: payloads.generic,
}


def _answer(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def body_too_large(request, limit: int) -> bool:
    """True when the announced or the actual body is over ``limit`` bytes (read no further than that)."""
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    if announced > limit:
        return True
    request._body = request.read(limit + 1)
    return len(request._body) > limit


@login_not_required
@csrf_exempt
@require_POST
def receive(request, slug: str):
    source = AlertSource.objects.select_related("team").filter(slug=slug, enabled=True).first()
    if source is None:
        return _answer(404, "No alert source with this address is switched on.")
    limit = settings.ALERT_BODY_MAX_BYTES
    if body_too_large(request, limit):
        return _answer(413, f"The body is larger than the {limit} bytes an alert may have; nothing was recorded.")
    try:
        verify(request, source)
    except Refused as refusal:
        logger.warning("Refused a request to the alert source %s: %s", source.slug, refusal)
        return _answer(401, str(refusal))
    try:
        alerts = PARSERS[source.kind](request.body)
    except payloads.Malformed as problem:
        return _answer(400, f"{problem} Nothing was recorded.")
    outcome = take_in(source, alerts)
    return _answer(
        200,
        "Received." if alerts else "Received; this event opens or resolves nothing.",
        opened=outcome.opened,
        updated=sorted(set(outcome.updated)),
        duplicates=outcome.duplicates,
    )
