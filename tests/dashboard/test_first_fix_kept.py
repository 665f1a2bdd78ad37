"""The first fix of each weakness is kept for the shared parts until something it is read from changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionKind, ActionStatus
from dashboard.figures import make_filters
from dashboard.figures.parts import Scope, part
from dashboard.figures.sums import micro
from postmortems.edits import save_section
from postmortems.models import ReviewStatus
from tests.dashboard.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    ServiceFactory,
    category,
    incident_with_times,
    published_review,
)

pytestmark = pytest.mark.django_db


def first_fix(filters) -> tuple[dict, bool]:
    """The public part's first fixes, and whether they were computed (their query asked) for it."""
    with CaptureQueriesContext(connection) as queries:
        figures = part(Scope.public(), filters)["recurrences"]["first_fix"]
    return dict(figures), any("old_factor" in query["sql"] for query in queries.captured_queries)


def test_the_first_fix_is_kept_across_filters_and_other_changes_and_computed_again_when_a_fix_changes(
    frozen, at, payments, platform
):
    weakness = category("capacity"), ServiceFactory(name="ledger")
    earlier = incident_with_times(payments, at(200))
    ContributingFactorFactory(review=published_review(incident=earlier), category=weakness[0], service=weakness[1])
    fix = ActionItemFactory(incident=earlier, kind=ActionKind.GUARDRAIL, status=ActionStatus.DONE)
    fix.completed_at = at(150)
    fix.save()
    later = incident_with_times(payments, at(20))
    review = published_review(incident=later, status=ReviewStatus.IN_REVIEW)
    ContributingFactorFactory(review=review, category=weakness[0], service=weakness[1])
    key = (weakness[0].pk, weakness[1].pk)

    assert first_fix(make_filters(None, "12m")) == ({key: micro(at(150))}, True)
    # Another team, another period, an open review's text written, a timeline written: the same first fix.
    assert first_fix(make_filters(platform, "3m")) == ({key: micro(at(150))}, False)
    save_section(review.pk, "went_well", "The alert fired within a minute.", review.section_version("went_well"))
    later.timeline.create(occurred_at=at(20), text="Paged the ledger's owners.")
    assert first_fix(make_filters(None, "12m")) == ({key: micro(at(150))}, False)

    fix.completed_at = at(180)
    fix.save()
    assert first_fix(make_filters(None, "12m")) == ({key: micro(at(180))}, True)
    # A fix that no longer counts (restricted incident): its weakness has no first fix among the public ones.
    earlier.restricted = True
    earlier.save()
    assert first_fix(make_filters(None, "12m")) == ({}, True)
