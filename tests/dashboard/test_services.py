"""The dashboard's aggregates, computed in PostgreSQL: known inputs, exact figures."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from actions.models import ActionKind, ActionStatus, ObligationState
from dashboard import figures as dashboard_figures
from dashboard.figures import factors, store
from dashboard.figures.parts import PUBLIC
from dashboard.figures.store import WORKER_SILENT_AFTER, recompute_lock
from dashboard.freshness import VERSION_KEY, data_version
from incidents.models import Severity
from postmortems.models import ReviewStatus
from tests.dashboard.conftest import NOW
from tests.dashboard.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    FeedbackFactory,
    NearMissFactory,
    PerspectiveFactory,
    ServiceFactory,
    category,
    incident_with_times,
    published_review,
    set_obligation,
)
from tests.dashboard.reference_figures import compute
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["postgresql", "python"])
def computed_in(request, monkeypatch):
    """Run a test on the SQL path and on the Python path the embedded SQLite database takes."""
    if request.param == "python":
        monkeypatch.setattr(factors, "connection", SimpleNamespace(vendor="sqlite"))
    return request.param


def figures(user, team=None, period="12m"):
    return compute(user, dashboard_figures.make_filters(team, period, now=NOW))


def test_time_to_detect_and_mitigate_are_medians_and_90th_percentiles_by_month_and_severity(
    frozen, at, manager, payments
):
    for minutes in (10, 20, 30, 40):
        incident_with_times(
            payments, at(20), detect_minutes=minutes, mitigate_minutes=minutes * 3, severity=Severity.SEV2
        )
    # A false alarm is not an incident to learn response times from.
    incident_with_times(payments, at(20), detect_minutes=500, mitigate_minutes=900, disposition="false_alarm")
    incident_with_times(payments, at(20), detect_minutes=1, severity=Severity.SEV1)  # not mitigated yet

    response = figures(manager)["response"]

    june = next(row for row in response["by_month"] if row["month"] == dt.date(2026, 5, 1))
    assert june["count"] == 5
    sev2 = response["by_month_severity"]["2026-05-01:sev2"]
    assert sev2["ttd_median"] == dt.timedelta(minutes=25)
    assert sev2["ttd_p90"] == dt.timedelta(minutes=37)  # percentile_cont interpolates: 30 + 0.7 × 10
    assert sev2["ttm_median"] == dt.timedelta(minutes=75)
    assert response["by_severity"]["sev1"]["ttm_median"] is None
    assert response["by_severity"]["sev1"]["ttd_median"] == dt.timedelta(minutes=1)
    assert response["overall"]["count"] == 5
    # Months without incidents are there, empty, so the chart shows the gap.
    assert len(response["by_month"]) == 12
    assert response["by_month"][-1]["count"] == 0 and response["by_month"][-1]["ttd_median"] is None


def test_restricted_incidents_count_only_for_those_who_may_see_them(
    frozen, at, manager, engineer, facilitator, org_admin, payments
):
    incident_with_times(payments, at(5), detect_minutes=10)
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer])

    assert dashboard_figures.visibility_class(manager) == "public"
    assert dashboard_figures.visibility_class(org_admin) == "all"
    assert dashboard_figures.visibility_class(type(manager)(is_superuser=True)) == "all"
    assert dashboard_figures.visibility_class(engineer).startswith("restricted-")

    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 1
    # Each visibility class has its own cache entry: the manager's cached figures never leak the other way.
    assert dashboard_figures.dashboard_data(engineer, filters)[0]["response"]["overall"]["count"] == 2
    assert dashboard_figures.dashboard_data(org_admin, filters)[0]["response"]["overall"]["count"] == 2
    assert dashboard_figures.dashboard_data(facilitator, filters)[0]["response"]["overall"]["count"] == 1


def test_people_on_the_same_restricted_incidents_share_one_computation_and_others_do_not_see_it(
    frozen, at, manager, engineer, teammate, facilitator, payments, monkeypatch, django_assert_num_queries
):
    incident_with_times(payments, at(5), detect_minutes=10)
    for _ in range(2):
        incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer, teammate])
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, facilitator=facilitator)

    assert dashboard_figures.visibility_class(engineer) == dashboard_figures.visibility_class(teammate)
    assert dashboard_figures.visibility_class(engineer) not in {"public", "all"}
    assert dashboard_figures.visibility_class(facilitator) != dashboard_figures.visibility_class(engineer)
    assert dashboard_figures.visibility_class(manager) == "public"

    computed = []
    real_part = store.part
    monkeypatch.setattr(store, "part", lambda scope, *args: computed.append(scope) or real_part(scope, *args))
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(engineer, filters)[0]["response"]["overall"]["count"] == 3
    # The public part (everyone's) and the part of the engineer's two restricted incidents.
    assert [scope.unattached for scope in computed] == [True, False]
    # The teammate's first visit computes nothing: the engineer's figures are theirs too (which restricted
    # incidents the teammate is on was asked above and is remembered).
    with django_assert_num_queries(0):
        assert dashboard_figures.dashboard_data(teammate, filters)[0]["response"]["overall"]["count"] == 3
    assert len(computed) == 2
    # Someone on another restricted incident gets their own figures, without the two they may not see: only
    # the part of their own restricted incident is computed, the public part is shared.
    assert dashboard_figures.dashboard_data(facilitator, filters)[0]["response"]["overall"]["count"] == 2
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 1
    assert [scope.unattached for scope in computed] == [True, False, False]


def test_figures_are_cached_and_recomputed_after_a_change(
    frozen, at, manager, payments, django_capture_on_commit_callbacks, django_assert_num_queries
):
    incident_with_times(payments, at(5), detect_minutes=10)
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 1
    version = data_version()

    # From the cache: not even the visibility question reaches the database.
    with django_assert_num_queries(0):
        assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=20)
    assert data_version() > version
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 2

    # Every summarised kind of row makes the figures stale, deletions too.
    for make in (
        lambda: NearMissFactory(team=payments),
        lambda: ActionItemFactory(incident=incident_with_times(payments, at(3))),
    ):
        before = data_version()
        with django_capture_on_commit_callbacks(execute=True):
            row = make()
        assert data_version() > before
        before = data_version()
        with django_capture_on_commit_callbacks(execute=True):
            row.delete()
        assert data_version() > before


def test_a_lost_version_key_never_brings_back_old_figures(manager):
    first = data_version()
    cache.delete(VERSION_KEY)
    assert data_version() > first


def test_action_items_open_due_this_week_and_overdue_by_team_and_kind(frozen, at, manager, payments, platform):
    incident = incident_with_times(payments, at(40))
    other = incident_with_times(platform, at(40))
    today = NOW.date()
    ActionItemFactory(incident=incident, kind=ActionKind.TEST, due_on=today - dt.timedelta(days=30), title="Oldest")
    ActionItemFactory(incident=incident, kind=ActionKind.TEST, due_on=today - dt.timedelta(days=1), title="Yesterday")
    ActionItemFactory(incident=incident, kind=ActionKind.GUARDRAIL, due_on=today + dt.timedelta(days=4))  # Sunday
    ActionItemFactory(incident=incident, kind=ActionKind.GUARDRAIL, due_on=today + dt.timedelta(days=5))  # next week
    ActionItemFactory(incident=other, kind=ActionKind.PROCESS, due_on=today - dt.timedelta(days=2), title="Handover")
    for _ in range(2):  # three owners, enough people behind Platform's row
        ActionItemFactory(incident=other, kind=ActionKind.PROCESS, due_on=today + dt.timedelta(days=10))
    done = ActionItemFactory(incident=incident, kind=ActionKind.TEST, due_on=today - dt.timedelta(days=9))
    done.status = ActionStatus.DONE
    done.save()

    actions = figures(manager)["actions"]

    assert actions["open"] == 7 and actions["overdue"] == 3 and actions["due_this_week"] == 1
    assert [
        {key: row[key] for key in ("team__name", "open", "due_this_week", "overdue")} for row in actions["by_team"]
    ] == [
        {"team__name": "Payments", "open": 4, "due_this_week": 1, "overdue": 2},
        {"team__name": "Platform", "open": 3, "due_this_week": 0, "overdue": 1},
    ]
    assert {row["kind"]: row["open"] for row in actions["by_kind"]} == {"Test": 2, "Guardrail": 2, "Process": 3}
    assert [row["title"] for row in actions["oldest_overdue"]] == ["Oldest", "Handover", "Yesterday"]
    assert actions["oldest_overdue"][0]["days_overdue"] == 30
    assert actions["oldest_overdue"][0]["incident_pk"] == incident.pk
    this_week = actions["weekly"][-1]
    assert this_week["week"] == dt.date(2026, 6, 15)
    assert this_week["opened"] == 8 and this_week["closed"] == 1

    payments_only = figures(manager, team=payments)["actions"]
    assert payments_only["open"] == 4 and [row["team__name"] for row in payments_only["by_team"]] == ["Payments"]


def test_systemic_fix_obligation_share_on_time_median_pending_and_breached(frozen, at, manager, payments, platform):
    responders = {team: UserFactory.create_batch(3) for team in (payments, platform)}

    def obligation(team, state, deadline, met_hours=None):
        incident = incident_with_times(
            team, deadline - dt.timedelta(hours=50), mitigate_minutes=60, responders=responders[team]
        )
        met_at = deadline - dt.timedelta(hours=48) + dt.timedelta(hours=met_hours) if met_hours is not None else None
        return set_obligation(incident, state, deadline, met_at=met_at)

    obligation(payments, ObligationState.MET, at(40), met_hours=10)
    obligation(payments, ObligationState.MET, at(35), met_hours=30)
    obligation(payments, ObligationState.MET, at(30), met_hours=60)  # met, but late
    obligation(payments, ObligationState.BREACHED, at(20))
    obligation(platform, ObligationState.PENDING, at(1))  # the sweep has not run yet: breached already
    soon = obligation(platform, ObligationState.PENDING, at(-0.5))
    obligation(platform, ObligationState.CANCELLED, at(10))

    result = figures(manager)["obligations"]

    overall = result["overall"]
    assert (overall["decided"], overall["on_time"], overall["breached"]) == (5, 2, 2)
    assert overall["share"] == pytest.approx(0.4)
    assert overall["median_fix"] == dt.timedelta(hours=30)
    teams = {row["incident__team__name"]: row for row in result["by_team"]}
    assert teams["Payments"]["share"] == pytest.approx(0.5) and teams["Platform"]["share"] == 0
    may = next(row for row in result["by_month"] if row["month"] == dt.date(2026, 5, 1))
    assert may["decided"] == 4 and may["on_time"] == 2
    assert [row["incident_pk"] for row in result["pending"]] == [soon.incident_id]
    assert result["pending_count"] == 1
    assert len(result["breached"]) == 2


def test_near_misses_per_month_and_a_rising_trend(frozen, manager, payments):
    for month, count in ((12, 1), (1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (6, 9)):
        year = 2025 if month == 12 else 2026
        for _ in range(count):
            NearMissFactory(team=payments, filed_on=dt.date(year, month, 10))

    near = figures(manager, period="12m")["near_misses"]

    assert near["total"] == 21
    assert [row["reports"] for row in near["by_month"]][-7:] == [1, 1, 1, 2, 3, 4, 9]
    # The current month is still filling up: compare whole months only (Mar-May 9 against Dec-Feb 3).
    assert near["trend"] == "rising"
    assert (near["last_three_months"], near["three_months_before"]) == (9, 3)


def test_a_category_in_three_incidents_within_90_days_is_recurring(frozen, at, manager, payments, computed_in):
    guardrail, ownership = category("missing-guardrail"), category("unclear-ownership")
    for days_ago in (10, 40, 95):
        ContributingFactorFactory(
            review=published_review(incident=incident_with_times(payments, at(days_ago))), category=guardrail
        )
    for days_ago in (10, 120, 250):
        ContributingFactorFactory(
            review=published_review(incident=incident_with_times(payments, at(days_ago))), category=ownership
        )

    factors = figures(manager)["factors"]

    rows = {row["category"]: row for row in factors["by_category"]}
    assert rows["Missing guardrail"]["recurring"] and rows["Missing guardrail"]["peak_90_days"] == 3
    assert not rows["Missing guardrail"]["recurring_now"]  # the oldest is 95 days back
    assert not rows["Unclear ownership"]["recurring"] and rows["Unclear ownership"]["incidents"] == 3
    assert {"month": dt.date(2026, 6, 1), "category": "Missing guardrail", "incidents": 1} in factors["by_month"]


def test_recurrences_count_incidents_that_came_back_after_a_fix_was_done(frozen, at, manager, payments, computed_in):
    gateway, ledger = ServiceFactory(name="payments-gateway"), ServiceFactory(name="ledger")
    guardrail = category("missing-guardrail")
    earlier = incident_with_times(payments, at(100))
    earlier_factor = ContributingFactorFactory(
        review=published_review(incident=earlier), category=guardrail, service=gateway
    )
    fix = ActionItemFactory(incident=earlier, kind=ActionKind.DOCUMENTATION, title="Write the gateway runbook")
    fix.addresses.add(earlier_factor)
    fix.status = ActionStatus.DONE
    fix.save()
    ActionItem = type(fix)
    ActionItem.objects.filter(pk=fix.pk).update(completed_at=at(90))

    came_back = incident_with_times(payments, at(10))
    ContributingFactorFactory(review=published_review(incident=came_back), category=guardrail, service=gateway)
    elsewhere = incident_with_times(payments, at(9))
    ContributingFactorFactory(review=published_review(incident=elsewhere), category=guardrail, service=ledger)
    # Before the fix landed, the same weakness coming up again is not a fix that failed to hold.
    too_early = incident_with_times(payments, at(95))
    ContributingFactorFactory(review=published_review(incident=too_early), category=guardrail, service=gateway)

    recurrences = figures(manager)["recurrences"]

    assert recurrences["incidents"] == 1 and recurrences["weaknesses"] == 1
    assert recurrences["by_category"] == [{"category": "Missing guardrail", "incidents": 1, "weaknesses": 1}]

    # A deleted fix is no fix; a deleted factor is no weakness.
    fix.refresh_from_db()
    fix.soft_delete()
    assert figures(manager)["recurrences"]["incidents"] == 0
    fix.restore()
    assert figures(manager)["recurrences"]["incidents"] == 1
    earlier_factor.soft_delete()
    assert figures(manager)["recurrences"]["incidents"] == 0


def test_review_quality_shares_and_feedback(frozen, at, manager, payments, engineer, teammate, facilitator):
    good = published_review(incident=incident_with_times(payments, at(30)), facilitator=facilitator)
    good.participants.set([engineer, teammate])
    PerspectiveFactory(review=good, author=engineer)
    PerspectiveFactory(review=good, author=teammate)
    ActionItemFactory(incident=good.incident, kind=ActionKind.GUARDRAIL)
    FeedbackFactory(review=good, author=engineer, blameless=5, useful=4)
    FeedbackFactory(review=good, author=teammate, blameless=4, useful=2)
    thin = published_review(incident=incident_with_times(payments, at(20)), status=ReviewStatus.IN_REVIEW)
    ActionItemFactory(incident=thin.incident, kind=ActionKind.PROCESS)
    # Blaming words left in a review still in review are an open language note.
    thin.summary = "Jonas was careless and should have known better."
    thin.save()
    published_review(incident=incident_with_times(payments, at(10)), status=ReviewStatus.DRAFT)  # not yet written

    quality = figures(manager)["quality"]["overall"]

    assert quality["reviews"] == 2
    assert quality["with_systemic_share"] == pytest.approx(0.5)
    assert quality["with_perspectives_share"] == pytest.approx(0.5)
    assert quality["without_open_flags_share"] == pytest.approx(0.5)
    # Two answers are too few to show without pointing at someone.
    assert not quality["responses"] and quality["blameless"] is None and quality["answers_withheld"]


def test_per_team_feedback_figures_need_three_answers(frozen, at, manager, payments, platform):
    """2 answers hidden, 3 shown: per team, and in the total, which counts only the teams shown."""
    two = published_review(incident=incident_with_times(platform, at(30)), participants=UserFactory.create_batch(3))
    three = published_review(incident=incident_with_times(payments, at(30)), participants=UserFactory.create_batch(3))
    for author, blameless in zip(two.participants.all(), (5, 4), strict=False):
        FeedbackFactory(review=two, author=author, blameless=blameless, useful=1)
    for author, blameless in zip(three.participants.all(), (5, 4, 3), strict=True):
        FeedbackFactory(review=three, author=author, blameless=blameless, useful=2)

    quality = figures(manager)["quality"]
    rows = {row["team"]: row for row in quality["by_team"]}
    assert rows["Platform"]["answers_withheld"] and rows["Platform"]["blameless"] is None
    assert rows["Platform"]["useful"] is None and rows["Platform"]["responses"] is None
    assert not rows["Platform"]["withheld"], "three people took part: the review figures are shown"
    assert not rows["Payments"]["answers_withheld"]
    assert (rows["Payments"]["responses"], rows["Payments"]["blameless"]) == (3, pytest.approx(4.0))
    # Platform's answers leave no mark on the total, so they cannot be worked out by subtraction.
    assert (quality["overall"]["responses"], quality["overall"]["useful"]) == (3, pytest.approx(2.0))

    # The chart's table (also the CSV export) shows nothing for the team with too few answers.
    from dashboard.panels import quality_chart

    chart = quality_chart(quality, dashboard_figures.make_filters(None, "12m", now=NOW))
    table = {row[0]: row for row in chart.table.rows}
    assert table["Platform"][-3:] == [None, None, None]
    assert table["Payments"][-3:] == [3, pytest.approx(4.0), pytest.approx(2.0)]


def test_while_one_request_recomputes_the_others_get_the_previous_figures(
    frozen, at, manager, payments, django_capture_on_commit_callbacks
):
    incident_with_times(payments, at(5), detect_minutes=10)
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(manager, filters) == (
        dashboard_figures.dashboard_data(manager, filters)[0],
        True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=20)

    cache.add(recompute_lock(PUBLIC, filters), 1)  # a worker is computing the new figures right now
    previous, fresh = dashboard_figures.dashboard_data(manager, filters)
    assert (previous["response"]["overall"]["count"], fresh) == (1, False)

    cache.delete(recompute_lock(PUBLIC, filters))
    current, fresh = dashboard_figures.dashboard_data(manager, filters)
    assert (current["response"]["overall"]["count"], fresh) == (2, True)


def test_after_a_change_viewers_get_the_last_figures_while_one_background_refresh_runs(
    frozen, at, manager, facilitator, engineer, payments, django_capture_on_commit_callbacks, monkeypatch
):
    from dashboard import tasks
    from dashboard.figures import store

    incident_with_times(payments, at(5), detect_minutes=10)
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer])
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    first, _ = dashboard_figures.dashboard_data(manager, filters)
    engineers = dashboard_figures.visibility_class(engineer)
    dashboard_figures.dashboard_data(engineer, filters)  # the engineer's own part is computed before the change
    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=20)

    queued = []
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(store, "part", lambda *args: pytest.fail("a viewer computed a part"))
    # Everyone gets the figures of the last parts, said to be so, and one refresh per part is queued.
    for viewer, count in ((manager, 1), (facilitator, 1), (engineer, 2), (manager, 1), (engineer, 2)):
        data, fresh = dashboard_figures.dashboard_data(viewer, filters)
        assert (data["response"]["overall"]["count"], fresh) == (count, False)
        assert data["computed_at"] == first["computed_at"]
    assert queued == [(PUBLIC, None, "12m", None), (engineers, None, "12m", engineer.pk)]

    monkeypatch.undo()
    for task in queued:
        tasks.recompute_figures(*task)  # what the worker does
    data, fresh = dashboard_figures.dashboard_data(facilitator, filters)
    assert (data["response"]["overall"]["count"], fresh) == (2, True)
    data, fresh = dashboard_figures.dashboard_data(engineer, filters)
    assert (data["response"]["overall"]["count"], fresh) == (3, True)


def test_when_no_worker_answers_a_queued_refresh_a_viewer_computes_it(
    frozen, at, manager, payments, django_capture_on_commit_callbacks, monkeypatch
):
    from dashboard import tasks

    incident_with_times(payments, at(5), detect_minutes=10)
    dashboard_figures.dashboard_data(manager, dashboard_figures.make_filters(None, "12m", now=NOW))
    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=20)
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: None)  # no worker answers
    data, fresh = dashboard_figures.dashboard_data(manager, dashboard_figures.make_filters(None, "12m", now=NOW))
    assert (data["response"]["overall"]["count"], fresh) == (1, False)  # the last figures; a refresh is queued
    later = dashboard_figures.make_filters(None, "12m", now=NOW + WORKER_SILENT_AFTER + dt.timedelta(seconds=1))
    data, fresh = dashboard_figures.dashboard_data(manager, later)
    assert (data["response"]["overall"]["count"], fresh) == (2, True)


def test_joining_or_leaving_a_restricted_incident_changes_what_one_counts_at_once(
    frozen, at, manager, payments, django_capture_on_commit_callbacks
):
    secret = incident_with_times(payments, at(5), detect_minutes=10, restricted=True)
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        secret.responders.add(manager)
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        secret.responders.remove(manager)
    assert dashboard_figures.visibility_class(manager) == "public"
    assert dashboard_figures.dashboard_data(manager, filters)[0]["response"]["overall"]["count"] == 0

    # Becoming an organisation admin counts everything from the next request on.
    from accounts.models import Membership, Role

    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=manager).update(role=Role.ADMIN)
        Membership.objects.get(user=manager).save()
    fresh = type(manager).objects.get(pk=manager.pk)
    assert dashboard_figures.dashboard_data(fresh, filters)[0]["response"]["overall"]["count"] == 1


def test_the_embedded_database_gets_the_same_continuous_percentile_as_postgresql():
    from dashboard.sqlite import PercentileCont

    def percentile(values, fraction):
        aggregate = PercentileCont()
        for value in values:
            aggregate.step(value, fraction)
        return aggregate.finalize()

    # PostgreSQL: percentile_cont(0.5) of 10, 20, 30, 40 is 25; percentile_cont(0.9) is 37.
    assert percentile([40, 10, 30, 20], 0.5) == 25
    assert percentile([40, 10, 30, 20], 0.9) == pytest.approx(37)
    assert percentile([None, 7], 0.9) == 7
    assert percentile([], 0.5) is None


def test_while_people_keep_writing_the_figures_are_refreshed_once_per_pause_not_once_per_write(
    frozen, at, manager, payments, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from dashboard import tasks

    settings.DASHBOARD_REFRESH_SECONDS = 60
    incident_with_times(payments, at(5), detect_minutes=10)
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    first, _ = dashboard_figures.dashboard_data(manager, filters)
    assert 50 < cache.ttl(recompute_lock(PUBLIC, filters)) <= 60  # computed just now: the next refresh waits a minute

    queued = []
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    for minutes in (20, 30, 40):  # three saves, each followed by a viewer
        with django_capture_on_commit_callbacks(execute=True):
            incident_with_times(payments, at(4), detect_minutes=minutes)
        data, fresh = dashboard_figures.dashboard_data(manager, filters)
        assert (data["computed_at"], fresh) == (first["computed_at"], False)  # the last figures, said to be so
    assert queued == []  # nothing recomputed within the pause

    cache.delete(recompute_lock(PUBLIC, filters))  # the pause is over
    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=50)
    dashboard_figures.dashboard_data(manager, filters)
    assert queued == [(PUBLIC, None, "12m", None)]  # one refresh for all four saves
