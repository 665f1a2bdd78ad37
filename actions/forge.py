"""Landing committed fixes from the forge: GitHub and GitLab web hooks for merged changes.

A delivery is verified with its forge's own mechanism (GitHub signs the body with
HMAC-SHA256, ``X-Hub-Signature-256``; GitLab sends the shared token, ``X-Gitlab-Token``)
against the secret of the organisation named in the hook's address, recorded once under
its delivery id (a replay changes nothing a second time), and a merged change whose URL
matches an action item's link marks that item landed at the merge time.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from actions.models import (
    ActionItem,
    ActionStatus,
    Forge,
    ForgeDelivery,
    ForgeSecret,
    LandingSource,
    change_key,
)


class Refused(Exception):
    """A delivery we do not act on, with the HTTP status and the sentence the forge's log shows."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class MergedChange:
    url: str
    merged_at: datetime


def secret_for(forge: str, organisation: str) -> str | None:
    """The organisation's secret: ``FORGE_WEBHOOK_SECRETS`` first, then the one set in the admin."""
    configured = settings.FORGE_WEBHOOK_SECRETS.get((forge, organisation.lower()))
    if configured:
        return configured
    return (
        ForgeSecret.objects.filter(forge=forge, organisation__iexact=organisation)
        .exclude(secret="")
        .values_list("secret", flat=True)
        .first()
    )


def github_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(forge: str, secret: str, body: bytes, headers) -> None:
    if forge == Forge.GITHUB:
        given = headers.get("X-Hub-Signature-256", "")
        if not given:
            raise Refused(401, "The X-Hub-Signature-256 header is missing; set a secret on the web hook.")
        if not hmac.compare_digest(github_signature(secret, body), given):
            raise Refused(401, "The signature does not match this organisation's secret. Nothing changed.")
    else:
        given = headers.get("X-Gitlab-Token", "")
        if not given:
            raise Refused(401, "The X-Gitlab-Token header is missing; set a secret token on the web hook.")
        if not hmac.compare_digest(secret.encode(), given.encode()):
            raise Refused(401, "The token does not match this organisation's secret. Nothing changed.")


def delivery_id(forge: str, headers) -> str:
    name = "X-GitHub-Delivery" if forge == Forge.GITHUB else "X-Gitlab-Event-UUID"
    value = headers.get(name, "") or (headers.get("Idempotency-Key", "") if forge == Forge.GITLAB else "")
    if not value or len(value) > 100:
        raise Refused(400, f"The {name} header is missing or malformed; we need it to process a delivery once.")
    return value


def _moment(value) -> datetime | None:
    """GitHub sends ISO 8601; GitLab also sends ``2026-03-04 10:00:00 UTC``."""
    if not isinstance(value, str) or not value:
        return None
    parsed = parse_datetime(value.replace(" UTC", "+00:00").replace(" ", "T", 1))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def merged_change(forge: str, event: str, payload: dict) -> MergedChange | None:
    """The merged change a delivery reports, or None when it reports something else (opened, closed unmerged…)."""
    if forge == Forge.GITHUB:
        pull = payload.get("pull_request")
        if event != "pull_request" or payload.get("action") != "closed" or not isinstance(pull, dict):
            return None
        if not pull.get("merged") or not isinstance(pull.get("html_url"), str):
            return None
        return MergedChange(pull["html_url"], _moment(pull.get("merged_at")) or timezone.now())
    attributes = payload.get("object_attributes")
    if payload.get("object_kind") != "merge_request" or not isinstance(attributes, dict):
        return None
    if attributes.get("state") != "merged" or not isinstance(attributes.get("url"), str):
        return None
    merged_at = _moment(attributes.get("merged_at")) or _moment(attributes.get("updated_at")) or timezone.now()
    return MergedChange(attributes["url"], merged_at)


def land(item: ActionItem, change: MergedChange, forge: str) -> bool:
    """Mark one item landed by a merged change (done, at the merge time). False when it had landed already."""
    if item.landed_at is not None and item.landed_via != LandingSource.OWNER:
        return False
    merged_at = min(change.merged_at, timezone.now())
    item.landed_at, item.landed_via, item.landing_evidence_url = merged_at, forge, change.url
    if item.status != ActionStatus.DONE:
        item.status, item.completed_at = ActionStatus.DONE, merged_at
    item.save()
    return True


def receive(forge: str, organisation: str, delivery: str, event: str, payload: dict) -> str:
    """Act on one verified delivery, at most once per delivery id; returns what happened, in words."""
    try:
        with transaction.atomic():
            record = ForgeDelivery.objects.create(
                forge=forge, delivery_id=delivery, organisation=organisation, outcome="received"
            )
    except IntegrityError:
        return "This delivery was received before; nothing changed."
    change = merged_change(forge, event, payload)
    if change is None:
        outcome = "Not a merged change; nothing to do."
    else:
        with transaction.atomic():
            items = list(
                ActionItem.objects.select_for_update()
                .filter(change_key=change_key(change.url))
                .exclude(status=ActionStatus.WONT_DO)
                .order_by("pk")
            )
            landed = [item for item in items if land(item, change, forge)]
        if landed:
            record.landed = landed[0]
            outcome = f"Marked {len(landed)} action item{'s' if len(landed) != 1 else ''} landed."
        elif items:
            outcome = "The linked action items had landed already; nothing changed."
        else:
            outcome = "No action item links to this change; accepted and ignored."
    record.outcome = outcome
    record.save(update_fields=["outcome", "landed"])
    return outcome
