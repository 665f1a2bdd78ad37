"""The systemic-fix obligation: when its clock starts, when it is met, cancelled or breached.

Everything here recomputes from the database, so it is safe to call from a signal,
from a view and from the sweep, any number of times.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from actions.models import (
    SYSTEMIC_KINDS,
    ActionItem,
    FixObligation,
    NotificationKind,
    ObligationState,
    RecurrenceState,
    start_of_day_after,
)
from actions.remedies import is_null_remedy
from incidents.models import Incident


def fix_window() -> timedelta:
    return timedelta(hours=settings.SYSTEMIC_FIX_HOURS)


def obligation_start(incident: Incident) -> datetime | None:
    """The clock starts at mitigation, or at recording when the incident was recorded after it was mitigated."""
    if incident.mitigated_at is None:
        return None
    recorded = incident.created_at or timezone.now()
    return max(incident.mitigated_at, recorded)


@dataclass(frozen=True)
class ObligationEvent:
    """One moment in an obligation's schedule: a reminder, the escalation, or a repeat after the deadline."""

    key: str
    at: datetime
    kind: str
    hours_before: int = 0
    days_after: int = 0


def schedule_before_deadline(obligation: FixObligation) -> list[ObligationEvent]:
    hours = sorted({h for h in settings.SYSTEMIC_FIX_REMINDER_HOURS if h > 0}, reverse=True)
    return [
        ObligationEvent(
            f"due-{h}h", obligation.deadline - timedelta(hours=h), NotificationKind.FIX_DUE_SOON, hours_before=h
        )
        for h in hours
    ]


def repeat_interval() -> timedelta:
    return timedelta(hours=max(settings.SYSTEMIC_FIX_REPEAT_HOURS, 1))


def event_due(obligation: FixObligation, now: datetime, sent_keys: set[str]) -> ObligationEvent | None:
    """The one message due now that has not gone out: the latest reminder before the deadline, the escalation
    at it, or the latest repeat after it. Earlier moments missed while nobody swept are superseded, not sent late.
    """
    if now < obligation.deadline:
        passed = [event for event in schedule_before_deadline(obligation) if event.at <= now]
        if passed and passed[-1].key not in sent_keys:
            return passed[-1]
        return None
    # A second breach (after the mitigation time was moved) escalates again under keys of its own.
    round_tag = f"-r{obligation.breach_count}" if obligation.breach_count > 1 else ""
    escalation = ObligationEvent(f"escalation{round_tag}", obligation.deadline, NotificationKind.FIX_ESCALATION)
    if escalation.key not in sent_keys:
        return escalation
    periods = int((now - obligation.deadline) / repeat_interval())
    if periods >= 1:
        repeat = ObligationEvent(
            f"still-open{round_tag}-{periods}",
            obligation.deadline + periods * repeat_interval(),
            NotificationKind.FIX_STILL_OPEN,
            days_after=periods,
        )
        if repeat.key not in sent_keys:
            return repeat
    return None


def next_check_after(obligation: FixObligation, now: datetime) -> datetime:
    """The first moment after ``now`` at which something may become due."""
    for event in schedule_before_deadline(obligation):
        if event.at > now:
            return event.at
    if now < obligation.deadline:
        return obligation.deadline
    periods = int((now - obligation.deadline) / repeat_interval())
    return obligation.deadline + (periods + 1) * repeat_interval()


# --- after commitment: until the fix lands ---------------------------------------------------------


def landing_interval() -> timedelta:
    return timedelta(hours=max(settings.FIX_LANDING_REMINDER_HOURS, 1))


def landing_repeat_interval() -> timedelta:
    return timedelta(hours=max(settings.FIX_LANDING_OVERDUE_REPEAT_HOURS, 1))


def landing_due(obligation: FixObligation) -> datetime:
    return obligation.landing_due_at or obligation.met_at + timedelta(days=settings.FIX_LANDING_DAYS)


def landing_event_due(obligation: FixObligation, now: datetime, sent_keys: set[str]) -> ObligationEvent | None:
    """For a committed fix that has not landed: the reminder every ``FIX_LANDING_REMINDER_HOURS`` after
    commitment, the escalation when its landing date passes, then a repeat every
    ``FIX_LANDING_OVERDUE_REPEAT_HOURS``. Keys name the committed item, so a different fix starts afresh."""
    tag = f"landing-{obligation.met_by_id}"
    due = landing_due(obligation)
    if now < due:
        count = int((now - obligation.met_at) / landing_interval())
        if count >= 1 and f"{tag}-{count}" not in sent_keys:
            at = obligation.met_at + count * landing_interval()
            return ObligationEvent(f"{tag}-{count}", at, NotificationKind.FIX_LANDING_DUE, days_after=count)
        return None
    overdue = ObligationEvent(f"{tag}-overdue", due, NotificationKind.FIX_LANDING_OVERDUE)
    if overdue.key not in sent_keys:
        return overdue
    periods = int((now - due) / landing_repeat_interval())
    if periods >= 1 and f"{tag}-overdue-{periods}" not in sent_keys:
        at = due + periods * landing_repeat_interval()
        return ObligationEvent(f"{tag}-overdue-{periods}", at, NotificationKind.FIX_LANDING_OVERDUE, days_after=periods)
    return None


def landing_next_check(obligation: FixObligation, now: datetime) -> datetime:
    due = landing_due(obligation)
    if now < due:
        count = int((now - obligation.met_at) / landing_interval()) + 1
        return min(obligation.met_at + count * landing_interval(), due)
    periods = int((now - due) / landing_repeat_interval()) + 1
    return due + periods * landing_repeat_interval()


def first_check(obligation: FixObligation) -> datetime:
    events = schedule_before_deadline(obligation)
    return events[0].at if events else obligation.deadline


def find_fix(incident_id: int, candidates: list[ActionItem] | None = None) -> ActionItem | None:
    """The first action item that meets the obligation: systemic kind, an owner, a link to the change,
    not "won't do", and not an appeal to attention. ``candidates`` may come prefetched for a batch."""
    if candidates is None:
        candidates = (
            ActionItem.objects.filter(incident_id=incident_id).systemic_candidates().order_by("created_at", "pk")
        )
    for item in candidates:
        if not is_null_remedy(item.title, item.description):
            return item
    return None


def qualifies(item: ActionItem) -> bool:
    return (
        item.kind in SYSTEMIC_KINDS
        and item.owner_id is not None
        and bool(item.change_url)
        and item.status != "wont_do"
        and not is_null_remedy(item.title, item.description)
        and not item.recurrence_flags.filter(state=RecurrenceState.CONFIRMED).exists()
    )


def sync_obligation(incident: Incident, now: datetime | None = None) -> FixObligation | None:
    """Create or update the incident's obligation from its current facts; returns it (None if none is owed yet)."""
    now = now or timezone.now()
    start = obligation_start(incident)
    if start is None:
        return FixObligation.objects.filter(incident=incident).first()
    with transaction.atomic():
        obligation, created = FixObligation.objects.select_for_update().get_or_create(
            incident=incident,
            defaults={"starts_at": start, "deadline": start + fix_window(), "state": ObligationState.PENDING},
        )
        if created:
            obligation.next_check_at = first_check(obligation)
        elif obligation.starts_at != start and obligation.state != ObligationState.MET and not obligation.reopened_at:
            # The mitigation time was corrected: move the clock; reminders already sent stay sent, and
            # a breach already recorded stays in the figures (``first_breached_at``).
            if now >= obligation.deadline and obligation.first_breached_at is None:
                obligation.breach_count += 1
                obligation.first_breached_at = obligation.deadline
            obligation.starts_at, obligation.deadline = start, start + fix_window()
            obligation.next_check_at = first_check(obligation)
            if obligation.state == ObligationState.BREACHED and now < obligation.deadline:
                obligation.state, obligation.breached_at = ObligationState.PENDING, None
        if incident.is_cancelled or incident.deleted_at is not None:
            if obligation.state != ObligationState.CANCELLED:
                obligation.state, obligation.cancelled_at, obligation.next_check_at = (
                    ObligationState.CANCELLED,
                    now,
                    None,
                )
        elif obligation.state == ObligationState.CANCELLED:
            obligation.state, obligation.cancelled_at = ObligationState.PENDING, None
            obligation.next_check_at = first_check(obligation)
        obligation.save()
        evaluate_obligation(obligation, now)
    return obligation


def evaluate_obligation(
    obligation: FixObligation, now: datetime | None = None, candidates: list[ActionItem] | None = None
) -> bool:
    """Bring met / pending / breached in line with the incident's action items. True when it just became met."""
    from actions.reminders import announce_fix, announce_landed

    now = now or timezone.now()
    if obligation.state == ObligationState.CANCELLED:
        return False
    current = obligation.met_by if obligation.met_by_id else None
    if current is not None and current.incident_id == obligation.incident_id and qualifies(current):
        follow_landing(obligation, current, now)
        return False
    fix = find_fix(obligation.incident_id, candidates)
    if fix is not None:
        became_met = obligation.state != ObligationState.MET
        obligation.state, obligation.met_by, obligation.next_check_at = ObligationState.MET, fix, None
        if became_met or obligation.met_at is None:
            obligation.met_at = min(now, max(fix.updated_at, obligation.created_at or fix.updated_at))
        if fix.due_on is None:
            # Landing has a deadline too: the item's due date, by default FIX_LANDING_DAYS after commitment.
            fix.due_on = timezone.localdate(obligation.met_at) + timedelta(days=settings.FIX_LANDING_DAYS)
            ActionItem.objects.filter(pk=fix.pk).update(
                due_on=fix.due_on, next_reminder_at=start_of_day_after(fix.due_on) if fix.is_open else None
            )
        obligation.landing_due_at, obligation.landed_at = None, None
        follow_landing(obligation, fix, now, announce=not became_met)
        if became_met:
            announce_fix(obligation, fix, now)
            if fix.landed_at:
                announce_landed(obligation, fix, now)
        return became_met
    if obligation.state == ObligationState.MET:
        # The item that met it was closed as won't do, lost its link or owner: the clock is back.
        obligation.met_by, obligation.met_at = None, None
        obligation.landed_at, obligation.landing_due_at = None, None
        if now >= obligation.deadline:
            obligation.state, obligation.breached_at = (
                ObligationState.BREACHED,
                obligation.breached_at or obligation.deadline,
            )
        else:
            obligation.state = ObligationState.PENDING
        obligation.next_check_at = first_check(obligation)
        obligation.save()
    return False


def follow_landing(obligation: FixObligation, fix: ActionItem, now: datetime, announce: bool = True) -> None:
    """Keep a committed obligation's landing date, landing moment and next check in step with its item."""
    from actions.reminders import announce_landed

    due = start_of_day_after(fix.due_on) if fix.due_on else None
    landed_now = fix.landed_at is not None and obligation.landed_at is None
    if (due, fix.landed_at) == (obligation.landing_due_at, obligation.landed_at) and obligation.next_check_at:
        return
    if (due, fix.landed_at) == (obligation.landing_due_at, obligation.landed_at) and fix.landed_at:
        return
    obligation.landing_due_at, obligation.landed_at = due, fix.landed_at
    obligation.next_check_at = None if fix.landed_at else landing_next_check(obligation, now)
    obligation.save()
    if landed_now and announce:
        announce_landed(obligation, fix, now)


def refresh_for_incident(incident_id: int | None, now: datetime | None = None) -> FixObligation | None:
    """Re-evaluate an incident's obligation after its action items changed."""
    if incident_id is None:
        return None
    with transaction.atomic():
        obligation = FixObligation.objects.select_for_update().filter(incident_id=incident_id).first()
        if obligation is None:
            return None
        evaluate_obligation(obligation, now)
    return obligation


def responders_and_facilitator(incident: Incident) -> list[User]:
    """The people the obligation belongs to; the leading team's facilitators when nobody is named yet."""
    people = {user.pk: user for user in incident.responders.all() if user.is_active}
    if incident.facilitator_id and incident.facilitator.is_active:
        people.setdefault(incident.facilitator_id, incident.facilitator)
    if not people:
        people = {
            user.pk: user
            for user in User.objects.filter(
                is_active=True, memberships__team_id=incident.team_id, memberships__role=Role.FACILITATOR
            )
        }
    return sorted(people.values(), key=lambda user: user.pk)


def escalation_recipients(incident: Incident) -> list[User]:
    """The facilitator and the managers of every team involved."""
    team_ids = {incident.team_id, *(team.pk for team in incident.involved_teams.all())}
    people = {
        user.pk: user
        for user in User.objects.filter(
            is_active=True, memberships__team_id__in=team_ids, memberships__role=Role.MANAGER
        )
    }
    if incident.facilitator_id and incident.facilitator.is_active:
        people.setdefault(incident.facilitator_id, incident.facilitator)
    else:
        for user in User.objects.filter(
            is_active=True, memberships__team_id=incident.team_id, memberships__role=Role.FACILITATOR
        ):
            people.setdefault(user.pk, user)
    return sorted(people.values(), key=lambda user: user.pk)


def incident_url(incident: Incident) -> str:
    return reverse("incident_detail", args=[incident.pk])


def moving_mitigation_needs_a_reason(incident: Incident) -> str | None:
    """Once the systemic-fix deadline has passed, moving the mitigation time must say why (it moves the clock)."""
    obligation = FixObligation.objects.filter(incident_id=incident.pk).first()
    if obligation is None or obligation.state == ObligationState.CANCELLED:
        return None
    if obligation.first_breached_at or obligation.display_state() == ObligationState.BREACHED:
        return (
            f"The systemic fix's {settings.SYSTEMIC_FIX_HOURS}-hour deadline has already passed. Say why the "
            "mitigation time changes: the reason shows in the history, and the breach stays in the figures."
        )
    return None
