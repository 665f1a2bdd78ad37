"""The REST API: tokens, scopes, the same rules as the pages, pagination, filters and JSON errors."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from actions.models import ActionItem, FixObligation
from api.models import PersonalAccessToken
from incidents.models import Incident, NearMiss, TimelineEntry
from postmortems.models import ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.api.conftest import ApiClient
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db


# --- tokens -------------------------------------------------------------------------------


def test_a_person_creates_a_token_sees_it_once_and_only_its_fingerprint_is_kept(client, engineer):
    client.force_login(engineer)
    page = client.post("/me/tokens/", {"name": "incident bot", "scope": "write"})
    assert page.status_code == 200
    secret = page.context["created_secret"]
    assert secret.startswith("pm_") and secret in page.text
    assert page["Cache-Control"] == "no-store"

    token = PersonalAccessToken.objects.get(user=engineer)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.digest, token.prefix, token.name}
    assert token.prefix == secret[:9]

    again = client.get("/me/tokens/")
    assert secret not in again.text
    assert "incident bot" in again.text and "Read and write" in again.text and "Never" in again.text


def test_last_use_is_shown_and_written_at_most_once_a_minute(client, engineer):
    client.force_login(engineer)
    secret = client.post("/me/tokens/", {"name": "laptop", "scope": "read"}).context["created_secret"]
    api = ApiClient(secret)
    with time_machine.travel("2026-11-20 09:30:00Z", tick=False):
        assert api.get("/incidents").status_code == 200
    with time_machine.travel("2026-11-20 09:30:40Z", tick=False):
        api.get("/incidents")
    assert PersonalAccessToken.objects.get().last_used_at.isoformat() == "2026-11-20T09:30:00+00:00"
    assert "20 Nov 2026 09:30" in client.get("/me/tokens/").text


def test_revoking_a_token_refuses_it_at_once(client, engineer, teammate, api_as):
    api = api_as(engineer)
    token = PersonalAccessToken.objects.get(user=engineer)
    client.force_login(teammate)
    # Someone else's token does not exist for you.
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert api.get("/incidents").status_code == 200

    client.force_login(engineer)
    response = client.post(f"/me/tokens/{token.pk}/revoke/", follow=True)
    assert "is revoked" in response.text
    refused = api.get("/incidents")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Bearer"
    assert "personal access token" in refused.json()["detail"]


def test_requests_without_a_valid_token_are_refused_even_with_a_session(client, engineer, api_as):
    api_as(engineer)
    client.force_login(engineer)
    # A browser session is not a way in: the API would otherwise need CSRF protection.
    assert client.get("/api/v1/incidents").status_code == 401
    assert ApiClient("pm_not-a-token").get("/incidents").status_code == 401
    assert ApiClient(None).get("/incidents").status_code == 401


def test_a_switched_off_person_s_tokens_stop_working(engineer, api_as):
    api = api_as(engineer)
    engineer.is_active = False
    engineer.save()
    assert api.get("/incidents").status_code == 401


def test_a_read_only_token_cannot_write(engineer, payments, api_as):
    api = api_as(engineer, scope="read")
    response = api.post("/incidents", {"title": "Queue backs up", "severity": "sev3", "team": payments.pk,
                                       "impact_started_at": "2026-11-20T10:00:00Z"})  # fmt: skip
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_the_openapi_description_is_served(client):
    document = client.get("/api/openapi.json").json()
    assert document["info"]["title"] == "Post-mortems API"
    assert {"/api/v1/incidents", "/api/v1/action-items/{item_id}", "/api/v1/obligations"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in docs.text


# --- incidents and timelines ----------------------------------------------------------------


def test_opening_an_incident_makes_you_its_first_responder(engineer, payments, api_as):
    response = api_as(engineer).post("/incidents", {"title": "Checkout returns 502", "severity": "sev2",
                                                    "team": payments.pk, "impact_started_at": "2026-11-20T10:00:00+01:00"})  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["responders"] == [engineer.username] and body["team"] == "payments"
    assert body["impact_started_at"] == "2026-11-20T09:00:00Z"
    incident = Incident.objects.get(pk=body["id"])
    assert incident.created_by == engineer


def test_refused_input_names_each_field_with_the_pages_messages(engineer, payments, platform, api_as):
    api = api_as(engineer)
    future = (timezone.now() + timedelta(days=2)).isoformat()
    response = api.post(
        "/incidents", {"title": "", "severity": "sev9", "team": platform.pk, "impact_started_at": future}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"title", "severity", "team", "impact_started_at"}
    assert errors["impact_started_at"] == ["The impact started time is in the future; enter when it happened."]

    typed_wrong = api.post("/incidents", {"title": "x", "severity": "sev2", "team": "payments",
                                          "impact_started_at": "yesterday", "colour": "red"})  # fmt: skip
    assert typed_wrong.status_code == 422
    assert set(typed_wrong.json()["errors"]) == {"team", "impact_started_at", "colour"}

    broken = api.client.post("/api/v1/incidents", "{not json", content_type="application/json", headers=api.headers)
    assert broken.status_code in (400, 422)
    assert "detail" in broken.json()


def test_a_patch_changes_only_what_it_names_and_keeps_the_status_rules(engineer, payments, api_as):
    incident = IncidentFactory(team=payments, title="Checkout errors", summary="Card payments failed.")
    api = api_as(engineer)
    refused = api.patch(f"/incidents/{incident.pk}", {"status": "mitigated"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["mitigated_at"] == ["The status is “mitigated”: add when it was mitigated."]

    mitigated = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    response = api.patch(f"/incidents/{incident.pk}", {"status": "mitigated", "mitigated_at": mitigated.isoformat()})
    assert response.status_code == 200, response.json()
    incident.refresh_from_db()
    assert (incident.status, incident.mitigated_at, incident.summary) == (
        "mitigated",
        mitigated,
        "Card payments failed.",
    )
    # Mitigation starts the 48-hour obligation, as on the page.
    obligation = api.get(f"/incidents/{incident.pk}/obligation").json()
    assert obligation["state"] == "pending"
    assert obligation["incident"] == incident.pk


def test_a_patch_refuses_fields_it_does_not_know_and_a_read_only_token(engineer, payments, api_as):
    incident = IncidentFactory(team=payments, title="Checkout errors")
    item = ActionItemFactory(incident=incident, owner=engineer, title="Block deploys when the canary fails")
    api = api_as(engineer)
    for path, body in ((f"/incidents/{incident.pk}", {"title": "Card errors", "colour": "red"}),
                       (f"/action-items/{item.pk}", {"title": "Pause deploys", "colour": "red"})):  # fmt: skip
        typed_wrong = api.patch(path, body)
        assert typed_wrong.status_code == 422
        assert typed_wrong.json()["errors"] == {"colour": ["This field is not accepted here."]}
        read_only = api_as(engineer, scope="read").patch(path, {"title": "Card errors"})
        assert read_only.status_code == 403 and "may only read" in read_only.json()["detail"]
    incident.refresh_from_db()
    item.refresh_from_db()
    assert (incident.title, item.title) == ("Checkout errors", "Block deploys when the canary fails")

    assert set(api.patch(f"/incidents/{incident.pk}", {"detected_at": "yesterday"}).json()["errors"]) == {"detected_at"}
    changed = api.patch(f"/action-items/{item.pk}", {"priority": "high"})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["priority"]) == ("Block deploys when the canary fails", "high")


def test_lists_paginate_and_filter_like_the_pages(engineer, payments, platform, api_as):
    for n in range(5):
        IncidentFactory(team=payments, severity="sev1" if n < 2 else "sev3", title=f"Payments outage {n}")
    IncidentFactory(team=platform, title="Platform outage")
    api = api_as(engineer)

    page = api.get("/incidents", {"limit": 2, "offset": 0}).json()
    assert page["count"] == 6 and len(page["items"]) == 2
    assert len(api.get("/incidents", {"limit": 2, "offset": 4}).json()["items"]) == 2
    assert api.get("/incidents", {"severity": "sev1"}).json()["count"] == 2
    assert api.get("/incidents", {"team": "platform"}).json()["count"] == 1
    assert api.get("/incidents", {"q": "Payments outage 3"}).json()["count"] == 1

    bad = api.get("/incidents", {"limit": 0})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"limit"}
    bad = api.get("/incidents", {"severity": "sev9"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"severity"}


def test_restricted_incidents_do_not_exist_for_people_not_on_them(engineer, manager, payments, api_as):
    secret = IncidentFactory(team=payments, restricted=True, responders=[engineer], title="Leaked key")
    TimelineEntryFactory(incident=secret)
    as_manager = api_as(manager)
    assert as_manager.get("/incidents").json()["count"] == 0
    assert as_manager.get(f"/incidents/{secret.pk}").status_code == 404
    assert as_manager.get(f"/incidents/{secret.pk}/timeline").status_code == 404
    assert (
        as_manager.post(
            f"/incidents/{secret.pk}/timeline", {"occurred_at": "2026-11-20T10:00:00Z", "text": "x"}
        ).status_code
        == 404
    )
    assert api_as(engineer).get(f"/incidents/{secret.pk}/timeline").json()["count"] == 1


def test_timeline_entries_are_added_by_those_who_may_edit(engineer, outsider, payments, api_as):
    incident = IncidentFactory(team=payments)
    at = (incident.impact_started_at + timedelta(minutes=20)).isoformat()
    entry = {"occurred_at": at, "kind": "decision", "text": "We rolled back the deploy.",
             "known_then": "Errors began after the deploy.", "missing_then": "Whether the database was involved."}  # fmt: skip
    refused = api_as(outsider).post(f"/incidents/{incident.pk}/timeline", entry)
    assert refused.status_code == 403
    assert api_as(outsider).get(f"/incidents/{incident.pk}/timeline").status_code == 200

    response = api_as(engineer).post(f"/incidents/{incident.pk}/timeline", entry)
    assert response.status_code == 201
    saved = TimelineEntry.objects.get(pk=response.json()["id"])
    assert (saved.author, saved.missing_then) == (engineer, "Whether the database was involved.")
    assert api_as(engineer).post(f"/incidents/{incident.pk}/timeline", {"occurred_at": at, "text": ""}).json()[
        "errors"
    ] == {"text": ["This field is required."]}


# --- near misses ------------------------------------------------------------------------------


def test_near_misses_are_filed_with_a_name_and_anonymity_is_not_offered(engineer, payments, api_as):
    api = api_as(engineer)
    body = {"what_almost_happened": "A migration nearly dropped a column in use.", "how_caught": "review",
            "team": payments.pk}  # fmt: skip
    response = api.post("/near-misses", body)
    assert response.status_code == 201, response.json()
    assert "reporter" not in response.json()
    assert NearMiss.objects.get().reporter == engineer

    anonymous = api.post("/near-misses", body | {"anonymous": True})
    assert anonymous.status_code == 422
    assert anonymous.json()["errors"] == {"anonymous": ["This field is not accepted here."]}
    assert NearMiss.objects.count() == 1


# --- reviews, action items, obligations --------------------------------------------------------


def test_reviews_are_read_only_and_follow_the_incident(engineer, manager, payments, api_as):
    review = ReviewFactory(
        incident=IncidentFactory(team=payments), status=ReviewStatus.PUBLISHED, summary="We learned."
    )
    hidden = ReviewFactory(incident=IncidentFactory(team=payments, restricted=True, responders=[engineer]))
    as_manager = api_as(manager)
    listed = as_manager.get("/reviews").json()
    assert [r["id"] for r in listed["items"]] == [review.pk]
    assert as_manager.get(f"/reviews/{review.pk}").json()["summary"] == "We learned."
    assert as_manager.get(f"/reviews/{hidden.pk}").status_code == 404
    assert as_manager.get("/reviews", {"status": "published"}).json()["count"] == 1
    assert as_manager.client.post(f"/api/v1/reviews/{review.pk}", {}, headers=as_manager.headers).status_code == 405


def test_action_items_refuse_appeals_to_attention(engineer, payments, api_as):
    incident = IncidentFactory(team=payments)
    api = api_as(engineer)
    refused = api.post(
        f"/incidents/{incident.pk}/action-items", {"title": "Engineers should be more careful when deploying"}
    )
    assert refused.status_code == 422
    [message] = refused.json()["errors"]["title"]
    assert "is an appeal to attention, not a fix" in message
    assert not ActionItem.objects.exists()

    created = api.post(f"/incidents/{incident.pk}/action-items", {"title": "Block deploys when the canary fails",
                                         "kind": "guardrail", "owner": engineer.pk,
                                         "change_url": "https://git.example.com/pay/pull/7"})  # fmt: skip
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["team"], item["owner"], item["status"]) == ("payments", engineer.username, "open")
    assert [i["id"] for i in api.get(f"/incidents/{incident.pk}/action-items").json()["items"]] == [item["id"]]

    also_refused = api.patch(f"/action-items/{item['id']}", {"title": "Remind everyone to double-check the config"})
    assert also_refused.status_code == 422
    assert ActionItem.objects.get().title == "Block deploys when the canary fails"


def test_action_items_change_status_with_the_pages_rules(engineer, outsider, payments, api_as):
    item = ActionItemFactory(incident=IncidentFactory(team=payments), owner=engineer)
    assert api_as(outsider).patch(f"/action-items/{item.pk}", {"status": "done"}).status_code == 403
    api = api_as(engineer)
    needs_reason = api.patch(f"/action-items/{item.pk}", {"status": "wont_do"})
    assert needs_reason.status_code == 422 and "wont_do_reason" in needs_reason.json()["errors"]
    done = api.patch(f"/action-items/{item.pk}", {"status": "done", "priority": "high"})
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["priority"]) == ("done", "high")
    assert api.get("/action-items").json()["count"] == 0  # open ones by default
    assert api.get("/action-items", {"status": "all"}).json()["count"] == 1


def test_obligations_list_only_incidents_you_may_see(engineer, manager, payments, api_as):
    now = timezone.now()
    seen = IncidentFactory(team=payments)
    hidden = IncidentFactory(team=payments, restricted=True, responders=[engineer])
    for incident in (seen, hidden):
        FixObligation.objects.update_or_create(
            incident=incident, defaults={"starts_at": now, "deadline": now + timedelta(hours=48)}
        )
    assert [o["incident"] for o in api_as(manager).get("/obligations").json()["items"]] == [seen.pk]
    assert api_as(engineer).get("/obligations", {"state": "pending"}).json()["count"] == 2
