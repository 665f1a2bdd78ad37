"""The live meeting: following the facilitator, and polls that cost almost nothing while nothing changes."""

import pytest
from django.urls import reverse

from postmortems import live, services
from postmortems.models import AgendaSection, Review
from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory

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

    services.add_factor(
        review, facilitator, {"description": "No limit check.", "category": _category(), "depth": "event"}
    )
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

    services.start_meeting(review)
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


def test_jumping_to_a_section_and_the_timer_start(client, review, facilitator):
    client.force_login(facilitator)
    services.start_meeting(review)
    client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": AgendaSection.OPPORTUNITIES})
    review.refresh_from_db()
    assert review.current_section == AgendaSection.OPPORTUNITIES
    assert review.section_started_at is not None
    page = client.get(reverse("review_meeting", args=[review.pk]))
    assert 'data-timer data-started="' in page.text
    assert "How might we" in page.text  # the quick capture of this section
    assert client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": "nope"}).status_code == 403


def test_quick_factor_capture_in_the_meeting(client, review, facilitator):
    client.force_login(facilitator)
    services.start_meeting(review)
    services.move_agenda(review, AgendaSection.FACTORS)
    response = client.post(
        reverse("review_factor_add", args=[review.pk]),
        {
            "from": "meeting",
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


def test_meeting_page_query_count_does_not_grow_with_content(client, review, facilitator, django_assert_num_queries):
    client.force_login(facilitator)
    services.start_meeting(review)
    services.move_agenda(review, AgendaSection.FACTORS)
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
    services.start_meeting(review)
    services.move_agenda(review, AgendaSection.ACTIONS)
    part = client.get(reverse("review_meeting", args=[review.pk]) + "?part=actions")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div class="live-part" data-live-part="actions"')
