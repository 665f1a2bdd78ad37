"""Shared fragments keyed by the versions of what they show, and conditional GET on the pages people reload."""

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from fragments.kept import kept_or_made
from postmortems import meeting
from postmortems.models import AgendaSection
from tests.factories import MembershipFactory, UserFactory
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def two_incidents(payments, engineer):
    first = IncidentFactory(title="Checkout returns 502", team=payments, responders=[engineer])
    second = IncidentFactory(title="Search is slow", team=payments, responders=[engineer])
    for incident in (first, second):
        TimelineEntryFactory(incident=incident, text=f"The alert fired for {incident.title}.")
    return first, second


def signed_in(user) -> Client:
    """A person's browser just after signing in: it holds the session and the CSRF cookie."""
    client = Client()
    client.force_login(user)
    client.get(reverse("profile"))
    return client


def queries_asked(client, url) -> tuple[str, int]:
    """The page, and how many queries rendering it asked."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, len(queries)


@pytest.fixture
def second_reader(platform):
    """Another engineer outside the incidents' team: sees what Otto sees."""
    reader = UserFactory(username="ines", display_name="Ines Duarte")
    MembershipFactory(user=reader, team=platform, role=Role.ENGINEER)
    return reader


def timeline_was_read(client, url) -> tuple[str, bool]:
    """The page, and whether rendering it read the timeline from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    read = any('FROM "incidents_timelineentry"' in q["sql"] and "MAX(" not in q["sql"] for q in queries)
    return response.text, read


def test_a_timeline_change_renders_that_incident_afresh_and_leaves_the_others_kept(two_incidents, outsider):
    first, second = two_incidents
    reader = signed_in(outsider)  # may read both, edit neither
    for incident in (first, second):
        assert timeline_was_read(reader, incident.get_absolute_url())[1]
    # Kept: a second viewer of the same kind gets the fragment without asking the database.
    for incident in (first, second):
        assert not timeline_was_read(reader, incident.get_absolute_url())[1]

    entry = first.timeline.get()
    entry.text = "The alert fired; the on-call engineer acknowledged it within two minutes."
    entry.save()

    page, read = timeline_was_read(reader, first.get_absolute_url())
    assert read and "acknowledged it within two minutes" in page
    page, read = timeline_was_read(reader, second.get_absolute_url())
    assert not read and "The alert fired for Search is slow." in page

    # A change to the incident's facts leaves its timeline's fragment as it was.
    first.title = "Checkout returns 502 for card payments"
    first.save()
    page, read = timeline_was_read(reader, first.get_absolute_url())
    assert not read and "Checkout returns 502 for card payments" in page


def test_editors_and_readers_get_their_own_fragment_and_each_their_own_csrf_token(
    two_incidents, engineer, teammate, outsider
):
    first, _ = two_incidents
    pages = {}
    for person in (engineer, teammate, outsider):
        client = signed_in(person)
        page = client.get(first.get_absolute_url()).text
        tokens = TOKEN.findall(page)
        assert tokens and "shared-fragment-csrf-token" not in page
        secret = client.cookies["csrftoken"].value
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        pages[person.username] = page
    # Priya and Jonas may edit (the entry's edit and delete buttons); Otto reads the same timeline without them.
    assert "Delete this timeline entry?" in pages["priya"] and "Delete this timeline entry?" in pages["jonas"]
    assert "Delete this timeline entry?" not in pages["otto"]
    assert "The alert fired for Checkout returns 502." in pages["otto"]


def test_a_review_change_renders_that_review_afresh_and_leaves_the_others_kept(two_incidents, facilitator, outsider):
    first, second = two_incidents
    reviews = [
        ReviewFactory(incident=incident, facilitator=facilitator, summary="Before.") for incident in (first, second)
    ]
    reader = signed_in(outsider)
    for review in reviews:
        reader.get(review.get_absolute_url())

    reviews[0].summary = "The pool ran dry under the retry storm."
    reviews[0].save()

    with CaptureQueriesContext(connection) as queries:
        page = reader.get(reviews[0].get_absolute_url()).text
    assert "The pool ran dry under the retry storm." in page
    assert any('FROM "postmortems_review"' in q["sql"] for q in queries)
    # Its timeline shows nothing the review's own row holds: kept under the timeline's version.
    assert not any('FROM "incidents_timelineentry"' in q["sql"] for q in queries)
    with CaptureQueriesContext(connection) as queries:
        page = reader.get(reviews[1].get_absolute_url()).text
    assert "Before." in page
    assert not any(
        'FROM "postmortems_review"' in q["sql"] or 'FROM "incidents_timelineentry"' in q["sql"] for q in queries
    )


def test_one_readers_render_serves_the_next_reader_and_a_change_renders_only_that_incident_afresh(
    two_incidents, outsider, second_reader, engineer
):
    # A minute turning meanwhile changes nothing kept: the panels' countdowns are filled in when served.
    _one_reader_then_the_next(two_incidents, outsider, second_reader, engineer)


def _one_reader_then_the_next(two_incidents, outsider, second_reader, engineer):
    first, second = two_incidents
    for incident in (first, second):
        signed_in(outsider).get(incident.get_absolute_url())
    reader = signed_in(second_reader)
    reader.get(reverse("incident_list"))  # where they come from; it asks which incidents exist for them
    # Everything a reader sees is kept, the incident and who is on it too (under its version): no query at all.
    for incident in (first, second):
        page, asked = queries_asked(reader, incident.get_absolute_url())
        assert asked == 0 and incident.title in page and "Systemic fix" in page and "History" in page

    first.title = "Checkout returns 502 for card payments"
    first.save()
    page, asked = queries_asked(reader, first.get_absolute_url())
    assert "Checkout returns 502 for card payments" in page and asked > 1
    page, asked = queries_asked(reader, second.get_absolute_url())
    assert asked == 0 and "Search is slow" in page

    # A responder gets their own forms beside the same kept fragments, never a reader's copy.
    page = signed_in(engineer).get(second.get_absolute_url()).text
    assert "Add an action item" in page and "Delete this timeline entry?" in page
    assert "Add an action item" not in reader.get(second.get_absolute_url()).text


def test_a_kept_list_shows_each_viewer_only_the_incidents_they_may_see(
    payments, engineer, teammate, outsider, restricted_incident
):
    url = reverse("incident_list")
    assert restricted_incident.title in signed_in(engineer).get(url).text  # a responder, kept first
    assert restricted_incident.title not in signed_in(teammate).get(url).text
    assert restricted_incident.title not in signed_in(outsider).get(url).text
    page, asked = queries_asked(signed_in(outsider), url)
    assert restricted_incident.title not in page and asked <= 1  # at most: which incidents exist for them

    IncidentFactory(title="Queue backlog after the deploy", team=payments)
    for person in (engineer, outsider):
        assert "Queue backlog after the deploy" in signed_in(person).get(url).text


# --- conditional GET ----------------------------------------------------------------------------------


def revisit(client, url, etag, **headers):
    return client.get(url, headers={"If-None-Match": etag, **headers})


def test_an_unchanged_incident_page_answers_304_and_any_change_to_it_200(two_incidents, engineer, teammate):
    first, second = two_incidents
    viewer = signed_in(engineer)
    url = first.get_absolute_url()
    response = viewer.get(url)
    etag = response["ETag"]
    assert response.status_code == 200 and etag
    assert {"HX-Request", "HX-Target", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]

    with CaptureQueriesContext(connection) as queries:
        again = revisit(viewer, url, etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert len(queries) <= 1  # at most the person behind the session

    # Someone else's change to another incident leaves this page as it was.
    second.title = "Search is slow for everyone"
    second.save()
    assert revisit(viewer, url, etag).status_code == 304
    # A teammate adds a fact to this incident's timeline: the page is rendered again, with it.
    TimelineEntryFactory(incident=first, text="Jonas rolled the pool size back.", author=teammate)
    response = revisit(viewer, url, etag)
    assert response.status_code == 200 and "Jonas rolled the pool size back." in response.text
    assert response["ETag"] != etag
    assert revisit(viewer, url, response["ETag"]).status_code == 304


def test_two_views_by_the_same_person_with_nothing_changed_carry_the_same_tag(two_incidents, engineer):
    first, _ = two_incidents
    url = first.get_absolute_url()
    browser = Client()
    browser.force_login(engineer)
    browser.get(url)  # the first page gives the browser its CSRF cookie
    etag = browser.get(url)["ETag"]
    assert etag and browser.get(url)["ETag"] == etag
    assert revisit(browser, url, etag).status_code == 304
    # Minutes later the session's activity is recorded (its cookie is sent again); the list is unchanged.
    url = reverse("incident_list")
    etag = browser.get(url)["ETag"]
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = browser.get(url)
        assert "sessionid" in response.cookies and response["ETag"] == etag
        assert revisit(browser, url, etag).status_code == 304


def test_the_tag_belongs_to_the_person_their_sign_in_and_the_htmx_fragment(two_incidents, engineer, teammate):
    first, _ = two_incidents
    url = first.get_absolute_url()
    etag = signed_in(engineer).get(url)["ETag"]
    assert revisit(signed_in(teammate), url, etag).status_code == 200
    assert revisit(signed_in(engineer), url, etag).status_code == 200  # a new sign-in, a new CSRF token
    viewer = signed_in(engineer)
    etag = viewer.get(url)["ETag"]
    assert revisit(viewer, url, etag, HX_Request="true").status_code == 200


def test_lists_answer_304_until_anyone_changes_what_they_list(two_incidents, engineer, teammate):
    first, _ = two_incidents
    viewer = signed_in(engineer)
    for name in ("incident_list", "action_list", "review_library", "home"):
        url = reverse(name)
        etag = viewer.get(url)["ETag"]
        assert revisit(viewer, url, etag).status_code == 304, name
    url = reverse("incident_list")
    etag = viewer.get(url)["ETag"]
    signed_in(teammate).post(reverse("incident_edit", args=[first.pk]), {})  # refused: nothing changes
    assert revisit(viewer, url, etag).status_code == 304
    first.severity = "sev1"
    first.save()
    assert revisit(viewer, url, etag).status_code == 200


def test_a_renamed_person_shows_on_the_next_view(two_incidents, engineer, teammate):
    first, _ = two_incidents
    viewer = signed_in(engineer)
    url = first.get_absolute_url()
    etag = viewer.get(url)["ETag"]
    engineer.display_name = "Priya R."
    engineer.save()
    response = revisit(viewer, url, etag)
    assert response.status_code == 200 and "Priya R." in response.text


def test_a_review_page_answers_304_until_its_review_or_incident_changes(two_incidents, facilitator, engineer):
    first, _ = two_incidents
    review = ReviewFactory(incident=first, facilitator=facilitator, participants=[engineer])
    viewer = signed_in(engineer)
    url = review.get_absolute_url()
    etag = viewer.get(url)["ETag"]
    assert revisit(viewer, url, etag).status_code == 304
    TimelineEntryFactory(incident=first, text="The retries doubled the load.")
    response = revisit(viewer, url, etag)
    assert response.status_code == 200 and "The retries doubled the load." in response.text
    etag = response["ETag"]
    review.went_well = "The alert fired within a minute."
    review.save()
    response = revisit(viewer, url, etag)
    assert response.status_code == 200 and "The alert fired within a minute." in response.text


def test_a_meeting_step_or_a_timeline_entry_leaves_the_lists_of_reviews_as_they_were(
    two_incidents, facilitator, engineer
):
    first, _ = two_incidents
    review = ReviewFactory(incident=first, facilitator=facilitator, participants=[engineer])
    meeting.start_meeting(review)
    viewer = signed_in(engineer)
    library, page = reverse("review_library"), review.get_absolute_url()
    tags = {url: viewer.get(url)["ETag"] for url in (library, reverse("home"), page)}

    meeting.control_timer(review, "start")
    meeting.move_agenda(review, AgendaSection.FACTORS)
    TimelineEntryFactory(incident=first, text="The retries doubled the load.")
    assert revisit(viewer, library, tags[library]).status_code == 304
    response = revisit(viewer, page, tags[page])
    assert response.status_code == 200 and "The retries doubled the load." in response.text

    review.refresh_from_db()
    review.title = "Checkout 502s: the pool ran dry"
    review.save()
    response = revisit(viewer, reverse("home"), tags[reverse("home")])
    assert response.status_code == 200 and "Checkout 502s: the pool ran dry" in response.text


def test_a_restricted_incident_opened_to_fewer_people_is_checked_again(payments, engineer, teammate):
    incident = IncidentFactory(title="Key rotation failed", team=payments, responders=[engineer])
    viewer = signed_in(teammate)
    url = incident.get_absolute_url()
    etag = viewer.get(url)["ETag"]
    incident.restricted = True
    incident.save()
    assert revisit(viewer, url, etag).status_code in (403, 404)


def test_editors_share_the_action_item_panels_each_with_their_own_name_chosen(two_incidents, engineer, teammate):
    from tests.postmortems.factories import ReviewFactory

    first, _ = two_incidents
    review = ReviewFactory(incident=first)
    for url in (first.get_absolute_url(), review.get_absolute_url()):
        pages = {}
        for person in (engineer, teammate):
            with CaptureQueriesContext(connection) as queries:
                pages[person.pk] = signed_in(person).get(url).text
            pages[person.pk, "read"] = any('FROM "actions_actionitem"' in q["sql"] for q in queries)
        assert pages[engineer.pk, "read"] and not pages[teammate.pk, "read"], url  # rendered once for both
        for person, other in ((engineer, teammate), (teammate, engineer)):
            assert f'<option value="{person.pk}" selected>' in pages[person.pk], url
            assert f'<option value="{other.pk}" selected>' not in pages[person.pk], url


def test_people_asking_at_once_for_a_missing_fragment_wait_for_one_render_of_it():
    """After a change everyone following a meeting asks for the same part at once: it is rendered once."""
    renders = []

    def render():
        renders.append(1)
        time.sleep(0.1)  # a render slow enough for the others to arrive while it runs
        return "<li>The retry budget was shared by every caller</li>"

    cache.delete("fragment:test-many-at-once")
    answers = []
    people = [
        threading.Thread(target=lambda: answers.append(kept_or_made("fragment:test-many-at-once", 60, render)))
        for _ in range(8)
    ]
    for person in people:
        person.start()
    for person in people:
        person.join()

    assert len(renders) == 1
    assert answers == ["<li>The retry budget was shared by every caller</li>"] * 8
