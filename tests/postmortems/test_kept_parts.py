"""Each list of a review's document is kept under its own version: a change to one part renders that part afresh
and leaves the others kept, on the review page and the meeting page, and leaves other reviews as they were."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionKind
from postmortems import edits, review_language
from postmortems.models import ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.factories import UserFactory, signed_in
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, OpportunityFactory, ReviewFactory

pytestmark = pytest.mark.django_db

TIMELINE = re.compile(r'FROM "incidents_timelineentry" WHERE')  # the timeline itself, not a factor's linked entries
FACTORS = 'FROM "postmortems_contributingfactor" INNER JOIN "postmortems_factorcategory"'  # not what an item addresses


@pytest.fixture
def two_reviews(review, payments, facilitator, engineer):
    other = ReviewFactory(
        incident=IncidentFactory(title="Search is slow", team=payments, responders=[engineer]),
        facilitator=facilitator,
        status=ReviewStatus.MEETING,
    )
    TimelineEntryFactory(incident=other.incident, text="Search latency doubled after the index rebuild.")
    review.status = ReviewStatus.MEETING
    review.save()
    for each in (review, other):
        ContributingFactorFactory(review=each, description=f"Nothing limited the retries ({each.title}).")
        OpportunityFactory(review=each, question=f"How might we cap retries ({each.title})?")
        ActionItemFactory(
            incident=each.incident, review=each, owner=engineer, title=f"Cap retries in the client ({each.title})"
        )
    return review, other


def read(client, url) -> tuple[str, set[str]]:
    """The page, and which parts rendering it read from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries]
    parts = {
        "timeline": any(TIMELINE.search(q) for q in sql),
        "factors": any(FACTORS in q for q in sql),
        "opportunities": any('FROM "postmortems_improvementopportunity"' in q for q in sql),
        "actions": any('FROM "actions_actionitem"' in q for q in sql),
    }
    return response.text, {part for part, was_read in parts.items() if was_read}


def pages(review) -> list[str]:
    return [review.get_absolute_url(), reverse("review_meeting", args=[review.pk])]


def test_a_section_saved_renders_the_sections_afresh_and_leaves_the_lists_kept(two_reviews, outsider):
    review, other = two_reviews
    client = signed_in(outsider)
    first, parts = read(client, review.get_absolute_url())
    assert parts == {"timeline", "factors", "opportunities", "actions"}
    assert read(client, review.get_absolute_url())[1] == set()  # all kept

    edits.save_section(review.pk, "went_well", "The alert fired within a minute.", base_version=0)

    page, parts = read(client, review.get_absolute_url())
    assert "The alert fired within a minute." in page
    assert parts == set()  # the timeline, factors, opportunities and action items as kept
    for text in ("We rolled back the connection pool change.", "Nothing limited the retries", "How might we cap"):
        assert text in page
    assert "Cap retries in the client" in page


def test_a_section_saved_renders_its_own_pair_of_sections_afresh_and_leaves_the_other_kept(
    two_reviews, outsider, rendered_fragments
):
    review, _ = two_reviews
    client = signed_in(outsider)
    client.get(review.get_absolute_url())
    rendered_fragments.clear()

    edits.save_section(review.pk, "went_well", "The alert fired within a minute.", base_version=0)

    page = client.get(review.get_absolute_url()).text
    assert "The alert fired within a minute." in page
    assert "review-learnings" in rendered_fragments
    assert "review-opening" not in rendered_fragments  # the summary and impact, kept by their own texts
    assert review.summary in page
    rendered_fragments.clear()

    edits.save_section(review.pk, "summary", "The pool ran dry under the retry storm.", base_version=0)

    page = client.get(review.get_absolute_url()).text
    assert "The pool ran dry under the retry storm." in page and "The alert fired within a minute." in page
    assert "review-opening" in rendered_fragments
    assert "review-analysis" not in rendered_fragments  # the factors, learnings and opportunities: one kept piece


def test_a_factor_changed_renders_the_factors_afresh_on_both_pages_and_nothing_else(two_reviews, outsider):
    review, other = two_reviews
    client = signed_in(outsider)
    for url in pages(review) + pages(other):
        read(client, url)

    factor = review.factors.get()
    factor.description = "The client retried without a budget."
    factor.save()

    page, parts = read(client, review.get_absolute_url())
    assert "The client retried without a budget." in page
    # The action items list what each item addresses, so they are read again too; not the timeline.
    assert parts == {"factors", "actions"}
    # The meeting shows its current section (the timeline), kept.
    assert read(client, reverse("review_meeting", args=[review.pk]))[1] == set()
    assert read(client, other.get_absolute_url())[1] == set()


def test_a_timeline_entry_changed_shows_on_the_review_and_the_meeting_and_leaves_the_other_review(
    two_reviews, outsider
):
    review, other = two_reviews
    client = signed_in(outsider)
    for url in pages(review) + pages(other):
        read(client, url)

    entry = review.incident.timeline.get(text="We rolled back the connection pool change.")
    entry.text = "We rolled back the pool change at 02:31."
    entry.save()

    for url in pages(review):
        page, parts = read(client, url)
        assert "We rolled back the pool change at 02:31." in page
        # What shows the incident's own rows is read again too (its action items); not the opportunities.
        assert "timeline" in parts and "opportunities" not in parts
    for url in pages(other):
        page, parts = read(client, url)
        assert "Search latency doubled" in page and parts == set()


def test_an_action_item_added_shows_in_the_review_and_the_meeting_and_leaves_the_document_kept(
    two_reviews, outsider, engineer
):
    review, other = two_reviews
    client = signed_in(outsider)
    review.current_section = "actions"
    review.save()
    for url in pages(review) + pages(other):
        read(client, url)

    ActionItemFactory(
        incident=review.incident,
        review=review,
        owner=engineer,
        title="Alert on retry storms",
        kind=ActionKind.GUARDRAIL,
    )

    for url in pages(review):
        page, parts = read(client, url)
        assert "Alert on retry storms" in page
        assert "actions" in parts and not {"timeline", "opportunities"} & parts
    assert read(client, other.get_absolute_url())[1] == set()


def test_a_note_dismissed_leaves_the_timeline_everywhere_it_showed(review, facilitator, outsider):
    sentence = "Jonas broke the deploy when the pool filled up."
    TimelineEntryFactory(incident=review.incident, text=sentence)
    note = next(item.flag for item in review_language.open_flags(review) if item.flag.excerpt in sentence)
    client = signed_in(outsider)
    for url in pages(review):
        assert note.why in client.get(url).text

    review_language.dismiss_flag(review, note.key, "Jonas wrote this himself.", facilitator)

    for url in pages(review):
        page = client.get(url).text
        assert sentence in page and note.why not in page


def test_publishing_shows_the_published_timeline_to_readers_who_had_it_kept(review, outsider):
    client = signed_in(outsider)
    assert "Shared with the incident" in client.get(review.get_absolute_url()).text

    review.status, review.published_at = ReviewStatus.PUBLISHED, timezone.now()
    review.save()

    page = client.get(review.get_absolute_url()).text
    assert "Shared with the incident" not in page and "As published on" in page


def test_a_section_saved_leaves_the_incident_page_as_it_was_and_a_new_facilitator_shows_there(
    review, outsider, teammate
):
    client = signed_in(outsider)
    url = review.incident.get_absolute_url()
    client.get(url)  # the browser now holds its CSRF cookie, which the page's tag depends on
    etag = client.get(url)["ETag"]

    edits.save_section(review.pk, "summary", "The pool ran dry under the retry storm.", base_version=0)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    review.facilitator = teammate
    review.save(update_fields=["facilitator"])
    page = client.get(url, headers={"If-None-Match": etag})
    assert page.status_code == 200 and f"facilitated by {teammate.name}" in page.text


def checked(page: str, person) -> bool:
    return f'value="{person.pk}" checked>' in page


def test_the_participant_form_is_kept_for_every_facilitator_and_follows_each_change(
    review, facilitator, org_admin, outsider, engineer
):
    url = review.get_absolute_url()
    first = signed_in(facilitator).get(url).text
    assert checked(first, engineer) and not checked(first, outsider)
    admin = signed_in(org_admin)
    admin.get(review.incident.get_absolute_url())  # signed in a while: the person is kept
    with CaptureQueriesContext(connection) as queries:
        page = admin.get(url).text
    # The admin facilitates too and is served the form the facilitator's visit kept: the directory is not read.
    assert not any('"accounts_user"."is_active"' in query["sql"] for query in queries)
    assert f'value="{outsider.pk}"> {outsider.name}' in page and checked(page, engineer)
    assert "shared-fragment-csrf-token" not in page and 'name="csrfmiddlewaretoken"' in page

    review.participants.add(outsider)
    newcomer = UserFactory(display_name="Nina Newcomer")

    for client in (admin, signed_in(facilitator)):
        page = client.get(url).text
        assert checked(page, outsider) and checked(page, engineer)
        assert f'value="{newcomer.pk}"> Nina Newcomer' in page
    assert "Change participants" not in signed_in(engineer).get(url).text


@pytest.fixture
def rendered_fragments(monkeypatch):
    """The names of the shared fragments rendered afresh (not served as kept) since the test began."""
    from fragments.templatetags import fragments as tags

    names = []
    keep = tags.kept

    def spy(name, values, request, csrf_token, render, personal=None):
        def rendering(token):
            names.append(name)
            return render(token)

        return keep(name, values, request, csrf_token, rendering, personal)

    monkeypatch.setattr(tags, "kept", spy)
    return names


def current_step(page: str) -> str:
    """The section the agenda marks as the meeting's current step."""
    return re.search(r'aria-current="step">.*?(?:class="agenda-button">|<span>)([^<]+)<', page, re.S)[1]


def test_a_step_of_the_agenda_shows_on_the_next_view_and_in_the_changed_part_and_leaves_other_meetings(
    two_reviews, outsider, facilitator, rendered_fragments
):
    review, other = two_reviews
    client = signed_in(outsider)
    meeting_url, other_url = (reverse("review_meeting", args=[each.pk]) for each in (review, other))
    for url in (meeting_url, other_url):
        assert current_step(client.get(url).text) == "Timeline"
    assert rendered_fragments.count("meeting-agenda") == 2
    rendered_fragments.clear()
    assert current_step(client.get(meeting_url).text) == "Timeline"
    assert "meeting-agenda" not in rendered_fragments  # kept

    # The facilitator steps on: their own agenda has the buttons, and tokens of their own.
    steering = signed_in(facilitator)
    steering.post(reverse("review_meeting_agenda", args=[review.pk]), {"step": "next"})
    facilitators = steering.get(meeting_url).text
    assert current_step(facilitators) == "Perspectives" and 'data-agenda-step="next"' in facilitators
    assert "shared-fragment-csrf-token" not in facilitators and 'name="csrfmiddlewaretoken"' in facilitators

    page = client.get(meeting_url).text
    assert current_step(page) == "Perspectives" and 'data-agenda-step="next"' not in page
    live_part = client.get(meeting_url + "?part=live").text
    assert current_step(live_part) == "Perspectives"
    rendered_fragments.clear()
    assert current_step(client.get(other_url).text) == "Timeline"
    assert "meeting-agenda" not in rendered_fragments  # the other meeting's agenda stayed kept


def test_outside_the_meeting_a_running_timer_shows_in_the_agenda_as_it_runs(review, outsider):
    from datetime import timedelta

    import time_machine

    from postmortems import meeting

    client = signed_in(outsider)
    url = reverse("review_meeting", args=[review.pk])
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False) as clock:
        meeting.control_timer(review, "start")  # before the meeting starts
        clock.shift(timedelta(seconds=30))
        assert "0:30 of 15 min" in client.get(url).text
        clock.shift(timedelta(minutes=1))
        assert "1:30 of 15 min" in client.get(url).text


def test_a_review_changed_shows_in_its_head_and_leaves_the_other_reviews_kept(
    two_reviews, outsider, facilitator, teammate, rendered_fragments
):
    review, other = two_reviews
    client = signed_in(outsider)
    for url in (review.get_absolute_url(), other.get_absolute_url()):
        assert f"Facilitated by {facilitator.name}" in client.get(url).text
    rendered_fragments.clear()
    client.get(other.get_absolute_url())
    assert rendered_fragments == []  # every piece of the page kept, the head among them

    review.facilitator = teammate
    review.save(update_fields=["facilitator"])

    page = client.get(review.get_absolute_url()).text
    assert f"Facilitated by {teammate.name}" in page
    assert "review-top" in rendered_fragments  # the head, kept with the opening sections and the timeline
    rendered_fragments.clear()
    page = client.get(other.get_absolute_url()).text
    assert f"Facilitated by {facilitator.name}" in page and rendered_fragments == []
    # What each viewer may do is theirs: the facilitator of the changed review is offered to run its meeting.
    assert "Run the meeting" in signed_in(teammate).get(review.get_absolute_url()).text
    assert "Run the meeting" not in page and "Join the meeting" in page
