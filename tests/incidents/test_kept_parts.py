"""A change to an incident's timeline renders its timeline and history afresh and leaves the rest of its page kept."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def read(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, [query["sql"] for query in queries]


def test_a_timeline_entry_leaves_the_facts_the_panels_and_other_incidents_kept(
    incident, facilitator, outsider, engineer
):
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    ReviewFactory(incident=incident, facilitator=facilitator)
    client = Client()
    client.force_login(outsider)
    url = incident.get_absolute_url()
    read(client, url)
    assert not any("FROM" in q and "incidents_timelineentry" in q for q in read(client, url)[1])  # kept

    TimelineEntryFactory(incident=incident, text="We rolled back the connection pool change.", author=engineer)

    page, queries = read(client, url)
    assert "We rolled back the connection pool change." in page
    assert any('FROM "incidents_timelineentry"' in q for q in queries)
    assert any('FROM "audit_auditevent"' in q for q in queries)  # the history lists the new entry
    # The facts (the incident's kept record), the review panel and the systemic-fix panel as kept.
    for table in ("incidents_incident", "postmortems_review", "actions_fixobligation", "actions_actionitem"):
        assert not any(f'FROM "{table}"' in q for q in queries), table
    assert f"facilitated by {facilitator.name}" in page


def test_a_changed_entry_is_rendered_afresh_and_the_unchanged_ones_are_served_as_kept(incident, engineer, outsider):
    first = TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    second = TimelineEntryFactory(incident=incident, text="We paged the payments on-call.")
    editor, reader = Client(), Client()
    editor.force_login(engineer)
    reader.force_login(outsider)
    url = incident.get_absolute_url()
    read(editor, url), read(reader, url)

    second.text = "We paged the payments on-call engineer."
    second.save()

    for client, may_edit in ((editor, True), (reader, False)):
        page = read(client, url)[0]
        assert '<p class="entry-text">We paged the payments on-call engineer.</p>' in page
        assert '<p class="entry-text">The error-rate alert fired for checkout.</p>' in page
        # Each kind of viewer gets the entries kept for their kind: the edit buttons only for editors.
        for entry in (first, second):
            assert (f"/timeline/{entry.pk}/edit/" in page) is may_edit
        assert "shared-fragment-csrf-token" not in page
