"""The timeline, edited inline with htmx, and the same through plain forms."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from incidents.models import EntryKind, TimelineEntry
from tests.incidents.factories import TimelineEntryFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def add(client, incident, htmx=True, **fields):
    data = {"new-occurred_at": "2026-03-01T14:02", "new-kind": "observation", "new-text": "Error rate at 4%"}
    data.update({f"new-{k}": v for k, v in fields.items()})
    return client.post(reverse("timeline_entry_add", args=[incident.pk]), data, **(HTMX if htmx else {}))


def test_adding_answers_the_timeline_partial_in_time_order(client, engineer, incident):
    client.force_login(engineer)
    add(client, incident, occurred_at="2026-03-01T14:30", text="Rolled back deploy 812", kind="action")
    response = add(client, incident, occurred_at="2026-03-01T14:02", text="CheckoutErrors alert fired", kind="alert")
    assert response.status_code == 200
    assert response.text.strip().startswith('<section id="timeline"')
    assert "<html" not in response.text
    assert response.text.index("CheckoutErrors alert fired") < response.text.index("Rolled back deploy 812")
    entry = TimelineEntry.objects.get(kind="alert")
    assert entry.occurred_at == datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    assert entry.author == engineer and entry.version == 1


def test_times_are_read_and_shown_in_the_viewers_zone(client, engineer, incident):
    engineer.time_zone = "America/New_York"
    engineer.save()
    client.force_login(engineer)
    response = add(client, incident, occurred_at="2026-03-01T09:02")
    assert TimelineEntry.objects.get().occurred_at == datetime(2026, 3, 1, 14, 2, tzinfo=UTC)
    assert "09:02 EST" in response.text


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"text": ""}, "text", "This field is required."),
        ({"occurred_at": ""}, "occurred_at", "This field is required."),
        ({"occurred_at": "14 o'clock"}, "occurred_at", "Enter a valid date/time."),
        ({"occurred_at": "2999-01-01T00:00"}, "occurred_at", "This time is in the future; enter when it happened."),
        ({"kind": "blame"}, "kind", "Select a valid choice."),
        ({"link": "not a url"}, "link", "Enter a valid URL."),
        ({"kind": "decision", "missing_then": "x"}, "known_then", "A decision records what was known at that moment."),
        ({"kind": "decision", "known_then": "x"}, "missing_then", "A decision records what information was missing"),
    ],
)
def test_validation_errors_keep_the_typed_text_and_say_why(client, engineer, incident, fields, field, message):
    client.force_login(engineer)
    fields.setdefault("text", "We saw the queue grow")
    response = add(client, incident, **fields)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#timeline-add"
    assert response.text.strip().startswith('<div id="timeline-add"')
    assert message in response.text
    assert f'id="id_new-{field}_error"' in response.text
    if fields["text"]:
        assert "We saw the queue grow" in response.text
    assert not TimelineEntry.objects.exists()


def test_a_decision_records_what_was_known_and_missing(client, engineer, incident):
    client.force_login(engineer)
    response = add(
        client, incident, kind="decision", text="Decided to fail over to the EU gateway",
        known_then="EU gateway healthy; US gateway 40% errors", missing_then="That the EU gateway shared the DNS issue",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Known at that moment" in response.text
    assert "That the EU gateway shared the DNS issue" in response.text


def test_editing_inline_bumps_the_version(client, engineer, incident):
    entry = TimelineEntryFactory(incident=incident, text="Latency up")
    client.force_login(engineer)
    form = client.get(reverse("timeline_entry_edit", args=[incident.pk, entry.pk]), **HTMX)
    assert form.text.strip().startswith(f'<li id="entry-{entry.pk}"')
    assert 'name="version" value="1"' in form.text
    response = client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-03-01T14:10", "kind": "observation", "text": "p99 latency at 4 s", "version": 1},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<section id="timeline"')
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("p99 latency at 4 s", 2)


def test_edit_error_is_answered_in_place_with_the_typed_text(client, engineer, incident):
    entry = TimelineEntryFactory(incident=incident)
    client.force_login(engineer)
    response = client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "", "kind": "observation", "text": "My new wording", "version": 1},
        **HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#entry-{entry.pk}"
    assert response.text.strip().startswith(f'<li id="entry-{entry.pk}"')
    assert "My new wording" in response.text and "This field is required." in response.text


def test_concurrent_edit_is_noticed_and_keeps_both_versions(client, engineer, teammate, incident):
    entry = TimelineEntryFactory(incident=incident, text="Original")
    entry.text = "Changed in the meeting"
    entry.save()  # version 2
    client.force_login(engineer)
    response = client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-03-01T14:10", "kind": "observation", "text": "My stale edit", "version": 1},
        **HTMX,
    )
    assert response.status_code == 409
    assert "Someone else changed this entry" in response.text
    assert "Changed in the meeting" in response.text and "My stale edit" in response.text
    assert 'name="version" value="2"' in response.text
    entry.refresh_from_db()
    assert entry.text == "Changed in the meeting"
    # Saving again on purpose replaces theirs.
    client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-03-01T14:10", "kind": "observation", "text": "My stale edit", "version": 2},
        **HTMX,
    )
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("My stale edit", 3)


def test_deleting(client, engineer, incident):
    keep, gone = TimelineEntryFactory(incident=incident, text="keep me"), TimelineEntryFactory(incident=incident)
    client.force_login(engineer)
    response = client.post(reverse("timeline_entry_delete", args=[incident.pk, gone.pk]), **HTMX)
    assert response.status_code == 200
    assert list(incident.timeline.all()) == [keep]
    assert "keep me" in response.text


def test_without_javascript_every_step_works_with_plain_pages(client, engineer, incident):
    client.force_login(engineer)
    response = add(client, incident, htmx=False)
    assert response.status_code == 302 and response.url.endswith("#timeline")
    entry = TimelineEntry.objects.get()
    bad = add(client, incident, htmx=False, text="")
    assert bad.status_code == 422 and "<html" in bad.text and "This field is required." in bad.text
    edit_page = client.get(reverse("timeline_entry_edit", args=[incident.pk, entry.pk]))
    assert "<html" in edit_page.text and "Save entry" in edit_page.text
    saved = client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-03-01T14:10", "kind": "action", "text": "Paged the gateway team", "version": 1},
    )
    assert saved.status_code == 302
    assert client.get(reverse("timeline", args=[incident.pk])).status_code == 302
    assert client.post(reverse("timeline_entry_delete", args=[incident.pk, entry.pk])).status_code == 302
    assert not TimelineEntry.objects.exists()


def test_post_only_endpoints_refuse_get(client, engineer, incident):
    entry = TimelineEntryFactory(incident=incident)
    client.force_login(engineer)
    assert client.get(reverse("timeline_entry_add", args=[incident.pk])).status_code == 405
    assert client.get(reverse("timeline_entry_delete", args=[incident.pk, entry.pk])).status_code == 405
    assert client.get(reverse("incident_link_add", args=[incident.pk])).status_code == 405


def test_outsider_sees_the_timeline_but_cannot_change_it(client, outsider, incident):
    entry = TimelineEntryFactory(incident=incident, text="Latency up")
    client.force_login(outsider)
    assert "Latency up" in client.get(incident.get_absolute_url()).text
    assert add(client, incident).status_code == 403
    edit = {"occurred_at": "2026-03-01T14:10", "kind": "action", "text": "x", "version": 1}
    assert client.post(reverse("timeline_entry_edit", args=[incident.pk, entry.pk]), edit, **HTMX).status_code == 403
    assert client.post(reverse("timeline_entry_delete", args=[incident.pk, entry.pk]), **HTMX).status_code == 403
    assert TimelineEntry.objects.get().text == "Latency up"


def test_an_entry_of_another_incident_is_404(client, engineer, incident, payments):
    other = TimelineEntryFactory(incident__team=payments)
    client.force_login(engineer)
    assert client.get(reverse("timeline_entry_edit", args=[incident.pk, other.pk])).status_code == 404


def test_entries_leave_decision_fields_empty_unless_a_decision(client, engineer, incident):
    entry = TimelineEntryFactory(incident=incident, kind=EntryKind.DECISION, known_then="a", missing_then="b")
    client.force_login(engineer)
    client.post(
        reverse("timeline_entry_edit", args=[incident.pk, entry.pk]),
        {"occurred_at": "2026-03-01T14:10", "kind": "action", "text": "x", "known_then": "a", "missing_then": "b",
         "version": 1},
        **HTMX,
    )  # fmt: skip
    entry.refresh_from_db()
    assert (entry.kind, entry.known_then, entry.missing_then) == ("action", "", "")
