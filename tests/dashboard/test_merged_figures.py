"""The figures merged from parts equal a full computation over exactly what the viewer may see.

Random organisations (restricted incidents with their responders, obligations in every state, reviews,
factors, fixes, feedback, action items with and without an incident) are summarised both ways for viewers
of every kind: the public, admins and people on some restricted incidents, for all teams and for one.
"""

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from accounts.models import Role
from actions.models import (
    ActionItem,
    ActionKind,
    ActionStatus,
    FixObligation,
    ObligationState,
    RecurrenceFlag,
    RecurrenceState,
)
from dashboard import figures as dashboard_figures
from incidents.models import Disposition, Severity
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
)
from tests.dashboard.reference_figures import compute, compute_directly
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def moment(rng: random.Random, most_days: int = 420) -> dt.datetime:
    """A moment before now, in whole seconds (durations between them are too)."""
    return NOW - dt.timedelta(seconds=rng.randrange(60, most_days * 86400))


def organisation(rng: random.Random, teams, people) -> None:
    categories = [category(slug) for slug in ("missing-guardrail", "unclear-ownership", "capacity")]
    services = [ServiceFactory(name=f"service-{n}") for n in range(2)]
    factors, items = [], []
    for _ in range(rng.randrange(6, 14)):
        started = moment(rng)
        restricted = rng.random() < 0.4
        incident = incident_with_times(
            rng.choice(teams),
            started,
            detect_minutes=rng.choice([None, rng.randrange(1, 300)]),
            mitigate_minutes=rng.choice([None, rng.randrange(5, 900)]),
            severity=rng.choice(Severity.values),
            disposition=rng.choice([Disposition.NONE] * 5 + [Disposition.FALSE_ALARM]),
            restricted=restricted,
            responders=rng.sample(people, rng.randrange(0, 4)),
            facilitator=rng.choice([None, *people]),
        )
        if rng.random() < 0.8:
            state = rng.choice(ObligationState.values)
            starts_at = started + dt.timedelta(seconds=rng.randrange(600, 86400))
            deadline = starts_at + dt.timedelta(hours=48)
            met = state == ObligationState.MET
            met_at = starts_at + dt.timedelta(seconds=rng.randrange(60, 4 * 86400)) if met else None
            landed_at = (
                met_at + dt.timedelta(seconds=rng.randrange(60, 20 * 86400)) if met and rng.random() < 0.6 else None
            )
            FixObligation.objects.update_or_create(
                incident=incident,
                defaults={
                    "state": state,
                    "starts_at": starts_at,
                    "deadline": deadline,
                    "met_at": met_at,
                    "landed_at": landed_at if landed_at and landed_at < NOW else None,
                    "landing_due_at": met_at + dt.timedelta(days=rng.randrange(1, 30)) if met else None,
                    "first_breached_at": deadline if rng.random() < 0.3 else None,
                },
            )
        for _ in range(rng.randrange(0, 3)):
            items.append(
                ActionItemFactory(
                    incident=incident,
                    team=rng.choice(teams),
                    owner=rng.choice([None, *people]),
                    kind=rng.choice(ActionKind.values),
                    status=rng.choice(ActionStatus.values),
                    wont_do_reason="Superseded by another fix.",
                    due_on=(NOW - dt.timedelta(days=rng.randrange(-20, 40))).date(),
                )
            )
        if rng.random() < 0.75:
            review = published_review(
                incident=incident,
                status=rng.choice([ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED, ReviewStatus.DRAFT]),
                facilitator=rng.choice([None, *people]),
                participants=rng.sample(people, rng.randrange(0, 4)),
            )
            for author in rng.sample(people, rng.randrange(0, 3)):
                PerspectiveFactory(review=review, author=author)
            for author in rng.sample(people, rng.randrange(0, 4)):
                FeedbackFactory(review=review, author=author, blameless=rng.randrange(1, 6), useful=rng.randrange(1, 6))
            for _ in range(rng.randrange(0, 3)):
                factors.append(
                    ContributingFactorFactory(
                        review=review, category=rng.choice(categories), service=rng.choice([None, *services])
                    )
                )
    near_miss_review = published_review(incident=None, near_miss=NearMissFactory(team=teams[0]), team=teams[0])
    for _ in range(3):  # action items of no incident
        items.append(
            ActionItemFactory(
                incident=None,
                review=near_miss_review,
                team=rng.choice(teams),
                owner=rng.choice(people),
                status=rng.choice(ActionStatus.values),
                wont_do_reason="Superseded by another fix.",
                due_on=(NOW - dt.timedelta(days=rng.randrange(-20, 40))).date(),
            )
        )
    for item in items:
        done = item.status == ActionStatus.DONE
        ActionItem.objects.filter(pk=item.pk).update(
            created_at=moment(rng, 400), completed_at=moment(rng, 300) if done or rng.random() < 0.2 else None
        )
        if factors and rng.random() < 0.4:
            item.addresses.add(rng.choice(factors))
    if factors and items:
        for _ in range(rng.randrange(0, 3)):
            RecurrenceFlag.objects.create(
                fix=rng.choice(items),
                earlier_factor=rng.choice(factors),
                later_factor=rng.choice(factors),
                state=rng.choice(RecurrenceState.values),
                reason="It was another cause.",
            )
    for _ in range(rng.randrange(0, 5)):
        NearMissFactory(team=rng.choice(teams), filed_on=moment(rng).date())


def same(merged, direct, where="figures"):
    """Equal, but for the last digits of averages (the database divides in decimal)."""
    if isinstance(direct, dict):
        assert isinstance(merged, dict) and set(merged) == set(direct), where
        for key in direct:
            same(merged[key], direct[key], f"{where}.{key}")
    elif isinstance(direct, list | tuple):
        assert isinstance(merged, list | tuple) and len(merged) == len(direct), where
        for n, (left, right) in enumerate(zip(merged, direct, strict=True)):
            same(left, right, f"{where}[{n}]")
    elif isinstance(direct, float):
        assert merged == pytest.approx(direct, rel=1e-12), where
    else:
        assert merged == direct, where


@examples(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # each example is a seed: nothing to shrink
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), fewest=st.sampled_from([1, 3]))
def test_merged_figures_equal_a_full_computation_over_what_each_viewer_may_see(
    frozen, payments, platform, manager, org_admin, engineer, facilitator, teammate, outsider, settings, seed, fewest
):
    settings.PRIVACY_MIN_PEOPLE = fewest
    rng = random.Random(seed)
    with transaction.atomic():
        others = UserFactory.create_batch(3)
        for person in others:
            MembershipFactory(user=person, team=payments, role=Role.ENGINEER)
        people = [engineer, facilitator, teammate, outsider, *others]
        organisation(rng, [payments, platform], people)
        cache.clear()  # who is on which restricted incident, asked afresh for this organisation
        for viewer in (manager, org_admin, engineer, facilitator, outsider):
            # The fixtures' people live through every example, and a person remembers their restricted
            # incidents for the rest of a request under the ``incidents`` version, which restarts at the same
            # number on a frozen clock once the cache is cleared: forget it, as a new request would.
            viewer.__dict__.pop("_restricted_on", None)
            for team, period in ((None, "12m"), (payments, "36m"), (platform, "3m")):
                filters = dashboard_figures.make_filters(team, period, now=NOW)
                same(
                    compute(viewer, filters),
                    compute_directly(viewer, filters),
                    f"{viewer.username}, {team.slug if team else 'all'}, {period}",
                )
        transaction.set_rollback(True)


# --- what a viewer computes, and what a write costs them ----------------------------------------------------


def counts(viewers, filters) -> list[int]:
    return [dashboard_figures.dashboard_data(viewer, filters)[0]["response"]["overall"]["count"] for viewer in viewers]


def test_a_restricted_incident_changes_only_its_viewers_figures(
    frozen, at, payments, manager, facilitator, engineer, outsider, org_admin, django_capture_on_commit_callbacks
):
    incident_with_times(payments, at(5), detect_minutes=10)
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer])
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[outsider])
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    viewers = (manager, facilitator, engineer, outsider, org_admin)
    assert counts(viewers, filters) == [1, 1, 2, 2, 3]

    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(3), detect_minutes=10, restricted=True, responders=[engineer])
    assert counts(viewers, filters) == [1, 1, 3, 2, 4]


def test_a_write_to_one_incident_makes_no_viewer_compute_the_shared_figures(
    frozen, at, client, payments, manager, engineer, outsider, org_admin, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.urls import reverse

    from dashboard import tasks
    from dashboard.figures import store

    incident = incident_with_times(payments, at(5), detect_minutes=10)
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer])
    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[outsider])
    viewers = (manager, engineer, outsider, org_admin)
    for viewer in viewers:
        client.force_login(viewer)
        assert client.get(reverse("dashboard")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        incident.mitigated_at = incident.impact_started_at + dt.timedelta(minutes=30)
        incident.save()
    computed, queued = [], []
    real_part = store.part
    monkeypatch.setattr(store, "part", lambda scope, *args: computed.append(scope) or real_part(scope, *args))
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    for viewer in viewers:
        client.force_login(viewer)
        page = client.get(reverse("dashboard")).text
        assert "from before the latest changes" in page  # said plainly, with the time of the figures shown
    # No part was computed in a request: each is refreshed once, in the background.
    assert computed == []
    classes = [dashboard_figures.visibility_class(viewer) for viewer in (engineer, outsider)]
    assert sorted(name for name, *_ in queued) == sorted(["public", "restricted", *classes])

    monkeypatch.undo()
    for task in queued:
        tasks.recompute_figures(*task)  # what the worker does
    for viewer in viewers:
        client.force_login(viewer)
        page = client.get(reverse("dashboard")).text
        assert "from before the latest changes" not in page


def test_a_dashboard_get_asks_as_many_queries_whatever_the_data_and_the_restricted_incidents(
    frozen, at, client, payments, manager, engineer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def first_view_queries() -> int:
        """A viewer class's first view, the shared figures being kept (as they are after the first viewer)."""
        cache.clear()
        dashboard_figures.dashboard_data(manager, dashboard_figures.make_filters(None, "12m"))
        client.force_login(engineer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(queries)

    def add(incidents: int, restricted: int) -> None:
        for n in range(incidents + restricted):
            incident = incident_with_times(
                payments, at(5 + n), detect_minutes=5, restricted=n >= incidents, responders=[engineer]
            )
            review = published_review(incident=incident)
            ContributingFactorFactory(review=review, category=category("capacity"), service=ServiceFactory())
            ActionItemFactory(incident=incident, owner=engineer)

    add(incidents=1, restricted=1)
    small = first_view_queries()
    add(incidents=6, restricted=5)
    assert first_view_queries() == small


def test_after_midnight_yesterdays_figures_are_served_while_todays_are_computed(
    frozen, at, payments, manager, monkeypatch
):
    from dashboard import tasks
    from dashboard.figures import store

    incident_with_times(payments, at(5), detect_minutes=10)
    today = dashboard_figures.make_filters(None, "12m", now=NOW)
    assert dashboard_figures.dashboard_data(manager, today) == (
        dashboard_figures.dashboard_data(manager, today)[0],
        True,
    )

    queued = []
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    monkeypatch.setattr(store, "part", lambda *args: pytest.fail("a viewer computed a part"))
    tomorrow = dashboard_figures.make_filters(None, "12m", now=NOW + dt.timedelta(days=1))
    data, fresh = dashboard_figures.dashboard_data(manager, tomorrow)
    assert (data["response"]["overall"]["count"], data["computed_at"], fresh) == (1, NOW, False)
    assert queued == [("public", None, "12m", None)]


def test_a_repeat_view_answers_304_until_anyone_changes_what_it_shows_or_new_figures_arrive(
    frozen, at, client, payments, manager, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from dashboard import tasks

    incident = incident_with_times(payments, at(5), detect_minutes=10)
    client.force_login(manager)
    url = reverse("dashboard") + "?period=3m"
    client.get(url)  # the first visit sets the CSRF cookie, which the page's tag then counts on
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        incident.mitigated_at = incident.impact_started_at + dt.timedelta(minutes=30)
        incident.save()
    queued = []
    monkeypatch.setattr(tasks.recompute_figures, "delay", lambda *args: queued.append(args))
    stale = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert stale.status_code == 200 and "from before the latest changes" in stale.text
    assert client.get(url, headers={"If-None-Match": stale["ETag"]}).status_code == 304

    tasks.recompute_figures(*queued[0])  # the worker computes the new figures: the page changes without a write
    fresh = client.get(url, headers={"If-None-Match": stale["ETag"]})
    assert fresh.status_code == 200 and "from before the latest changes" not in fresh.text


def test_figures_computed_while_a_person_changes_class_are_kept_for_nobody(
    frozen, at, payments, engineer, teammate, django_capture_on_commit_callbacks
):
    from dashboard.figures import store

    incident_with_times(payments, at(5), detect_minutes=10, restricted=True, responders=[engineer, teammate])
    filters = dashboard_figures.make_filters(None, "12m", now=NOW)
    state = store.current_state(
        engineer, filters
    )  # the engineer shares the teammate's class, whose part is not kept yet
    with django_capture_on_commit_callbacks(execute=True):
        incident_with_times(payments, at(4), detect_minutes=10, restricted=True, responders=[engineer])

    data, _, key = store.figures_of(engineer, state)
    assert (data["response"]["overall"]["count"], key) == (2, None)  # the engineer's, kept for no one
    assert dashboard_figures.dashboard_data(teammate, filters)[0]["response"]["overall"]["count"] == 1
