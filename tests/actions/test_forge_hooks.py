"""Forge web hooks with real signatures: what lands a fix, and everything that must change nothing."""

import datetime as dt
import json

import pytest
import time_machine

from actions.forge import github_signature
from actions.models import (
    ActionStatus,
    ForgeDelivery,
    ForgeSecret,
    LandingSource,
    Notification,
    NotificationKind,
    Stage,
)
from tests.actions.factories import (
    ActionItemFactory,
    github_delivery,
    merged_merge_request,
    merged_pull_request,
    mitigated_incident,
    obligation_of,
)

pytestmark = pytest.mark.django_db

SECRET = "gh-secret-for-acme"
TOKEN = "gl-token-for-platform"
PR = "https://github.com/acme/payments/pull/318"
MR = "https://gitlab.example.com/platform/gateway/-/merge_requests/7"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.FORGE_WEBHOOK_SECRETS = {("github", "acme"): SECRET, ("gitlab", "platform"): TOKEN}


@pytest.fixture
def committed(t0, payments, engineer, teammate, facilitator):
    """An incident whose systemic fix is committed: a guardrail linked to the pull request, not merged yet."""
    with time_machine.travel(t0, tick=False):
        incident = mitigated_incident(
            payments, responders=[engineer, teammate], facilitator=facilitator, mitigated_at=t0
        )
    with time_machine.travel(t0 + dt.timedelta(hours=5), tick=False):
        item = ActionItemFactory(incident=incident, owner=teammate, kind="guardrail", change_url=PR + "/files")
    assert obligation_of(incident).stage(t0 + dt.timedelta(hours=5)) == Stage.COMMITTED
    return item


def post_github(client, body, headers, organisation="acme"):
    return client.post(f"/hooks/github/{organisation}/", data=body, content_type="application/json", headers=headers)


def test_a_signed_merged_pull_request_lands_the_fix_at_its_merge_time(client, committed, t0, engineer):
    merged_at = t0 + dt.timedelta(days=3)
    body, headers = github_delivery(SECRET, merged_pull_request(PR, merged_at))
    with time_machine.travel(merged_at + dt.timedelta(minutes=1), tick=False):
        response = post_github(client, body, headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "detail": "Marked 1 action item landed."}
    committed.refresh_from_db()
    assert (committed.landed_at, committed.landed_via, committed.status) == (
        merged_at,
        LandingSource.GITHUB,
        ActionStatus.DONE,
    )
    assert committed.landing_evidence_url == PR
    obligation = obligation_of(committed.incident)
    assert (obligation.stage(merged_at + dt.timedelta(days=1)), obligation.landed_at, obligation.next_check_at) == (
        Stage.LANDED,
        merged_at,
        None,
    )
    landed = Notification.objects.get(kind=NotificationKind.FIX_LANDED, recipient=engineer)
    assert landed.title == f"The systemic fix for “{committed.incident.title}” landed: “{committed.title}”"
    assert "GitHub pull request merged (https://github.com/acme/payments/pull/318)" in landed.body


@pytest.mark.parametrize(
    "tamper",
    ["wrong-secret", "body-changed", "no-signature", "sha1-style"],
)
def test_a_bad_signature_is_refused_and_nothing_changes(client, committed, t0, tamper):
    payload = merged_pull_request(PR, t0 + dt.timedelta(days=1))
    body, headers = github_delivery("not-the-secret" if tamper == "wrong-secret" else SECRET, payload)
    if tamper == "body-changed":
        body = body.replace(b"acme/payments", b"acme/paymentz")
    elif tamper == "no-signature":
        del headers["X-Hub-Signature-256"]
    elif tamper == "sha1-style":
        headers["X-Hub-Signature-256"] = headers["X-Hub-Signature-256"].replace("sha256=", "sha1=")
    response = post_github(client, body, headers)
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert response.json()["ok"] is False
    assert ("header is missing" if tamper == "no-signature" else "does not match") in detail
    committed.refresh_from_db()
    assert committed.landed_at is None and committed.status == ActionStatus.OPEN
    assert not ForgeDelivery.objects.exists(), "a refused delivery does not use up its id"


def test_an_organisation_without_a_secret_is_refused(client, committed, t0):
    body, headers = github_delivery(SECRET, merged_pull_request(PR, t0))
    response = post_github(client, body, headers, organisation="someone-else")
    assert response.status_code == 403
    assert "No web hook secret is set up for the organisation “someone-else”" in response.json()["detail"]
    committed.refresh_from_db()
    assert committed.landed_at is None


def test_a_replayed_delivery_changes_nothing_twice(client, committed, t0):
    merged_at = t0 + dt.timedelta(days=2)
    body, headers = github_delivery(SECRET, merged_pull_request(PR, merged_at), delivery="72d3162e-cc78-11e3")
    assert post_github(client, body, headers).status_code == 200
    # The owner reopens the item afterwards; an attacker (or a retry) replays the captured delivery.
    committed.refresh_from_db()
    committed.status = ActionStatus.IN_PROGRESS
    committed.save()
    notes = Notification.objects.count()
    replay = post_github(client, body, headers)
    assert replay.status_code == 200
    assert replay.json()["detail"] == "This delivery was received before; nothing changed."
    committed.refresh_from_db()
    assert committed.status == ActionStatus.IN_PROGRESS and committed.landed_at is None
    assert Notification.objects.count() == notes
    assert ForgeDelivery.objects.count() == 1


def test_an_unknown_link_is_accepted_and_ignored(client, committed, t0):
    other = "https://github.com/acme/payments/pull/999"
    body, headers = github_delivery(SECRET, merged_pull_request(other, t0))
    response = post_github(client, body, headers)
    assert response.status_code == 200
    assert response.json()["detail"] == "No action item links to this change; accepted and ignored."
    committed.refresh_from_db()
    assert committed.landed_at is None


def test_a_pull_request_closed_without_merging_lands_nothing(client, committed, t0):
    body, headers = github_delivery(SECRET, merged_pull_request(PR, t0, merged=False))
    assert post_github(client, body, headers).json()["detail"] == "Not a merged change; nothing to do."
    committed.refresh_from_db()
    assert committed.landed_at is None


def test_a_body_too_large_gets_413_before_anything_is_read(client, committed, t0, settings):
    settings.FORGE_WEBHOOK_MAX_BYTES = 2_000
    payload = merged_pull_request(PR, t0)
    payload["pull_request"]["body"] = "x" * 5_000
    body, headers = github_delivery(SECRET, payload)
    response = post_github(client, body, headers)
    assert response.status_code == 413
    assert "at most 2000 bytes" in response.json()["detail"]
    committed.refresh_from_db()
    assert committed.landed_at is None


def test_a_malformed_body_gets_a_clear_400(client, committed):
    _, headers = github_delivery(SECRET, {})
    body = b"{not json"
    headers["X-Hub-Signature-256"] = github_signature(SECRET, body)
    response = post_github(client, body, headers)
    assert response.status_code == 400
    assert "not JSON" in response.json()["detail"]


def test_a_get_is_refused_and_no_sign_in_is_asked(client):
    assert client.get("/hooks/github/acme/").status_code == 405


def test_a_gitlab_merge_with_the_right_token_lands_the_fix(client, t0, payments, engineer):
    with time_machine.travel(t0, tick=False):
        incident = mitigated_incident(payments, responders=[engineer], mitigated_at=t0)
        item = ActionItemFactory(incident=incident, owner=engineer, change_url=MR)
    payload = json.dumps(merged_merge_request(MR + "/diffs", t0 + dt.timedelta(days=1))).encode()
    headers = {"X-Gitlab-Event": "Merge Request Hook", "X-Gitlab-Event-UUID": "b1f0-7", "X-Gitlab-Token": "wrong"}
    refused = client.post("/hooks/gitlab/platform/", data=payload, content_type="application/json", headers=headers)
    assert refused.status_code == 401
    headers["X-Gitlab-Token"] = TOKEN
    with time_machine.travel(t0 + dt.timedelta(days=2), tick=False):
        response = client.post(
            "/hooks/gitlab/platform/", data=payload, content_type="application/json", headers=headers
        )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.landed_at, item.landed_via) == (t0 + dt.timedelta(days=1), LandingSource.GITLAB)
    assert obligation_of(incident).stage(t0 + dt.timedelta(days=2)) == Stage.LANDED


def test_a_secret_set_in_the_admin_works_when_the_environment_has_none(client, committed, t0, settings):
    settings.FORGE_WEBHOOK_SECRETS = {}
    ForgeSecret.objects.create(forge="github", organisation="acme", secret="from-the-admin")
    body, headers = github_delivery("from-the-admin", merged_pull_request(PR, t0 + dt.timedelta(days=1)))
    with time_machine.travel(t0 + dt.timedelta(days=2), tick=False):
        assert post_github(client, body, headers).status_code == 200
    committed.refresh_from_db()
    assert committed.landed_via == LandingSource.GITHUB
