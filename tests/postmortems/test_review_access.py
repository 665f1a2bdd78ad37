"""The review and meeting pages find their review, and what this person may do with it, from a record kept
under the review's version: every change that decides access reaches the next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.postmortems.factories import PerspectiveFactory

pytestmark = pytest.mark.django_db


def pages(review):
    return [review.get_absolute_url(), reverse("review_meeting", args=[review.pk])]


def test_a_participant_added_may_edit_and_removed_no_longer(client, review, outsider):
    # Otto is neither a responder nor in the incident's team: only taking part lets him change the review.
    client.force_login(outsider)
    url = review.get_absolute_url()
    assert 'name="factor-description"' not in client.get(url).text
    review.participants.add(outsider)
    assert 'name="factor-description"' in client.get(url).text
    review.participants.remove(outsider)
    assert 'name="factor-description"' not in client.get(url).text


def test_a_responder_taken_off_a_restricted_incident_no_longer_finds_its_review(client, restricted_review, engineer):
    client.force_login(engineer)
    restricted_review.participants.remove(engineer)
    for url in pages(restricted_review):
        assert client.get(url).status_code == 200
    restricted_review.incident.responders.remove(engineer)
    for url in pages(restricted_review):
        assert client.get(url).status_code == 404


def test_a_deleted_incident_takes_its_review_with_it(client, review, teammate):
    client.force_login(teammate)
    assert client.get(review.get_absolute_url()).status_code == 200
    review.incident.soft_delete()
    for url in pages(review):
        assert client.get(url).status_code == 404


def test_a_reader_asks_no_query_and_a_writer_still_sees_their_own_perspective(client, review, engineer, outsider):
    client.force_login(outsider)
    client.get(review.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(review.get_absolute_url()).status_code == 200
    assert len(queries) == 0
    PerspectiveFactory(review=review, author=engineer, saw="The dashboard showed the pool at its limit.")
    client.force_login(engineer)
    assert "The dashboard showed the pool at its limit." in client.get(review.get_absolute_url()).text
