"""The follow-through figures: computed in the database, each one exactly what its label says."""

import datetime as dt

import pytest
from django.urls import reverse

from actions.models import ActionItem, FixObligation, ObligationState, RecurrenceFlag, RecurrenceState
from dashboard.figures import make_filters
from tests.dashboard.conftest import NOW
from tests.dashboard.factories import incident_with_times, set_obligation
from tests.dashboard.reference_figures import follow_through_figures
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def obligation(team, start, met_hours=None, landed_days=None, landing_due_days=14, breached_first=False):
    incident = incident_with_times(team, start - HOUR, mitigate_minutes=60)
    state = ObligationState.MET if met_hours is not None else ObligationState.PENDING
    if met_hours is not None:
        item = ActionItem.objects.create(
            title="Canary the deploy", kind="guardrail", team=team, incident=incident, change_url="https://x.test/pr/1"
        )
    row = set_obligation(incident, state, start + 48 * HOUR, starts_at=start)
    fields = {"first_breached_at": start + 48 * HOUR if breached_first else None}
    if met_hours is not None:
        met_at = start + met_hours * HOUR
        fields.update(met_at=met_at, met_by=item, landing_due_at=met_at + landing_due_days * DAY)
        if landed_days is not None:
            fields["landed_at"] = met_at + landed_days * DAY
    FixObligation.objects.filter(pk=row.pk).update(**fields)
    return FixObligation.objects.get(pk=row.pk)


def test_follow_through_figures(payments, manager, django_assert_max_num_queries):
    start = NOW - 200 * DAY
    obligation(payments, start, met_hours=10, landed_days=3)  # held: landed > 90 days ago
    obligation(payments, start, met_hours=30, landed_days=20)  # landed after its due date
    late = obligation(payments, start, met_hours=60, landed_days=5, breached_first=True)
    obligation(payments, NOW - 10 * DAY, met_hours=20)  # committed, landing due in 4 days
    obligation(payments, NOW - 30 * DAY, met_hours=20)  # committed, landing overdue
    obligation(payments, NOW - HOUR)  # owed, before the deadline
    obligation(payments, NOW - 3 * DAY)  # owed, past the deadline
    # A moved mitigation time: committed before the new deadline, but the first breach still counts.
    obligation(payments, start, met_hours=40, landed_days=2, breached_first=True)
    # The late fix's weakness came back and is not decided yet.
    review = ReviewFactory(incident=late.incident)
    factor = ContributingFactorFactory(review=review)
    RecurrenceFlag.objects.create(fix=late.met_by, earlier_factor=factor, later_factor=factor)

    with django_assert_max_num_queries(4):
        f = follow_through_figures(manager, make_filters(None, "12m", now=NOW))
    assert f["committed_median"] == 25 * HOUR  # of 10, 20, 20, 30, 40, 60 hours
    assert f["committed_p90"] == 50 * HOUR
    assert f["landed_median"] == dt.timedelta(days=5, hours=14)  # of 3d10h, 3d16h, 7d12h, 21d6h
    assert (f["within_48"], f["decided"]) == (4, 7), "the breached-once fix and the owed-late one count as missed"
    assert (f["landed_on_time"], f["landing_decided"]) == (3, 5)
    assert (f["held"], f["may_not_have_held"], f["watching"], f["did_not_hold"]) == (3, 1, 0, 0)
    assert dict(f["pending"]) == {
        "Owed, before its 48-hour deadline": 1,
        "Owed, past its 48-hour deadline": 1,
        "Committed, not landed, before its due date": 1,
        "Committed, not landed, past its due date": 1,
        "Landed, may not have held (the facilitator decides)": 1,
    }
    RecurrenceFlag.objects.update(state=RecurrenceState.CONFIRMED)
    f = follow_through_figures(manager, make_filters(None, "12m", now=NOW))
    assert (f["did_not_hold"], f["may_not_have_held"]) == (1, 0)


def test_the_dashboard_shows_the_section_with_its_labels(client, payments, manager):
    obligation(payments, NOW - 30 * DAY, met_hours=20, landed_days=3)
    client.force_login(manager)
    page = client.get(reverse("dashboard")).text
    assert "After the 48 hours: landed, and held" in page
    assert "from the start of the clock (mitigation, or recording when later)" in page
    assert "Pending systemic fixes, by state (now)" in page
