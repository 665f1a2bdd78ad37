"""The dashboard's "reviews without open language notes" reads the notes stored when the texts were saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import postmortems.language
from dashboard.figures.learning import reviews_with_open_flags
from postmortems.models import FlagDismissal, Review, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.dashboard.factories import incident_with_times, published_review
from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory

pytestmark = pytest.mark.django_db


def _in_review(team, at, **fields):
    review = published_review(incident=incident_with_times(team, at), status=ReviewStatus.IN_REVIEW, **fields)
    TimelineEntryFactory(incident=review.incident, text="The checkout error rate rose above five percent.")
    ContributingFactorFactory(review=review, description="Nothing compared the pool size with the database limit.")
    return review


def _counted():
    with CaptureQueriesContext(connection) as queries:
        counts = reviews_with_open_flags(Review.objects.filter(status=ReviewStatus.IN_REVIEW))
    return counts, len(queries)


def test_open_notes_come_from_what_was_stored_in_a_fixed_number_of_queries(frozen, at, payments, monkeypatch):
    blamed = _in_review(payments, at(30), summary="Jonas was careless and should have known better.")
    _in_review(payments, at(20))
    counts_for_two, queries_for_two = _counted()
    assert counts_for_two == {"Payments": 1}

    # A note in the timeline, in a factor or in an action item counts as one in the summary does.
    in_timeline = _in_review(payments, at(15))
    TimelineEntryFactory(incident=in_timeline.incident, text="The on-call engineer failed to notice the alert.")
    in_factor = _in_review(payments, at(12))
    ContributingFactorFactory(review=in_factor, description="Priya broke the deploy.")
    in_action = _in_review(payments, at(10))
    ActionItemFactory(incident=in_action.incident, title="Be more careful with pool sizes")
    for _ in range(3):
        _in_review(payments, at(5))

    # The guide is not run again: what counts is what was stored when each text was saved.
    def not_again(*args, **kwargs):
        raise AssertionError("the dashboard read a text again instead of its stored notes")

    monkeypatch.setattr(postmortems.language, "read_language", not_again)
    monkeypatch.setattr(postmortems.language, "check_text", not_again)
    counts_for_nine, queries_for_nine = _counted()
    assert counts_for_nine == {"Payments": 4}
    assert queries_for_nine == queries_for_two

    # A note dismissed with a reason is no longer open.
    for flag in postmortems.language.reading_of(blamed, "summary").flags:
        FlagDismissal.objects.create(
            review=blamed, key=flag.key, rule=flag.rule, excerpt=flag.excerpt, reason="Quoted."
        )
    assert _counted()[0] == {"Payments": 3}
