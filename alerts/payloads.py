"""Each monitoring system's JSON, read into one shape. A body that does not fit says what is wrong."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.dateparse import parse_datetime

from incidents.models import Severity


class Malformed(Exception):
    """The body is not what this kind of source sends; the message says what is missing."""


@dataclass(frozen=True)
class Alert:
    fingerprint: str
    firing: bool
    title: str
    description: str
    severity: str | None
    started_at: datetime
    ended_at: datetime | None
    url: str
    # Identifies this one state of this alert: a retry or a duplicate has the same key.
    key: str


def _key(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise Malformed(f"{where} must be a JSON object.")
    return value


def _text(data: dict, name: str, where: str, required: bool = True) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise Malformed(f"{where} needs “{name}”.")
        return ""
    if not isinstance(value, str):
        raise Malformed(f"“{name}” in {where} must be a string.")
    return value


def _time(data: dict, name: str, where: str, required: bool = True) -> datetime | None:
    raw = _text(data, name, where, required)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Malformed(f"“{name}” in {where} must be an ISO 8601 time with a zone, such as 2026-11-20T10:00:00Z.")
    # Alertmanager says "0001-01-01T00:00:00Z" for "not ended".
    return None if value.year < 1970 else value


def _severity(value) -> str | None:
    if not value:
        return None
    value = str(value).lower()
    if value in Severity.values:
        return value
    return settings.ALERT_SEVERITY_MAP.get(value)


def parse_json(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Malformed(f"The body is not JSON ({exc}).") from None
    return _object(data, "The body")


def prometheus_style(body: bytes) -> list[Alert]:
    """Alertmanager's web hook (version 4) and Grafana's, which follows it."""
    data = parse_json(body)
    alerts = data.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise Malformed("The body needs “alerts”, a non-empty list.")
    common = data.get("commonAnnotations") if isinstance(data.get("commonAnnotations"), dict) else {}
    found = []
    for number, raw in enumerate(alerts, start=1):
        where = f"alert {number}"
        raw = _object(raw, where)
        status = _text(raw, "status", where)
        if status not in ("firing", "resolved"):
            raise Malformed(f"“status” of {where} must be firing or resolved, not {status!r}.")
        labels = raw.get("labels") if isinstance(raw.get("labels"), dict) else {}
        annotations = raw.get("annotations") if isinstance(raw.get("annotations"), dict) else {}
        fingerprint = _text(raw, "fingerprint", where, required=False) or _key(sorted(labels.items()))
        started_at = _time(raw, "startsAt", where)
        ended_at = _time(raw, "endsAt", where, required=False)
        title = annotations.get("summary") or labels.get("alertname") or common.get("summary") or "Alert"
        found.append(
            Alert(
                fingerprint=fingerprint[:200],
                firing=status == "firing",
                title=str(title)[:200],
                description=str(annotations.get("description") or common.get("description") or ""),
                severity=_severity(labels.get("severity")),
                started_at=started_at,
                ended_at=ended_at if status == "resolved" else None,
                url=str(raw.get("generatorURL") or raw.get("dashboardURL") or raw.get("panelURL") or ""),
                key=_key(fingerprint, status, started_at.isoformat(), ended_at.isoformat() if ended_at else ""),
            )
        )
    return found


PAGERDUTY_FIRING = {"incident.triggered", "incident.reopened"}
PAGERDUTY_RESOLVED = {"incident.resolved"}


def pagerduty(body: bytes) -> list[Alert]:
    """PagerDuty's v3 web hooks: incidents triggered, reopened and resolved (other events are noted, not acted on)."""
    event = _object(parse_json(body).get("event"), "“event”")
    event_id = _text(event, "id", "the event")
    event_type = _text(event, "event_type", "the event")
    occurred_at = _time(event, "occurred_at", "the event")
    if event_type not in PAGERDUTY_FIRING | PAGERDUTY_RESOLVED:
        return []
    data = _object(event.get("data"), "“event.data”")
    incident_id = _text(data, "id", "the event's data")
    priority = data.get("priority") if isinstance(data.get("priority"), dict) else {}
    firing = event_type in PAGERDUTY_FIRING
    return [
        Alert(
            fingerprint=incident_id,
            firing=firing,
            title=(_text(data, "title", "the event's data", required=False) or f"PagerDuty incident {incident_id}")[
                :200
            ],
            description=str((data.get("service") or {}).get("summary", ""))
            if isinstance(data.get("service"), dict)
            else "",
            severity=_severity(priority.get("summary")) or _severity(data.get("urgency")),
            started_at=(_time(data, "created_at", "the event's data", required=False) or occurred_at)
            if firing
            else occurred_at,
            ended_at=None if firing else occurred_at,
            url=str(data.get("html_url") or ""),
            key=_key(event_id),
        )
    ]


def generic(body: bytes) -> list[Alert]:
    """The documented generic shape (README): one alert, or ``{"alerts": [...]}``."""
    data = parse_json(body)
    items = data.get("alerts", [data])
    if not isinstance(items, list) or not items:
        raise Malformed("“alerts” must be a non-empty list.")
    found = []
    for number, raw in enumerate(items, start=1):
        where = "the alert" if len(items) == 1 and "alerts" not in data else f"alert {number}"
        raw = _object(raw, where)
        fingerprint = _text(raw, "fingerprint", where)
        status = _text(raw, "status", where)
        if status not in ("firing", "resolved"):
            raise Malformed(f"“status” of {where} must be firing or resolved, not {status!r}.")
        started_at = _time(raw, "started_at", where)
        ended_at = _time(raw, "ended_at", where, required=status == "resolved")
        severity = raw.get("severity")
        if severity and _severity(severity) is None:
            raise Malformed(f"“severity” of {where} must be one of sev1–sev4 or a name we map, not {severity!r}.")
        found.append(
            Alert(
                fingerprint=fingerprint[:200],
                firing=status == "firing",
                title=_text(raw, "title", where)[:200],
                description=_text(raw, "description", where, required=False),
                severity=_severity(severity),
                started_at=started_at,
                ended_at=ended_at if status == "resolved" else None,
                url=_text(raw, "url", where, required=False),
                key=_key(raw.get("id") or "", fingerprint, status, started_at.isoformat(), ended_at or ""),
            )
        )
    return found
