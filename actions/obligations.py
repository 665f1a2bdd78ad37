"""The systemic-fix obligation: when its clock starts, when it is met, cancelled or breached.

Everything here recomputes from the database, so it is safe to call from a signal,
from a view and from the sweep, any number of times.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role, User
from actions.models import SYSTEMIC_KINDS, ActionItem, FixObligation, NotificationKind, ObligationState
from actions.notify import notify_many, record_reminder
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
    escalation = ObligationEvent("escalation", obligation.deadline, NotificationKind.FIX_ESCALATION)
    if escalation.key not in sent_keys:
        return escalation
    periods = int((now - obligation.deadline) / repeat_interval())
    if periods >= 1:
        repeat = ObligationEvent(
            f"still-open-{periods}",
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
        elif obligation.starts_at != start and obligation.state != ObligationState.MET:
            # The mitigation time was corrected: move the clock; reminders already sent stay sent.
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
    now = now or timezone.now()
    if obligation.state == ObligationState.CANCELLED:
        return False
    current = obligation.met_by if obligation.met_by_id else None
    if current is not None and current.incident_id == obligation.incident_id and qualifies(current):
        return False
    fix = find_fix(obligation.incident_id, candidates)
    if fix is not None:
        became_met = obligation.state != ObligationState.MET
        obligation.state, obligation.met_by, obligation.next_check_at = ObligationState.MET, fix, None
        if became_met or obligation.met_at is None:
            obligation.met_at = min(now, max(fix.updated_at, obligation.created_at or fix.updated_at))
        obligation.save()
        if became_met:
            announce_fix(obligation, fix, now)
        return became_met
    if obligation.state == ObligationState.MET:
        # The item that met it was closed as won't do, lost its link or owner: the clock is back.
        obligation.met_by, obligation.met_at = None, None
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
    try:
        return reverse("incident_detail", args=[incident.pk])
    except NoReverseMatch:
        return ""


def announce_fix(obligation: FixObligation, item: ActionItem, now: datetime) -> None:
    """Tell the responders the obligation is met (once), naming the change, not the person."""
    if not record_reminder(f"obligation:{obligation.pk}:met", now, obligation=obligation):
        return
    incident = obligation.incident
    title = f"The systemic fix for “{incident.title}” landed: “{item.title}”"
    body = f"A {item.get_kind_display().lower()} change is linked to the incident. Thank you for following through."
    people = responders_and_facilitator(incident)
    notify_many(people, NotificationKind.FIX_MET, title, body, incident_url(incident), incident, email=False, now=now)
