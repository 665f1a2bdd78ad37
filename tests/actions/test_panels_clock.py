"""The action-item panels are kept until something they show is written: what the clock alone changes in them
(the countdown, the deadline passing, landing overdue, held after so many days) is right whenever they are served."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionItem, FixObligation, ObligationState
from actions.panels import obligation_status
from fragments import times
from tests.actions.factories import ActionItemFactory, mitigated_incident, obligation_of
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db

# A Wednesday morning; the incident was mitigated 47 hours before, so its fix is due at 11:00 the same day.
TEN = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
DEADLINE = TEN + dt.timedelta(hours=1)


@pytest.fixture
def owed(payments, engineer, teammate):
    with time_machine.travel(TEN - dt.timedelta(hours=2), tick=False):
        return mitigated_incident(
            payments, responders=[engineer, teammate], mitigated_at=DEADLINE - dt.timedelta(hours=48)
        )


def visit(user, url, headers=None) -> tuple[str, set[str]]:
    """The page as ``user`` sees it, and the templates rendering it rendered (a kept panel's are not)."""
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert times.START not in response.text, "a placeholder reached the viewer"
    rendered = {template.name for template in response.templates}
    if any('FROM "actions_fixobligation"' in query["sql"] for query in queries):
        rendered.add("the obligation")
    return response.text, rendered


def test_a_kept_incident_panel_counts_down_and_turns_breached_without_being_rendered_again(owed, engineer, outsider):
    assert obligation_of(owed).deadline == DEADLINE
    url = owed.get_absolute_url()
    with time_machine.travel(TEN, tick=False):
        page, rendered = visit(outsider, url)
    assert "actions/panel.html" in rendered and "the obligation" in rendered
    assert "Due in 1 h</span> by Wed 4 Mar 2026, 11:00 UTC" in page

    with time_machine.travel(TEN + dt.timedelta(minutes=40), tick=False):
        page, rendered = visit(outsider, url)
    assert "actions/panel.html" not in rendered and "the obligation" not in rendered
    assert "Due in 20 min</span>" in page and "Due in 1 h" not in page

    with time_machine.travel(DEADLINE - dt.timedelta(seconds=1), tick=False):
        page, rendered = visit(outsider, url)
    assert "Due in 1 s</span>" in page and "past its deadline" not in page

    with time_machine.travel(DEADLINE + dt.timedelta(seconds=30), tick=False):
        page, rendered = visit(outsider, url)
    assert "actions/panel.html" not in rendered and "the obligation" not in rendered
    assert "Owed, past its deadline</span> since Wed 4 Mar 2026, 11:00 UTC (30 s ago). No fix is committed yet." in page
    assert "Due in" not in page

    with time_machine.travel(DEADLINE + dt.timedelta(hours=3, minutes=5), tick=False):
        page, _ = visit(outsider, url)
        assert "(3 h 5 min ago)" in page
        # An editor's panel is kept apart (it holds the quick form) and turns alike.
        page, rendered = visit(engineer, url)
    assert "actions/panel.html" in rendered and "(3 h 5 min ago)" in page and "Add action item" in page


def test_the_review_and_meeting_action_items_are_kept_through_the_countdown(owed, engineer, teammate):
    review = ReviewFactory(incident=owed, participants=[engineer, teammate])
    for url in (review.get_absolute_url(), reverse("review_meeting", args=[review.pk]) + "?part=actions"):
        with time_machine.travel(TEN, tick=False):
            page, rendered = visit(engineer, url)
        assert "actions/review_section.html" in rendered and "Due in 1 h</span>" in page, url
        with time_machine.travel(TEN + dt.timedelta(minutes=40), tick=False):
            page, rendered = visit(teammate, url)
        assert "actions/review_section.html" not in rendered and "the obligation" not in rendered, url
        assert "Due in 20 min</span>" in page, url
        with time_machine.travel(DEADLINE, tick=False):
            page, rendered = visit(teammate, url)
        assert "actions/review_section.html" not in rendered, url
        assert "Owed, past its deadline</span> since Wed 4 Mar 2026, 11:00 UTC (0 s ago)" in page, url


def test_a_change_to_what_the_panel_shows_renders_it_again(owed, outsider, engineer):
    url = owed.get_absolute_url()
    with time_machine.travel(TEN, tick=False):
        visit(outsider, url)
        ActionItemFactory(incident=owed, owner=engineer, title="Alert on the pool's saturation", due_on=None)
        page, rendered = visit(outsider, url)
    assert "actions/panel.html" in rendered and "Alert on the pool&#x27;s saturation" in page


def status_kept_at(incident, moment) -> str:
    """The incident's status as a kept panel holds it when rendered at ``moment``."""
    with time_machine.travel(moment, tick=False), times.keeping():
        return get_template("actions/panel.html#status").render(obligation_status(incident))


def served_at(html: str, moment) -> str:
    with time_machine.travel(moment, tick=False):
        served = times.served(html)
    assert times.START not in served
    return served


def test_a_kept_committed_fix_becomes_landing_overdue_when_its_landing_date_passes(owed, engineer):
    with time_machine.travel(TEN, tick=False):
        fix = ActionItemFactory(incident=owed, owner=engineer, kind="guardrail", due_on=dt.date(2026, 3, 18))
    obligation = obligation_of(owed)
    assert obligation.state == ObligationState.MET and obligation.met_by == fix
    landing_due = obligation.landing_due_at
    kept = status_kept_at(owed, landing_due - dt.timedelta(days=3))
    before = served_at(kept, landing_due - dt.timedelta(seconds=1))
    after = served_at(kept, landing_due)
    assert "Committed, not landed</span>" in before and "landing overdue" not in before
    assert "Committed, landing overdue</span>" in after and "not landed" not in after
    assert 'data-stage="committed"' in before and 'data-stage="committed"' in after
    # Rendered afresh, it says the same.
    with time_machine.travel(landing_due, tick=False):
        assert "Committed, landing overdue</span>" in get_template("actions/panel.html#status").render(
            obligation_status(owed)
        )


def test_a_kept_landed_fix_counts_as_held_once_the_days_pass(owed, engineer, settings):
    with time_machine.travel(TEN, tick=False):
        fix = ActionItemFactory(incident=owed, owner=engineer, kind="guardrail", due_on=dt.date(2026, 3, 18))
    landed = TEN + dt.timedelta(days=2)
    ActionItem.objects.filter(pk=fix.pk).update(status="done", completed_at=landed, landed_at=landed)
    FixObligation.objects.filter(incident=owed).update(landed_at=landed)
    held = landed + dt.timedelta(days=settings.FIX_HELD_AFTER_DAYS)
    kept = status_kept_at(owed, held - dt.timedelta(hours=5))
    before, after = served_at(kept, held - dt.timedelta(seconds=1)), served_at(kept, held)
    assert 'data-stage="landed"' in before and "Landed</span> Fri 6 Mar 2026, 10:00 UTC" in before
    assert "It counts as held when the same weakness has not come back for 90 days." in before
    assert 'data-stage="held"' in after and "Held</span> Landed Fri 6 Mar 2026, 10:00 UTC, and the weakness" in after
    assert "counts as held when" not in after


def test_outside_a_kept_fragment_the_status_is_written_for_the_moment_alone(owed):
    with time_machine.travel(TEN + dt.timedelta(minutes=15), tick=False):
        html = get_template("actions/panel.html#status").render(obligation_status(owed))
    assert "Due in 45 min</span>" in html and times.START not in html and "past its deadline" not in html


def test_the_incident_pages_poll_is_kept_for_everyone_and_follows_a_commitment(owed, engineer, outsider):
    url = reverse("obligation_panel", args=[owed.pk]) + "?part=status&items=1"
    htmx = {"HX-Request": "true"}
    with time_machine.travel(TEN, tick=False):
        first, rendered = visit(engineer, url, headers=htmx)
    assert "the obligation" in rendered and "Due in 1 h</span>" in first
    with time_machine.travel(TEN + dt.timedelta(minutes=59, seconds=30), tick=False):
        poll, rendered = visit(outsider, url, headers=htmx)
    assert "the obligation" not in rendered
    assert "Due in 30 s</span>" in poll and 'id="obligation-items" hx-swap-oob="true"' in poll
    assert reverse("obligation_panel", args=[owed.pk]) + "?part=status&amp;items=1" in poll  # it goes on polling

    with time_machine.travel(TEN + dt.timedelta(minutes=59, seconds=40), tick=False):
        ActionItemFactory(incident=owed, owner=engineer, kind="guardrail", title="Cap the retry budget")
        poll, rendered = visit(outsider, url, headers=htmx)
    assert "the obligation" in rendered
    assert "Committed, not landed</span>" in poll and "Cap the retry budget" in poll and "Due in" not in poll
