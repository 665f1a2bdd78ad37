"""The systemic fix's life after the 48 hours, on a frozen clock: committed → landed → held, or did not hold.

Every transition and every reminder boundary is looked at just before, at, and just after its moment.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from actions.models import (
    ActionStatus,
    LandingSource,
    Notification,
    NotificationKind,
    ObligationState,
    RecurrenceFlag,
    RecurrenceState,
    SentReminder,
    Stage,
    start_of_day_after,
)
from actions.recurrence import flags_for_review
from audit.models import AuditEvent
from incidents.models import Incident
from tests.actions.factories import ActionItemFactory, mitigated_incident, obligation_of
from tests.actions.fixtures import (
    DAY,
    HOUR,
    SECOND,
    incident_mitigated_at_t0,  # noqa: F401 - the ``incident`` of these tests
    sweep_at,
)
from tests.incidents.factories import ServiceFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory, category

pytestmark = pytest.mark.django_db

LANDING_KINDS = [NotificationKind.FIX_LANDING_DUE, NotificationKind.FIX_LANDING_OVERDUE]


@pytest.fixture
def committed_at(t0):
    return t0 + 5 * HOUR


@pytest.fixture
def fix(incident, committed_at, teammate):
    with time_machine.travel(committed_at, tick=False):
        return ActionItemFactory(
            incident=incident, owner=teammate, kind="guardrail", change_url="https://github.com/acme/pay/pull/318"
        )


def titles(kind, person=None, incident=None) -> list[str]:
    notes = Notification.objects.filter(kind=kind).order_by("created_at", "pk")
    if person is not None:
        notes = notes.filter(recipient=person)
    if incident is not None:
        notes = notes.filter(incident=incident)
    return [note.title for note in notes]


def land(item, moment):
    with time_machine.travel(moment, tick=False):
        item.refresh_from_db()
        item.status = ActionStatus.DONE
        item.save()


# --- owed → committed -------------------------------------------------------------------------------


@pytest.mark.parametrize("offset, on_time", [(-SECOND, True), (dt.timedelta(0), True), (SECOND, False)])
def test_owed_becomes_committed_at_the_48_hour_boundary(incident, t0, teammate, engineer, offset, on_time):
    moment = t0 + 48 * HOUR + offset
    if offset > dt.timedelta(0):
        sweep_at(moment)  # the breach is recorded before the fix arrives
    with time_machine.travel(moment, tick=False):
        assert obligation_of(incident).stage(moment) == Stage.OWED
        item = ActionItemFactory(incident=incident, owner=teammate, kind="test")
    obligation = obligation_of(incident)
    assert (obligation.state, obligation.stage(moment), obligation.met_on_time) == (
        ObligationState.MET,
        Stage.COMMITTED,
        on_time,
    )
    assert (obligation.first_breached_at is not None) == (not on_time)
    item.refresh_from_db()
    landing_date = moment.date() + dt.timedelta(days=14)
    assert item.due_on == landing_date, "landing is due 14 days after commitment when the item had no date"
    assert obligation.landing_due_at == start_of_day_after(landing_date)
    [note] = titles(NotificationKind.FIX_MET, engineer)
    assert note == f"The systemic fix for “{incident.title}” is committed: “{item.title}”"
    assert titles(NotificationKind.FIX_LANDED) == [], "nothing merged: never “landed” early"


def test_an_item_with_its_own_due_date_keeps_it_as_the_landing_date(incident, committed_at, teammate):
    with time_machine.travel(committed_at, tick=False):
        ActionItemFactory(incident=incident, owner=teammate, due_on=dt.date(2026, 3, 9))
    assert obligation_of(incident).landing_due_at == start_of_day_after(dt.date(2026, 3, 9))


# --- committed: reminders until it lands -------------------------------------------------------------


def test_reminders_continue_after_commitment_at_each_cadence_boundary(
    fix, committed_at, engineer, teammate, facilitator
):
    first = committed_at + 72 * HOUR
    sweep_at(first - SECOND)
    assert titles(NotificationKind.FIX_LANDING_DUE) == []
    sweep_at(first)
    sweep_at(first + SECOND)
    notes = Notification.objects.filter(kind=NotificationKind.FIX_LANDING_DUE)
    assert {note.recipient for note in notes} == {engineer, teammate, facilitator}, "owner and responders, once each"
    title = notes[0].title
    assert title.startswith(f"The systemic fix for “{fix.incident.title}” is committed, not landed yet")
    assert "landed:" not in title
    second = committed_at + 144 * HOUR
    sweep_at(second - SECOND)
    assert len(titles(NotificationKind.FIX_LANDING_DUE)) == 3
    sweep_at(second)
    assert len(titles(NotificationKind.FIX_LANDING_DUE)) == 6
    assert not Notification.objects.filter(
        kind__in=[NotificationKind.FIX_DUE_SOON, NotificationKind.FIX_ESCALATION, NotificationKind.FIX_STILL_OPEN]
    ).exists(), "the 48-hour reminders stopped at commitment"


def test_landing_overdue_escalates_to_managers_and_repeats_after_the_incident_closes(
    fix, incident, committed_at, manager, teammate
):
    due = obligation_of(incident).landing_due_at
    Incident.objects.filter(pk=incident.pk).update(status="resolved", resolved_at=committed_at + DAY)
    sweep_at(due - SECOND)
    assert titles(NotificationKind.FIX_LANDING_OVERDUE) == []
    sweep_at(due)
    sweep_at(due + SECOND)
    escalated = Notification.objects.filter(kind=NotificationKind.FIX_LANDING_OVERDUE)
    assert {note.recipient.username for note in escalated} == {"maya", "sam", "priya", "jonas"}
    assert escalated.count() == 4
    assert "is committed but has not landed" in escalated[0].title
    assert obligation_of(incident).landing_overdue(due)

    assert titles(NotificationKind.ACTION_OVERDUE) == [], "one message about it a day, not two"

    repeat = due + 24 * HOUR
    sweep_at(repeat - SECOND)
    assert len(titles(NotificationKind.FIX_LANDING_OVERDUE, manager)) == 1
    sweep_at(repeat)
    sweep_at(repeat + SECOND)
    assert len(titles(NotificationKind.FIX_LANDING_OVERDUE, manager)) == 2


# --- committed → landed -------------------------------------------------------------------------------


def test_the_owner_marking_it_done_lands_it_and_the_reminders_stop(fix, incident, committed_at, engineer):
    landed_at = committed_at + 80 * HOUR
    sweep_at(landed_at - SECOND)
    assert len(titles(NotificationKind.FIX_LANDING_DUE, engineer)) == 1
    land(fix, landed_at)
    obligation = obligation_of(incident)
    assert (obligation.stage(landed_at), obligation.landed_at, obligation.next_check_at) == (
        Stage.LANDED,
        landed_at,
        None,
    )
    fix.refresh_from_db()
    assert (fix.landed_via, fix.landing_evidence_url) == (LandingSource.OWNER, fix.change_url)
    [landed] = titles(NotificationKind.FIX_LANDED, engineer)
    assert landed == f"The systemic fix for “{incident.title}” landed: “{fix.title}”"
    for moment in (landed_at + SECOND, committed_at + 144 * HOUR, obligation.landing_due_at, landed_at + 30 * DAY):
        sweep_at(moment)
    assert len(titles(NotificationKind.FIX_LANDING_DUE, engineer)) == 1, "no reminder after landing"
    assert titles(NotificationKind.FIX_LANDING_OVERDUE) == []


def test_reopening_a_landed_item_brings_the_reminders_back(fix, incident, committed_at):
    land(fix, committed_at + DAY)
    with time_machine.travel(committed_at + 2 * DAY, tick=False):
        fix.refresh_from_db()
        fix.status = ActionStatus.IN_PROGRESS
        fix.save()
    obligation = obligation_of(incident)
    assert (obligation.stage(committed_at + 2 * DAY), obligation.landed_at) == (Stage.COMMITTED, None)
    assert obligation.next_check_at == committed_at + 72 * HOUR


# --- landed → held ------------------------------------------------------------------------------------


def test_a_landed_fix_counts_as_held_after_the_quiet_period(fix, incident, committed_at):
    landed_at = committed_at + DAY
    land(fix, landed_at)
    held_from = landed_at + 90 * DAY
    obligation = obligation_of(incident)
    assert obligation.stage(held_from - SECOND) == Stage.LANDED
    assert obligation.stage(held_from) == Stage.HELD
    assert obligation.stage(held_from + SECOND) == Stage.HELD


# --- landed → may not have held → did not hold / held -------------------------------------------------


@pytest.fixture
def addressed(fix, incident, committed_at):
    """The fix addresses a factor: missing guardrail in checkout-api."""
    checkout = ServiceFactory(name="checkout-api")
    with time_machine.travel(committed_at, tick=False):
        review = ReviewFactory(incident=incident, facilitator=incident.facilitator)
        factor = ContributingFactorFactory(review=review, category=category(), service=checkout)
    fix.addresses.add(factor)
    return factor


def later_factor(team, moment, service, slug="missing-guardrail"):
    with time_machine.travel(moment, tick=False):
        later = mitigated_incident(team, mitigated_at=moment)
        review = ReviewFactory(incident=later)
        return ContributingFactorFactory(review=review, category=category(slug), service=service)


def test_a_factor_before_the_fix_landed_or_of_another_weakness_flags_nothing(fix, addressed, committed_at, payments):
    landed_at = committed_at + 3 * DAY
    later_factor(payments, landed_at - SECOND, addressed.service)  # came back before it landed
    land(fix, landed_at)
    later_factor(payments, landed_at + DAY, ServiceFactory(name="search"))  # another service
    later_factor(payments, landed_at + DAY, addressed.service, slug="unclear-ownership")  # another category
    assert not RecurrenceFlag.objects.exists()


def test_the_same_weakness_coming_back_flags_the_fix_on_both_reviews_and_to_its_team(
    fix, addressed, incident, committed_at, payments, engineer, manager
):
    landed_at = committed_at + 3 * DAY
    land(fix, landed_at)
    factor = later_factor(payments, landed_at + 10 * DAY, addressed.service)
    flag = RecurrenceFlag.objects.get()
    assert (flag.fix, flag.earlier_factor, flag.later_factor, flag.state) == (
        fix,
        addressed,
        factor,
        RecurrenceState.OPEN,
    )
    assert obligation_of(incident).stage(landed_at + 200 * DAY) == Stage.MAY_NOT_HAVE_HELD, "not held while in question"
    assert flags_for_review(addressed.review) == [flag] == flags_for_review(factor.review)
    told = Notification.objects.filter(kind=NotificationKind.FIX_MAY_NOT_HAVE_HELD)
    assert {note.recipient for note in told} >= {engineer, manager, fix.owner}
    assert told[0].title == f"The fix “{fix.title}” may not have held"
    factor.save()  # saving the factor again flags nothing twice
    assert RecurrenceFlag.objects.count() == 1


def test_both_reviews_show_the_flag_and_only_a_facilitator_gets_the_decision(
    client, fix, addressed, incident, committed_at, payments, facilitator, engineer
):
    land(fix, committed_at + DAY)
    factor = later_factor(payments, committed_at + 5 * DAY, addressed.service)
    for person, decides in ((facilitator, True), (engineer, False)):
        client.force_login(person)
        for review in (addressed.review, factor.review):
            page = client.get(reverse("review_action_items", args=[review.pk])).text
            assert "May not have held" in page and fix.title in page
            assert "Missing guardrail in checkout-api" in page
            assert ("It did not hold: a new fix is owed" in page) is decides


def test_dismissing_needs_a_reason_and_the_fix_holds(
    client, fix, addressed, incident, committed_at, payments, facilitator, engineer
):
    land(fix, committed_at + DAY)
    later_factor(payments, committed_at + 5 * DAY, addressed.service)
    flag = RecurrenceFlag.objects.get()
    url = reverse("recurrence_decide", args=[flag.pk])
    client.force_login(engineer)
    assert client.post(url, {"decision": "dismiss", "reason": "x"}).status_code == 403, "the facilitator decides"
    client.force_login(facilitator)
    refused = client.post(url, {"decision": "dismiss", "reason": "  "}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "Say why the fix held" in refused.text
    reason = "The later outage came from a new code path the guardrail never covered."
    assert client.post(url, {"decision": "dismiss", "reason": reason}).status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.reason, flag.decided_by) == (RecurrenceState.DISMISSED, reason, facilitator)
    assert obligation_of(incident).stage(committed_at + 200 * DAY) == Stage.HELD


def test_confirming_it_did_not_hold_owes_a_new_fix_on_a_fresh_clock(
    client, fix, addressed, incident, committed_at, payments, facilitator, teammate, manager
):
    land(fix, committed_at + DAY)
    later_factor(payments, committed_at + 5 * DAY, addressed.service)
    flag = RecurrenceFlag.objects.get()
    confirmed_at = committed_at + 6 * DAY
    client.force_login(facilitator)
    with time_machine.travel(confirmed_at, tick=False):
        response = client.post(reverse("recurrence_decide", args=[flag.pk]), {"decision": "confirm"})
    assert response.status_code == 302
    obligation = obligation_of(incident)
    assert (obligation.state, obligation.stage(confirmed_at), obligation.met_by) == (
        ObligationState.PENDING,
        Stage.OWED,
        None,
    )
    assert (obligation.starts_at, obligation.deadline, obligation.reopened_at) == (
        confirmed_at,
        confirmed_at + 48 * HOUR,
        confirmed_at,
    )
    assert titles(NotificationKind.FIX_MAY_NOT_HAVE_HELD, teammate)[-1] == (
        f"The fix for “{incident.title}” did not hold: a new systemic fix is owed"
    )
    # The fix that did not hold cannot commit it again; the escalation comes at the new deadline.
    with time_machine.travel(confirmed_at + HOUR, tick=False):
        fix.refresh_from_db()
        fix.save()
    assert obligation_of(incident).state == ObligationState.PENDING
    sweep_at(confirmed_at + 48 * HOUR - SECOND)
    assert titles(NotificationKind.FIX_ESCALATION, manager, incident) == []
    sweep_at(confirmed_at + 48 * HOUR)
    assert len(titles(NotificationKind.FIX_ESCALATION, manager, incident)) == 1
    with time_machine.travel(confirmed_at + 50 * HOUR, tick=False):
        new_fix = ActionItemFactory(
            incident=incident, owner=teammate, kind="architecture", change_url="https://github.com/acme/pay/pull/400"
        )
    obligation = obligation_of(incident)
    assert (obligation.stage(confirmed_at + 50 * HOUR), obligation.met_by) == (Stage.COMMITTED, new_fix)


# --- integrity: moving the mitigation time after a breach -----------------------------------------------


def edit_data(incident, **changes):
    data = {
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "impact_started_at": "2026-03-04T09:00",
        "mitigated_at": "2026-03-04T10:00",
        "team": incident.team_id,
        "responders": [person.pk for person in incident.responders.all()],
        "disposition": "",
    }
    return {**data, **changes}


def test_moving_the_mitigation_time_after_a_breach_needs_a_reason_keeps_the_breach_and_escalates_again(
    client, incident, t0, engineer, manager
):
    deadline = t0 + 48 * HOUR
    sweep_at(deadline)
    assert len(titles(NotificationKind.FIX_ESCALATION, manager)) == 1
    client.force_login(engineer)
    url = reverse("incident_edit", args=[incident.pk])
    moved = {"mitigated_at": "2026-03-05T10:00"}  # a day later: the new deadline is still ahead
    with time_machine.travel(deadline + HOUR, tick=False):
        refused = client.post(url, edit_data(incident, **moved))
        assert refused.status_code == 422
        assert "Say why the mitigation time changes" in refused.text
        assert obligation_of(incident).deadline == deadline, "nothing moved without a reason"
        reason = "The first mitigation only paused the retries; the error rate stayed high until the rollback."
        assert client.post(url, edit_data(incident, mitigation_change_reason=reason, **moved)).status_code == 302
    obligation = obligation_of(incident)
    new_deadline = deadline + DAY
    assert (obligation.state, obligation.deadline, obligation.first_breached_at) == (
        ObligationState.PENDING,
        new_deadline,
        deadline,
    ), "the original breach stays in the figures"
    event = AuditEvent.objects.filter(object_id=incident.pk, changes__has_key="mitigation_change_reason").get()
    assert event.changes["mitigation_change_reason"][1] == reason
    assert "mitigated_at" in event.changes
    history = client.get(reverse("audit_history", args=["incidents.incident", incident.pk])).text
    assert reason in history

    sweep_at(new_deadline - SECOND)
    assert len(titles(NotificationKind.FIX_ESCALATION, manager)) == 1
    sweep_at(new_deadline)
    sweep_at(new_deadline + SECOND)
    assert len(titles(NotificationKind.FIX_ESCALATION, manager)) == 2, "a second breach escalates again"
    assert SentReminder.objects.filter(key=f"obligation:{obligation.pk}:escalation-r2").exists()
    assert obligation_of(incident).breach_count == 2


def test_the_owner_marks_it_done_with_the_evidence_from_the_item_page(client, fix, incident, committed_at, teammate):
    client.force_login(teammate)
    release = "https://deploy.example.com/releases/2026-03-09.1"
    with time_machine.travel(committed_at + 4 * DAY, tick=False):
        response = client.post(
            reverse("action_status", args=[fix.pk]), {"status": "done", "landing_evidence_url": release}
        )
    assert response.status_code == 302
    fix.refresh_from_db()
    assert (fix.landed_at, fix.landed_via, fix.landing_evidence_url) == (
        committed_at + 4 * DAY,
        LandingSource.OWNER,
        release,
    )
    with time_machine.travel(committed_at + 5 * DAY, tick=False):
        page = client.get(incident.get_absolute_url()).text
    assert 'data-stage="landed"' in page and "Marked done by its owner" in page and release in page


def test_the_incident_page_poll_answers_in_a_fixed_number_of_queries(
    client, fix, incident, committed_at, engineer, django_assert_max_num_queries
):
    client.force_login(engineer)
    url = reverse("obligation_panel", args=[incident.pk]) + "?part=status&items=1"
    client.get(url, headers={"HX-Request": "true"})  # warm the session and the person's memberships
    land(fix, committed_at + DAY)
    # Session and person, the incident and its access, the obligation with its fix and flags, the items.
    with time_machine.travel(committed_at + 2 * DAY, tick=False), django_assert_max_num_queries(8):
        response = client.get(url, headers={"HX-Request": "true"})
    assert 'data-stage="landed"' in response.text
    assert 'id="obligation-items" hx-swap-oob="true"' in response.text
