"""The Slack app against signed requests and a local stand-in for Slack's Web API."""

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from actions.models import Delivery, TeamChatHook
from actions.notify import deliver_one
from incidents.models import Incident, NearMiss, TimelineEntry
from incidents.services import create_incident
from tests.actions.conftest import ChatRecorder
from tests.incidents.factories import IncidentFactory
from tests.slackapp.conftest import interaction, send

pytestmark = pytest.mark.django_db

ANON_ID, ANON_NAME = "U0ANON7Q2", "river.song"


def near_miss_submission(
    user_id=ANON_ID, anonymous=True, what="A config push almost went to every region at once.", team=None
):
    values = {
        "what": {"value": {"type": "plain_text_input", "value": what}},
        "how": {"value": {"type": "static_select", "selected_option": {"value": "review"}}},
        "could": {"value": {"type": "plain_text_input", "value": None}},
        "anonymous": {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}] if anonymous else []}},
    }
    if team is not None:
        values["team"] = {"value": {"type": "static_select", "selected_option": {"value": str(team.pk)}}}
    return {
        "type": "view_submission",
        "team": {"id": "T0ACME", "domain": "acme"},
        "user": {"id": user_id, "username": ANON_NAME, "name": ANON_NAME, "team_id": "T0ACME"},
        "api_app_id": "A0APP",
        "view": {"id": "V0MODAL", "callback_id": "near_miss", "state": {"values": values}},
    }


def command(text="The deploy almost went to prod", user_id="U0NAMED", **sign):
    fields = {"command": "/near-miss", "text": text, "user_id": user_id, "user_name": "priya", "team_id": "T0ACME",
              "trigger_id": "13345224609.738474920.8088930838d88f008e0", "response_url": "https://hooks.slack.com/x"}  # fmt: skip
    return send("/slack/commands/", fields, **sign)


# --- every request is verified ------------------------------------------------------------------


def test_the_slash_command_opens_the_near_miss_form(slack_api, payments):
    response = command()
    assert response.status_code == 200
    [(method, args)] = slack_api.calls
    assert method == "views.open"
    assert args["trigger_id"] == "13345224609.738474920.8088930838d88f008e0"
    view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
    assert view["callback_id"] == "near_miss"
    assert view["blocks"][0]["element"]["initial_value"] == "The deploy almost went to prod"
    anonymity = next(block for block in view["blocks"] if block["block_id"] == "anonymous")
    assert anonymity["element"]["options"][0]["text"]["text"] == "File anonymously"


@pytest.mark.parametrize("path", ["/slack/commands/", "/slack/interactions/"])
def test_unsigned_forged_replayed_or_oversized_requests_are_refused(slack_api, path, settings):
    fields = (
        {"payload": json.dumps(near_miss_submission())}
        if "interactions" in path
        else {"command": "/near-miss", "trigger_id": "1.2.3"}
    )
    assert send(path, fields, secret="not-our-secret").status_code == 401
    # A request captured and played back ten minutes later.
    assert send(path, fields, at=time.time() - 600).status_code == 401
    from django.test import Client

    assert Client().post(path, fields).status_code == 401
    settings.SLACK_BODY_MAX_BYTES = 500
    assert send(path, fields | {"text": "x" * 600}).status_code == 413
    assert slack_api.calls == []
    assert not NearMiss.all_objects.exists()
    assert Client().get(path).status_code == 405


def test_without_slack_set_up_the_endpoints_do_not_exist(db):
    assert command().status_code == 404


# --- filing near misses ------------------------------------------------------------------------------


def _every_stored_value() -> str:
    """Every row of every table the project owns, as text (plus the session and cache tables)."""
    dump = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')  # noqa: S608 - our own table names
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_filing_anonymously_keeps_nothing_about_the_slack_user(slack_api, payments, caplog):
    with caplog.at_level(logging.DEBUG):
        response = interaction(near_miss_submission(team=payments))
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "update"
    assert "filed anonymously: nothing links it to you" in json.dumps(answer["view"])

    near_miss = NearMiss.all_objects.get()  # an anonymous report waits for the hourly release
    assert near_miss.reporter is None and near_miss.team == payments
    assert near_miss.filed_on == timezone.now().date()
    # Slack was not even asked who the user is.
    assert slack_api.calls == []
    stored = _every_stored_value()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for trace in (ANON_ID, ANON_NAME, "T0ACME"):
        assert trace not in stored
        assert trace not in logged


def test_filing_with_a_name_finds_the_person_by_their_slack_email(slack_api, engineer):
    slack_api.emails["U0NAMED"] = engineer.email.upper()
    response = interaction(near_miss_submission(user_id="U0NAMED", anonymous=False))
    assert response.json()["response_action"] == "update"
    assert NearMiss.objects.get().reporter == engineer
    assert slack_api.methods() == ["users.info"]


def test_a_named_filing_without_an_account_here_asks_to_file_anonymously(slack_api, engineer):
    response = interaction(near_miss_submission(user_id="U0STRANGER", anonymous=False))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"anonymous": "We found no account here with your Slack e-mail address. "
                   "Tick “File anonymously”, or file it on the web."},
    }  # fmt: skip
    assert not NearMiss.all_objects.exists()


def test_the_forms_messages_show_under_the_right_input(slack_api):
    response = interaction(near_miss_submission(what=""))
    assert response.json() == {"response_action": "errors", "errors": {"what": "This field is required."}}
    assert not NearMiss.all_objects.exists()


# --- the message shortcut: add to an incident's timeline ----------------------------------------------


def shortcut(user_id="U0NAMED"):
    return {
        "type": "message_action", "callback_id": "add_to_timeline", "trigger_id": "9.8.7",
        "user": {"id": user_id}, "channel": {"id": "C0INCIDENT"},
        "message": {"ts": "1763632800.000200", "text": "Rolled back payments-api to v41; errors dropping."},
    }  # fmt: skip


def timeline_submission(incident, user_id="U0NAMED", text="Rolled back payments-api to v41; errors dropping."):
    return {
        "type": "view_submission",
        "user": {"id": user_id},
        "view": {
            "callback_id": "timeline_entry",
            "private_metadata": json.dumps({"ts": "1763632800.000200", "channel": "C0INCIDENT"}),
            "state": {"values": {
                "incident": {"value": {"type": "static_select", "selected_option": {"value": str(incident.pk)}}},
                "text": {"value": {"type": "plain_text_input", "value": text}},
            }},
        },
    }  # fmt: skip


def test_the_shortcut_offers_the_open_incidents_the_person_may_add_to(slack_api, engineer, outsider, payments):
    started = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    open_one = IncidentFactory(team=payments, title="Payments API 502s", impact_started_at=started)
    IncidentFactory(team=payments, title="Old and resolved", status="resolved", impact_started_at=started,
                    mitigated_at=started, resolved_at=started)  # fmt: skip
    slack_api.emails |= {"U0NAMED": engineer.email, "U0OTTO": outsider.email}

    assert interaction(shortcut()).status_code == 200
    (_, lookup), (method, args) = slack_api.calls
    assert method == "views.open" and args["trigger_id"] == "9.8.7"
    view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
    options = view["blocks"][0]["element"]["options"]
    assert [option["value"] for option in options] == [str(open_one.pk)]
    assert view["blocks"][1]["element"]["initial_value"].startswith("Rolled back payments-api")

    interaction(shortcut("U0OTTO"))
    view = slack_api.calls[-1][1]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert "There is no open incident whose timeline you may add to." in json.dumps(view)


def test_submitting_adds_the_message_to_the_timeline_at_its_time(slack_api, engineer, outsider, payments):
    incident = IncidentFactory(team=payments, impact_started_at=datetime(2025, 11, 20, 9, 0, tzinfo=UTC))
    slack_api.emails |= {"U0NAMED": engineer.email, "U0OTTO": outsider.email}

    refused = interaction(timeline_submission(incident, "U0OTTO"))
    assert refused.json()["errors"] == {
        "incident": "Only the incident's responders, its teams and its facilitator add to its timeline."
    }
    secret = IncidentFactory(team=payments, restricted=True)
    assert interaction(timeline_submission(secret)).json()["errors"] == {"incident": "You cannot see this incident."}

    assert interaction(timeline_submission(incident)).json() == {"response_action": "clear"}
    entry = TimelineEntry.objects.get(incident=incident)
    assert entry.occurred_at == datetime(2025, 11, 20, 10, 0, 0, 200, tzinfo=UTC)
    assert (entry.author, entry.kind) == (engineer, "communication")
    assert entry.link == "https://acme.slack.com/archives/C0INCIDENT/p1763632800000200"


# --- notifications to the team channel ---------------------------------------------------------------


@pytest.fixture
def chat_server():
    recorder = ChatRecorder()
    yield recorder
    recorder.close()


def test_new_incidents_are_announced_in_the_team_channel_but_restricted_ones_are_not(
    slack_api, chat_server, engineer, payments, settings
):
    TeamChatHook.objects.create(team=payments, url=chat_server.url)
    create_incident(created_by=engineer, title="Card payments failing", severity="sev1", team=payments,
                    impact_started_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    create_incident(created_by=engineer, title="Leaked signing key", severity="sev1", team=payments,
                    impact_started_at=timezone.now() - timedelta(minutes=5), restricted=True)  # fmt: skip
    [delivery] = Delivery.objects.all()
    assert deliver_one(delivery.pk, immediate=True)
    [request] = chat_server.requests
    incident = Incident.objects.get(title="Card payments failing")
    assert request["json"]["text"] == (
        f"New SEV1 incident for Payments: Card payments failing <http://127.0.0.1:8000/incidents/{incident.pk}/|Open>"
    )

    settings.SLACK_ANNOUNCE_INCIDENTS = False
    create_incident(created_by=engineer, title="Search is slow", severity="sev3", team=payments,
                    impact_started_at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    assert Delivery.objects.count() == 1
