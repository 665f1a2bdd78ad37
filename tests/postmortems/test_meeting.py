"""The live meeting: following the facilitator, and polls that cost almost nothing while nothing changes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from postmortems import edits, live, meeting
from postmortems.models import AgendaSection, Review
from tests.incidents.factories import NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory

pytestmark = pytest.mark.django_db

# The cache learns of a change only once it is committed, so tests that poll after a change commit for real.
committed = pytest.mark.django_db(transaction=True)


def poll(client, review, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("review_meeting_state", args=[review.pk]), headers=headers)


def test_unchanged_state_is_a_304_from_the_cache_alone(client, review, engineer, django_assert_num_queries):
    client.force_login(engineer)
    first = poll(client, review)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first.json()["seq"] == 0

    # Nothing is read from the database: the session, the signed-in person and the state come from the cache.
    with django_assert_num_queries(0):
        unchanged = poll(client, review, etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag and unchanged.content == b""


@committed
def test_a_change_moves_the_etag_and_names_the_part(client, review, engineer, facilitator):
    client.force_login(engineer)
    before = poll(client, review).json()
    etag = poll(client, review)["ETag"]

    edits.add_factor(review, facilitator, {"description": "No limit check.", "category": _category(), "depth": "event"})
    changed = poll(client, review, etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    state = changed.json()
    assert state["parts"]["factors"] > before["parts"]["factors"]
    assert state["parts"]["agenda"] == before["parts"]["agenda"]  # the agenda did not move
    assert poll(client, review, changed["ETag"]).status_code == 304


@committed
def test_timeline_entries_added_on_the_incident_reach_the_meeting(client, review, engineer):
    client.force_login(engineer)
    before = poll(client, review).json()
    TimelineEntryFactory(incident=review.incident, text="We paused the deploy pipeline.")
    after = poll(client, review).json()
    assert after["parts"]["timeline"] > before["parts"]["timeline"]
    assert (
        "We paused the deploy pipeline."
        in client.get(reverse("review_meeting", args=[review.pk]) + "?part=timeline").text
    )


def test_state_survives_a_cache_loss(client, review, engineer, facilitator):
    from django.core.cache import cache

    meeting.start_meeting(review)
    seq = Review.objects.get(pk=review.pk).change_counter
    cache.clear()
    client.force_login(engineer)
    state = poll(client, review).json()
    assert state["seq"] == seq and set(state["parts"].values()) == {seq}


def test_state_poll_checks_access_before_remembering(client, restricted_review, outsider, engineer):
    client.force_login(outsider)
    assert poll(client, restricted_review).status_code == 404
    assert poll(client, restricted_review).status_code == 404  # not remembered as a reader
    client.force_login(engineer)
    assert poll(client, restricted_review).status_code == 200


def test_facilitator_steps_the_agenda_and_participants_follow(client, review, facilitator, engineer):
    client.force_login(facilitator)
    client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"})
    response = client.post(
        reverse("review_meeting_agenda", args=[review.pk]), {"step": "next"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="meeting-live"' in response.text and "<html" not in response.text
    # The swapped-in area says which change it shows, so the page does not fetch it again.
    seq = Review.objects.get(pk=review.pk).change_counter
    assert f'data-state="{{&quot;seq&quot;: {seq},' in response.text
    assert 'aria-current="step"' in response.text

    client.force_login(engineer)
    page = client.get(reverse("review_meeting", args=[review.pk]))
    assert 'id="stage-heading">Perspectives<' in page.text
    assert "data-live-indicator" in page.text
    assert "Ask how, not who" in page.text
    assert 'data-agenda-step="next"' not in page.text  # participants follow, they do not steer
    live_part = client.get(reverse("review_meeting", args=[review.pk]) + "?part=live")
    assert live_part.text.lstrip().startswith('<div id="meeting-live"')


def test_jumping_to_a_section_keeps_each_sections_time(client, review, facilitator):
    client.force_login(facilitator)
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False) as clock:
        meeting.start_meeting(review)
        clock.shift(timedelta(minutes=17, seconds=30))
        client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": AgendaSection.OPPORTUNITIES})
        review.refresh_from_db()
        assert review.current_section == AgendaSection.OPPORTUNITIES
        assert review.elapsed_seconds(AgendaSection.TIMELINE) == 17 * 60 + 30
        page = client.get(reverse("review_meeting", args=[review.pk]))
        assert "How might we" in page.text  # the quick capture of this section
        assert "17:30 of 15 min" in page.text  # the timeline's time is kept in the agenda
        # Back to the timeline: its timer goes on from where it was, and says the overrun in words.
        clock.shift(timedelta(minutes=2))
        client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": AgendaSection.TIMELINE})
        clock.shift(timedelta(seconds=30))
        timer = client.get(reverse("review_meeting", args=[review.pk]) + "?part=timer")
        assert 'data-elapsed="1080"' in timer.text and "3 min over the 15 planned" in timer.text
    assert client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": "nope"}).status_code == 403


def test_the_facilitator_runs_the_timer_and_participants_may_not(client, review, facilitator, engineer):
    url = reverse("review_meeting_timer", args=[review.pk])
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False) as clock:
        meeting.start_meeting(review)
        client.force_login(engineer)
        assert client.post(url, {"action": "pause"}).status_code == 403
        assert client.get(url).status_code == 405
        client.force_login(facilitator)
        clock.shift(timedelta(minutes=4))
        client.post(url, {"action": "pause"})
        clock.shift(timedelta(minutes=10))  # paused time does not count
        review.refresh_from_db()
        assert not review.timer_running and review.elapsed_seconds(AgendaSection.TIMELINE) == 240
        client.post(url, {"action": "extend"})
        answer = client.post(url, {"action": "start"}, headers={"HX-Request": "true"})
        assert answer.text.lstrip().startswith('<div class="timer-box')
        assert "16 min left of 20" in answer.text
        clock.shift(timedelta(minutes=1))
        client.post(url, {"action": "reset"})
        review.refresh_from_db()
        assert review.elapsed_seconds(AgendaSection.TIMELINE) == 0 and review.planned_minutes("timeline") == 15
        assert client.post(url, {"action": "explode"}).status_code == 403


def test_a_near_miss_meeting_has_no_timeline_step(client, facilitator, payments):
    near_miss = NearMissFactory(team=payments)
    review = ReviewFactory(incident=None, near_miss=near_miss, facilitator=facilitator, participants=[facilitator])
    meeting.start_meeting(review)
    review.refresh_from_db()
    assert review.current_section == AgendaSection.PERSPECTIVES
    client.force_login(facilitator)
    page = client.get(reverse("review_meeting", args=[review.pk]))
    assert '<h2 id="stage-heading">Perspectives</h2>' in page.text
    assert 'value="timeline"' not in page.text
    assert client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": "timeline"}).status_code == 403


def test_quick_factor_capture_in_the_meeting(client, review, facilitator):
    client.force_login(facilitator)
    meeting.start_meeting(review)
    meeting.move_agenda(review, AgendaSection.FACTORS)
    response = client.post(
        reverse("meeting_factor_add", args=[review.pk]),
        {
            "factor-description": "Alerts went to a retired channel.",
            "factor-category": _category().pk,
            "factor-depth": "pattern",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'data-live-part="factors"' in response.text
    assert "Alerts went to a retired channel." in response.text


def test_bump_refuses_unknown_parts(review):
    with pytest.raises(ValueError):
        live.bump(review.pk, "everything")


def test_meeting_page_query_count_does_not_grow_with_content(
    client, review, facilitator, django_assert_num_queries, every_page_rendered
):
    client.force_login(facilitator)
    meeting.start_meeting(review)
    meeting.move_agenda(review, AgendaSection.FACTORS)
    url = reverse("review_meeting", args=[review.pk])
    ContributingFactorFactory(review=review)
    client.get(url)  # warm the directory of names used by the language guide

    with django_assert_num_queries(_count(client, url)) as small:
        client.get(url)
    for _ in range(8):
        ContributingFactorFactory(review=review)
        TimelineEntryFactory(incident=review.incident)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count('class="factor with-notes"') == 9


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context.captured_queries)


def _category():
    from tests.postmortems.factories import category

    return category()


def test_action_items_part_refreshes_on_its_own(client, review, facilitator):
    client.force_login(facilitator)
    meeting.start_meeting(review)
    meeting.move_agenda(review, AgendaSection.ACTIONS)
    part = client.get(reverse("review_meeting", args=[review.pk]) + "?part=actions")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div class="live-part" data-live-part="actions"')


def test_quick_capture_in_the_meeting_keeps_what_was_typed_when_refused(client, review, facilitator):
    client.force_login(facilitator)
    meeting.start_meeting(review)
    meeting.move_agenda(review, AgendaSection.OPPORTUNITIES)
    response = client.post(
        reverse("meeting_opportunity_add", args=[review.pk]),
        {"opportunity-question": "Make the pool size checked"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'data-live-part="opportunities"' in response.text
    assert "Make the pool size checked" in response.text
    assert "How might we" in response.text  # the reason, in the form
    assert not review.opportunities.exists()
    # Without JavaScript, a capture goes back to the meeting page.
    response = client.post(
        reverse("meeting_opportunity_add", args=[review.pk]),
        {"opportunity-question": "How might we check pool sizes before deploys?"},
    )
    assert response.status_code == 302 and response.url == reverse("review_meeting", args=[review.pk])
    assert review.opportunities.count() == 1
