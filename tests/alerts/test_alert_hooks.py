"""Alert intake: each source's authentication, opening and adding to incidents, mitigation, idempotency."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from alerts.models import AlertSource, SourceKind
from incidents.models import EntryKind, Incident, Status

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-the-hook-tests"


@pytest.fixture
def source(payments):
    def make(kind, severity="sev3"):
        return AlertSource.objects.create(name=f"{kind} test", slug=kind, kind=kind, team=payments, severity=severity,
                                          secret=SECRET)  # fmt: skip

    return make


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def alertmanager_body(status="firing", fingerprint="a1b2c3", starts=None, ends=None, **labels):
    starts = starts or timezone.now().replace(microsecond=0) - timedelta(minutes=7)
    alert = {
        "status": status,
        "labels": {"alertname": "CheckoutErrorRate", "severity": "critical", **labels},
        "annotations": {"summary": "Checkout error rate above 5%", "description": "5xx on /pay for 5 minutes."},
        "startsAt": iso(starts),
        "endsAt": iso(ends) if ends else "0001-01-01T00:00:00Z",
        "generatorURL": "https://prometheus.example.com/graph?g0.expr=errors",
        "fingerprint": fingerprint,
    }
    return {"version": "4", "groupKey": "{}:{alertname=\"CheckoutErrorRate\"}", "status": status,
            "receiver": "postmortems", "alerts": [alert]}  # fmt: skip


def post(body, slug, headers=None, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    return Client().post(f"/hooks/alerts/{slug}/", data, content_type="application/json", headers=headers or {})


BEARER = {"Authorization": f"Bearer {SECRET}"}


def pagerduty_headers(data: bytes, secret=SECRET):
    return {"X-PagerDuty-Signature": "v1=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()}


def generic_headers(data: bytes, at=None, secret=SECRET):
    at = int(at if at is not None else time.time())
    signature = hmac.new(secret.encode(), f"{at}.".encode() + data, hashlib.sha256).hexdigest()
    return {"X-Postmortems-Signature": f"t={at},v1={signature}"}


# --- Prometheus Alertmanager ----------------------------------------------------------------------


def test_a_firing_alert_opens_an_incident_detected_when_it_fired(source):
    source(SourceKind.ALERTMANAGER)
    starts = timezone.now().replace(microsecond=0) - timedelta(minutes=7)
    response = post(alertmanager_body(starts=starts), "alertmanager", BEARER)
    assert response.status_code == 200
    [incident_id] = response.json()["opened"]
    incident = Incident.objects.get(pk=incident_id)
    assert (incident.title, incident.severity, incident.team.slug) == (
        "Checkout error rate above 5%",
        "sev1",
        "payments",
    )
    assert incident.detected_at == starts and incident.status == Status.INVESTIGATING
    [entry] = incident.timeline.all()
    assert entry.kind == EntryKind.ALERT and entry.occurred_at == starts
    assert entry.link == "https://prometheus.example.com/graph?g0.expr=errors"


def test_the_same_fingerprint_adds_to_the_open_incident_and_resolution_records_mitigation(source):
    source(SourceKind.ALERTMANAGER)
    starts = timezone.now().replace(microsecond=0) - timedelta(minutes=30)
    first = post(alertmanager_body(starts=starts), "alertmanager", BEARER).json()["opened"][0]
    # The same alert fires again after a flap: a new start time, the same fingerprint.
    again = post(alertmanager_body(starts=starts + timedelta(minutes=10)), "alertmanager", BEARER).json()
    assert again["opened"] == [] and again["updated"] == [first]
    assert Incident.objects.count() == 1

    ends = starts + timedelta(minutes=25)
    resolved = post(
        alertmanager_body("resolved", starts=starts + timedelta(minutes=10), ends=ends), "alertmanager", BEARER
    )
    assert resolved.json()["updated"] == [first]
    incident = Incident.objects.get(pk=first)
    assert (incident.status, incident.mitigated_at) == (Status.MITIGATED, ends)
    assert [e.text for e in incident.timeline.order_by("occurred_at")][
        -1
    ] == "The alert “Checkout error rate above 5%” resolved."


def test_alertmanager_retries_and_duplicates_change_nothing(source):
    source(SourceKind.ALERTMANAGER)
    body = alertmanager_body()
    first = post(body, "alertmanager", BEARER).json()
    replayed = post(body, "alertmanager", BEARER)
    assert replayed.status_code == 200
    assert replayed.json() | {"detail": ""} == {"detail": "", "opened": [], "updated": [], "duplicates": 1}
    incident = Incident.objects.get(pk=first["opened"][0])
    assert incident.timeline.count() == 1


def test_alertmanager_needs_its_secret(source, engineer):
    source(SourceKind.ALERTMANAGER)
    body = alertmanager_body()
    assert post(body, "alertmanager").status_code == 401
    assert post(body, "alertmanager", {"Authorization": "Bearer wrong"}).status_code == 401
    # A signed-in session is no substitute either.
    client = Client()
    client.force_login(engineer)
    assert client.post("/hooks/alerts/alertmanager/", body, content_type="application/json").status_code == 401
    assert not Incident.objects.exists()


def test_too_large_or_malformed_bodies_are_refused_clearly(source, settings):
    source(SourceKind.ALERTMANAGER)
    settings.ALERT_BODY_MAX_BYTES = 2000
    big = alertmanager_body()
    big["alerts"][0]["annotations"]["description"] = "x" * 3000
    too_large = post(big, "alertmanager", BEARER)
    assert too_large.status_code == 413 and "2000 bytes" in too_large.json()["detail"]

    assert post(None, "alertmanager", BEARER, raw=b"{not json").json()["detail"].startswith("The body is not JSON")
    missing = post({"alerts": [{"status": "firing"}]}, "alertmanager", BEARER)
    assert missing.status_code == 400
    assert missing.json()["detail"] == "alert 1 needs “startsAt”. Nothing was recorded."
    wrong = alertmanager_body()
    wrong["alerts"][0]["startsAt"] = "yesterday"
    assert "must be an ISO 8601 time" in post(wrong, "alertmanager", BEARER).json()["detail"]
    assert not Incident.objects.exists()
    assert Client().get("/hooks/alerts/alertmanager/").status_code == 405
    assert post(alertmanager_body(), "nowhere", BEARER).status_code == 404


# --- Grafana ----------------------------------------------------------------------------------------


def grafana_body(status="firing", ends=None):
    starts = timezone.now().replace(microsecond=0) - timedelta(minutes=3)
    return {
        "receiver": "postmortems", "status": status, "orgId": 1, "title": "[FIRING:1] Disk almost full",
        "message": "Disk almost full on db-1", "version": "1", "groupKey": "{}/{}:{}",
        "alerts": [{
            "status": status, "labels": {"alertname": "DiskAlmostFull", "severity": "warning", "instance": "db-1"},
            "annotations": {"summary": "Disk almost full on db-1"}, "startsAt": iso(starts),
            "endsAt": iso(ends) if ends else "0001-01-01T00:00:00Z", "fingerprint": "57c6d9296de2ad39",
            "dashboardURL": "https://grafana.example.com/d/db", "silenceURL": "https://grafana.example.com/alerting/silence/new",
        }],
    }  # fmt: skip


def test_grafana_alerts_open_and_mitigate_with_its_secret(source):
    source(SourceKind.GRAFANA)
    body = grafana_body()
    assert post(body, "grafana").status_code == 401
    opened = post(body, "grafana", BEARER).json()["opened"]
    assert Incident.objects.get(pk=opened[0]).severity == "sev3"
    assert post(body, "grafana", BEARER).json()["duplicates"] == 1
    ends = timezone.now().replace(microsecond=0)
    post(
        grafana_body("resolved", ends=ends)
        | {"alerts": [grafana_body("resolved", ends=ends)["alerts"][0] | {"startsAt": body["alerts"][0]["startsAt"]}]},
        "grafana",
        BEARER,
    )
    assert Incident.objects.get(pk=opened[0]).mitigated_at == ends
    big = grafana_body()
    big["message"] = "x" * (1024 * 1024)
    assert post(big, "grafana", BEARER).status_code == 413


# --- PagerDuty v3 -------------------------------------------------------------------------------------


def pagerduty_body(event_type="incident.triggered", event_id="01DEN4HPBQAAAG05V5QXY7C0SZ"):
    now = timezone.now().replace(microsecond=0)
    return {"event": {
        "id": event_id, "event_type": event_type, "resource_type": "incident", "occurred_at": iso(now),
        "agent": None, "client": None,
        "data": {"id": "PGR0VU2", "type": "incident", "self": "https://api.pagerduty.com/incidents/PGR0VU2",
                 "html_url": "https://acme.pagerduty.com/incidents/PGR0VU2", "number": 2, "status": "triggered",
                 "incident_key": "d3640fbd41094207a1c11e58e46b1662", "created_at": iso(now - timedelta(minutes=2)),
                 "title": "Payments API latency above SLO", "service": {"summary": "Payments API", "id": "PF9KMXH"},
                 "urgency": "high", "priority": {"summary": "P1"}},
    }}  # fmt: skip


def test_pagerduty_signed_events_open_and_resolve(source):
    source(SourceKind.PAGERDUTY)
    data = json.dumps(pagerduty_body()).encode()
    response = post(None, "pagerduty", pagerduty_headers(data), raw=data)
    assert response.status_code == 200, response.json()
    incident = Incident.objects.get(pk=response.json()["opened"][0])
    assert (incident.title, incident.severity) == ("Payments API latency above SLO", "sev1")

    # PagerDuty retries with the same event: nothing new.
    assert post(None, "pagerduty", pagerduty_headers(data), raw=data).json()["duplicates"] == 1
    # Acknowledging opens and resolves nothing.
    ack = json.dumps(pagerduty_body("incident.acknowledged", "01DEN4J2")).encode()
    assert post(None, "pagerduty", pagerduty_headers(ack), raw=ack).json()["detail"].startswith("Received; this event")

    resolved = json.dumps(pagerduty_body("incident.resolved", "01DEN4JZ")).encode()
    assert post(None, "pagerduty", pagerduty_headers(resolved), raw=resolved).json()["updated"] == [incident.pk]
    incident.refresh_from_db()
    assert incident.status == Status.MITIGATED


def test_pagerduty_refuses_bad_signatures_and_accepts_a_rotated_secret(source):
    source(SourceKind.PAGERDUTY)
    data = json.dumps(pagerduty_body()).encode()
    assert post(None, "pagerduty", pagerduty_headers(data, "another secret"), raw=data).status_code == 401
    tampered = data.replace(b"P1", b"P5")
    assert post(None, "pagerduty", pagerduty_headers(data), raw=tampered).status_code == 401
    assert post(None, "pagerduty", {}, raw=data).status_code == 401
    both = {"X-PagerDuty-Signature": pagerduty_headers(data, "old")["X-PagerDuty-Signature"] + ","
            + pagerduty_headers(data)["X-PagerDuty-Signature"]}  # fmt: skip
    assert post(None, "pagerduty", both, raw=data).status_code == 200
    big = json.dumps(pagerduty_body() | {"padding": "x" * (1024 * 1024)}).encode()
    assert post(None, "pagerduty", pagerduty_headers(big), raw=big).status_code == 413


# --- the generic shape ---------------------------------------------------------------------------------


def generic_alert(status="firing", **extra):
    started = timezone.now().replace(microsecond=0) - timedelta(minutes=4)
    alert = {"fingerprint": "queue-depth-orders", "status": status, "title": "Orders queue is backing up",
             "started_at": iso(started), "severity": "sev2", "url": "https://status.example.com/queues"}  # fmt: skip
    return alert | extra


def test_generic_alerts_are_signed_with_a_time_and_replays_are_refused(source):
    source(SourceKind.GENERIC)
    data = json.dumps(generic_alert()).encode()
    response = post(None, "generic", generic_headers(data), raw=data)
    assert response.status_code == 200
    incident = Incident.objects.get(pk=response.json()["opened"][0])
    assert incident.severity == "sev2"

    # The same signed request again within the tolerance: idempotent.
    assert post(None, "generic", generic_headers(data), raw=data).json()["duplicates"] == 1
    # A request captured ten minutes ago and played back: refused.
    replayed = post(None, "generic", generic_headers(data, at=time.time() - 600), raw=data)
    assert replayed.status_code == 401 and "replayed" in replayed.json()["detail"]
    assert post(None, "generic", generic_headers(data, secret="guess"), raw=data).status_code == 401
    assert post(None, "generic", {"X-Postmortems-Signature": "nonsense"}, raw=data).status_code == 401

    ended = json.dumps(generic_alert("resolved", ended_at=iso(timezone.now().replace(microsecond=0)))).encode()
    assert post(None, "generic", generic_headers(ended), raw=ended).json()["updated"] == [incident.pk]
    big = json.dumps(generic_alert(description="x" * (1024 * 1024))).encode()
    assert post(None, "generic", generic_headers(big), raw=big).status_code == 413


def test_generic_shape_errors_name_the_field(source):
    source(SourceKind.GENERIC)
    for body, message in [
        ({"status": "firing"}, "the alert needs “fingerprint”."),
        (generic_alert(status="burning"), "“status” of the alert must be firing or resolved, not 'burning'."),
        (generic_alert(severity="apocalyptic"), "“severity” of the alert must be one of sev1–sev4"),
        (generic_alert("resolved"), "the alert needs “ended_at”."),
        ({"alerts": []}, "“alerts” must be a non-empty list."),
    ]:
        data = json.dumps(body).encode()
        response = post(None, "generic", generic_headers(data), raw=data)
        assert response.status_code == 400
        assert response.json()["detail"].startswith(message), response.json()
    assert not Incident.objects.exists()


def test_a_new_firing_after_the_incident_closed_opens_a_new_one(source):
    source(SourceKind.GENERIC)
    data = json.dumps(generic_alert()).encode()
    first = post(None, "generic", generic_headers(data), raw=data).json()["opened"][0]
    Incident.objects.filter(pk=first).update(
        status=Status.RESOLVED, mitigated_at=timezone.now(), resolved_at=timezone.now()
    )
    later = json.dumps(generic_alert(started_at=iso(timezone.now().replace(microsecond=0)))).encode()
    second = post(None, "generic", generic_headers(later), raw=later).json()["opened"]
    assert second and second[0] != first


def test_delivery_keys_are_forgotten_after_the_retry_window(source):
    import time_machine

    from alerts.models import ReceivedAlert
    from alerts.tasks import forget_old_deliveries

    source(SourceKind.ALERTMANAGER)
    body = alertmanager_body()
    post(body, "alertmanager", BEARER)
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert forget_old_deliveries() == 0
        assert post(body, "alertmanager", BEARER).json()["duplicates"] == 1
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert forget_old_deliveries() == 1
    assert not ReceivedAlert.objects.exists()
