"""The audit trail: every change recorded with what, when and who, and shown as a history on each page."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from actions.models import ActionItem
from audit.context import acting_as
from audit.history import recent_history
from audit.models import Action, AuditEvent
from incidents.models import HowCaught, Incident, NearMiss, TimelineEntry
from postmortems.models import ContributingFactor
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def events_of(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(AuditEvent.objects.filter(content_type=content_type, object_id=obj.pk).order_by("at", "pk"))


def edit_data(incident, **changes):
    data = {
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "summary": incident.summary,
        "customer_impact": incident.customer_impact,
        "impact_started_at": "2026-03-01T14:00",
        "detected_at": "2026-03-01T14:12",
        "mitigated_at": "",
        "resolved_at": "",
        "team": incident.team_id,
        "responders": [p.pk for p in incident.responders.all()],
        "disposition": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@time_machine.travel("2026-03-02 09:00:00 +00:00", tick=False)
def test_editing_an_incident_records_one_event_with_what_changed_and_who(client, engineer, teammate, incident):
    client.force_login(engineer)
    client.post(reverse("incident_edit", args=[incident.pk]), edit_data(incident))  # times settle first
    AuditEvent.objects.all().delete()

    data = edit_data(
        incident, severity="sev1", summary="We shipped a pool size of 5.", responders=[engineer.pk, teammate.pk]
    )
    assert client.post(reverse("incident_edit", args=[incident.pk]), data).status_code == 302

    [event] = events_of(incident)
    assert event.action == Action.CHANGED and event.actor == engineer
    assert event.at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    # The form's save and its many-to-many save fold into one event.
    assert event.changes == {
        "severity": ["SEV2", "SEV1"],
        "summary": ["", "We shipped a pool size of 5."],
        "responders": [["Priya Raman"], ["Jonas Berg", "Priya Raman"]],
    }

    page = client.get(incident.get_absolute_url()).text
    history = page[page.index('id="history"') :]
    assert "Priya Raman</span> changed this incident" in history
    assert "<del>SEV2</del> → <ins>SEV1</ins>" in history
    assert "changed the summary" in history
    assert "We shipped a pool size" not in history  # long text: named, not diffed, in the page's history
    assert "added Jonas Berg" in history


def test_times_are_shown_in_the_viewers_zone(client, engineer, incident):
    engineer.time_zone = "Europe/Berlin"
    engineer.save()
    client.force_login(engineer)
    client.post(reverse("incident_edit", args=[incident.pk]), edit_data(incident, detected_at="2026-03-01T14:20"))
    [event] = [e for e in events_of(incident) if "detected_at" in e.changes]
    page = client.get(incident.get_absolute_url()).text
    assert "detected:" in page
    # 14:20 typed in Berlin is stored as 13:20 UTC and shown back as 14:20 CET.
    assert event.changes["detected_at"][1].startswith("2026-03-01T13:20")
    assert "Sun 1 Mar 2026, 14:20 CET" in page


def test_timeline_entries_are_recorded_on_the_incident_page_and_deleted_softly(client, engineer, incident):
    client.force_login(engineer)
    client.post(
        reverse("timeline_entry_add", args=[incident.pk]),
        {"new-occurred_at": "2026-03-01T14:05", "new-kind": "observation", "new-text": "Pool exhausted on db-3."},
    )
    entry = TimelineEntry.objects.get(text="Pool exhausted on db-3.")
    delete_url = reverse("timeline_entry_delete", args=[incident.pk, entry.pk])
    assert client.get(delete_url).status_code == 405
    assert client.post(delete_url).status_code == 302

    # Not removed: hidden, with who and when, and restorable.
    assert not TimelineEntry.objects.filter(pk=entry.pk).exists()
    assert not incident.timeline.filter(pk=entry.pk).exists()
    kept = TimelineEntry.all_objects.get(pk=entry.pk)
    assert kept.deleted_by == engineer and kept.deleted_at is not None
    assert [e.action for e in events_of(entry)] == [Action.CREATED, Action.DELETED]
    assert all(e.scope_id == incident.pk for e in events_of(entry))

    page = client.get(incident.get_absolute_url()).text
    timeline = page[page.index('id="timeline"') : page.index('id="history"')]
    assert "Pool exhausted on db-3." not in timeline
    history = page[page.index('id="history"') :]
    assert "Priya Raman</span> removed the timeline entry" in history
    assert "Priya Raman</span> added the timeline entry" in history


def test_changes_made_by_the_system_have_no_actor(incident):
    incident.title = "Checkout 502s after the pool change"
    incident.save()
    event = events_of(incident)[-1]
    assert event.action == Action.CHANGED and event.actor is None
    lines, _ = recent_history(incident)
    assert lines[0].actor == "The system"
    assert lines[0].changes[0].old == "Checkout returns 502 for card payments"
    with acting_as(None):
        incident.status = "mitigated"
        incident.mitigated_at = incident.detected_at
        incident.save()
    assert events_of(incident)[-1].actor is None


def test_a_request_that_changes_nothing_records_nothing(client, engineer, incident):
    client.force_login(engineer)
    client.post(reverse("incident_edit", args=[incident.pk]), edit_data(incident))
    AuditEvent.objects.all().delete()
    client.post(reverse("incident_edit", args=[incident.pk]), edit_data(incident))
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("anonymous", [True, False])
def test_near_misses_never_reach_the_audit_trail(client, engineer, payments, anonymous):
    client.force_login(engineer)
    data = {
        "what_almost_happened": "A migration nearly dropped the refunds index",
        "how_caught": HowCaught.REVIEW,
        "team": payments.pk,
    }
    if anonymous:
        data["anonymous"] = "on"
    assert client.post(reverse("near_miss_new"), data).status_code == 302
    near_miss = NearMiss.all_objects.get()  # an anonymous one waits for the hourly release
    assert near_miss.is_anonymous is anonymous
    near_miss.what_could_have_happened = "Refund lookups timing out"
    near_miss.save()
    assert not AuditEvent.objects.exists()
    # Nor can anything in the trail point at the reporter.
    IncidentFactory(team=payments)
    for event in AuditEvent.objects.all():
        assert event.actor_id != engineer.pk
        for trace in (engineer.username, engineer.display_name, "refunds index"):
            assert trace not in f"{event.object_repr} {event.changes}"


def test_factor_changes_and_deletion_show_on_the_review(client, facilitator, review, factor):
    client.force_login(facilitator)
    url = reverse("review_factor_delete", args=[review.pk, factor.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not review.factors.exists()
    kept = ContributingFactor.all_objects.get(pk=factor.pk)
    assert kept.deleted_by == facilitator
    page = client.get(review.get_absolute_url()).text
    assert "Nothing checked the pool size" not in page[: page.index('id="history"')]
    assert "Sam Lindqvist</span> removed the contributing factor" in page


def test_action_item_page_shows_its_history(client, engineer, action_item):
    client.force_login(engineer)
    response = client.post(
        reverse("action_status", args=[action_item.pk]), {"status": "in_progress", "wont_do_reason": ""}
    )
    assert response.status_code in (200, 302)
    [created, changed] = events_of(action_item)
    assert created.action == Action.CREATED
    assert changed.changes["status"] == ["Open", "In progress"] and changed.actor == engineer
    page = client.get(action_item.get_absolute_url()).text
    assert "<del>Open</del> → <ins>In progress</ins>" in page
    assert "See the full history" not in page  # fewer than twenty changes


def test_history_shows_the_last_twenty_with_a_link_to_all(client, engineer, incident, entry):
    for n in range(25):
        incident.title = f"Checkout errors, take {n}"
        incident.save()
    client.force_login(engineer)
    page = client.get(incident.get_absolute_url()).text
    history = page[page.index('id="history"') :]
    assert history.count('class="history-line history-') == 20
    assert "take 24" in history and "take 3</ins>" not in history
    full_url = reverse("audit_history", args=["incidents.incident", incident.pk])
    assert f'href="{full_url}"' in history

    full = client.get(full_url)
    assert full.status_code == 200
    # Created, responders added, a timeline entry added, and the 25 changes.
    assert full.text.count('class="history-line history-') == AuditEvent.objects.count() == 28
    assert "take 3</ins>" in full.text


def test_full_history_shows_long_text_before_and_after(client, engineer, incident):
    incident.summary = "First draft."
    incident.save()
    incident.summary = "We shipped a pool size of 5."
    incident.save()
    client.force_login(engineer)
    page = client.get(reverse("audit_history", args=["incidents.incident", incident.pk])).text
    assert "Text before and after" in page
    assert "First draft." in page and "We shipped a pool size of 5." in page


def test_history_page_asks_the_owning_app_who_may_see_it(client, engineer, outsider, payments, facilitator):
    secret = IncidentFactory(team=payments, restricted=True, responders=[engineer], title="Leaked signing key")
    url = reverse("audit_history", args=["incidents.incident", secret.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(url, {"recent": "1"}, headers={"HX-Request": "true"}).status_code == 404
    client.force_login(engineer)
    assert client.get(url).status_code == 200
    # Opening the section on the page asks for its latest lines alone.
    fragment = client.get(url, {"recent": "1"}, headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "created this incident" in fragment
    # Only registered pages have a history page; near misses and unknown names are not found.
    assert client.get(reverse("audit_history", args=["incidents.nearmiss", 1])).status_code == 404
    assert client.get(reverse("audit_history", args=["incidents.timelineentry", 1])).status_code == 404
    assert client.get(reverse("audit_history", args=["nonsense", 1])).status_code == 404
    assert client.get(url + "?page=zzz").status_code == 200


def test_history_is_one_query_whatever_its_length(engineer, teammate, incident, django_assert_num_queries, entry):
    def grow(n):
        for i in range(n):
            with acting_as(engineer if i % 2 else teammate):
                TimelineEntryFactory(incident=incident, text=f"Entry {i}")

    recent_history(incident)  # content types cached, as in any running process
    grow(3)
    with django_assert_num_queries(1):
        lines, more = recent_history(incident)
    assert len(lines) == AuditEvent.objects.count() == 6 and not more
    grow(30)
    with django_assert_num_queries(1):
        lines, more = recent_history(incident)
    assert len(lines) == 20 and more
    assert {line.actor for line in lines} == {"Priya Raman", "Jonas Berg"}


def test_action_items_of_a_deleted_incident_and_deleted_items_are_gone_from_lists(
    client, engineer, incident, action_item
):
    client.force_login(engineer)
    other = ActionItem.objects.create(
        title="Alert on pool saturation", incident=IncidentFactory(team=incident.team), team=incident.team
    )
    other.soft_delete(by=engineer)
    listing = client.get(reverse("action_list")).text
    assert action_item.title in listing and "Alert on pool saturation" not in listing
    assert client.get(other.get_absolute_url()).status_code == 404

    incident.soft_delete(by=engineer)
    assert action_item.title not in client.get(reverse("action_list")).text
    assert client.get(action_item.get_absolute_url()).status_code == 404
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert Incident.all_objects.get(pk=incident.pk).deleted_by == engineer


def test_a_deleted_incident_leaves_every_list_and_owes_no_fix(client, engineer, incident, review, entry):
    from actions.models import FixObligation, ObligationState

    incident.status, incident.mitigated_at = "mitigated", incident.detected_at
    incident.save()
    assert FixObligation.objects.get(incident=incident).state == ObligationState.PENDING
    client.force_login(engineer)
    assert incident.title in client.get(reverse("incident_list")).text

    incident.soft_delete(by=engineer)

    assert incident.title not in client.get(reverse("incident_list")).text
    assert incident.title not in client.get(reverse("incident_list"), {"q": "Checkout"}).text
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert client.get(reverse("audit_history", args=["incidents.incident", incident.pk])).status_code == 404
    assert client.get(review.get_absolute_url()).status_code == 404
    assert FixObligation.objects.get(incident=incident).state == ObligationState.CANCELLED
    assert events_of(incident)[-1].action == Action.DELETED
    # What points at the deleted incident still reaches it (the base manager does not filter).
    entry = TimelineEntry.objects.get(incident_id=incident.pk)
    assert entry.incident == incident and entry.incident.is_deleted


def test_imported_and_bulk_changes_are_recorded_too(engineer, review):
    from incidents.services import ImportedRow, import_timeline_entries
    from postmortems.meeting import end_meeting
    from postmortems.models import ReviewStatus

    incident = review.incident
    with acting_as(engineer):
        [entry] = import_timeline_entries(
            incident, [ImportedRow(occurred_at=incident.impact_started_at, kind="action", text="Rolled back.")],
            author=engineer,
        )  # fmt: skip
    assert [(e.action, e.actor, e.scope_id) for e in events_of(entry)] == [(Action.CREATED, engineer, incident.pk)]

    review.status = ReviewStatus.MEETING
    review.save()
    end_meeting(review)
    assert events_of(review)[-1].changes == {"status": ["Meeting", "In review"]}


def test_items_of_a_deleted_incident_are_not_reminded(engineer, teammate, incident, payments):
    from datetime import date, timedelta

    from actions.models import Notification, NotificationKind
    from actions.reminders import run_sweep

    due = date(2026, 3, 2)
    ActionItem.objects.create(
        title="Cap the pool size in CI", incident=incident, team=payments, owner=engineer, due_on=due
    )
    live = IncidentFactory(team=payments, title="Search slow for EU users")
    ActionItem.objects.create(title="Index the search table", incident=live, team=payments, owner=teammate, due_on=due)
    incident.soft_delete(by=engineer)

    run_sweep(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    reminded = Notification.objects.filter(kind=NotificationKind.ACTION_OVERDUE)
    assert [n.recipient for n in reminded] == [teammate]
    incident.restore()
    run_sweep(datetime(2026, 3, 6, 9, 0, tzinfo=UTC) + timedelta(hours=1))
    assert engineer in [n.recipient for n in Notification.objects.filter(kind=NotificationKind.ACTION_OVERDUE)]


def test_the_dashboard_counts_only_what_was_not_deleted(manager, incident, factor, action_item, settings):
    from dashboard.figures import make_filters
    from tests.dashboard.reference_figures import compute

    # One owner's team is too small to show (tests/dashboard/test_small_groups.py); here only deletion counts.
    settings.PRIVACY_MIN_PEOPLE = 1

    def figures():
        data = compute(manager, make_filters(None, "3m"))
        open_items = sum(row["open"] for row in data["actions"]["by_team"])
        factor_incidents = sum(row["incidents"] for row in data["factors"]["by_category"])
        return data["response"]["overall"]["count"], factor_incidents, open_items

    assert figures() == (1, 1, 1)
    factor.soft_delete()
    action_item.soft_delete()
    assert figures() == (1, 0, 0)
    factor.restore()
    action_item.restore()
    incident.soft_delete()
    assert figures() == (0, 0, 0)


def test_relations_changed_from_the_other_side_are_recorded_on_the_tracked_row(teammate, engineer, incident):
    with acting_as(engineer):
        teammate.responded_incidents.add(incident)
    with acting_as(engineer):  # a second request; within one, adding and removing again would cancel out
        teammate.responded_incidents.clear()
    added, removed = events_of(incident)[-2:]
    assert added.changes == {"responders": [["Priya Raman"], ["Jonas Berg", "Priya Raman"]]}
    assert removed.changes == {"responders": [["Jonas Berg", "Priya Raman"], ["Priya Raman"]]}
    assert added.actor == removed.actor == engineer


def test_only_tracked_pages_get_a_history_section(payments):
    from django.template import Context, Template

    from tests.incidents.factories import NearMissFactory

    template = Template("{% load audit %}{% history_for obj %}")
    assert template.render(Context({"obj": NearMissFactory(team=payments)})).strip() == ""
    entry = TimelineEntryFactory(incident=IncidentFactory(team=payments))
    assert template.render(Context({"obj": entry})).strip() == ""  # shown on its incident's page instead
    assert 'id="history"' in template.render(Context({"obj": entry.incident}))
