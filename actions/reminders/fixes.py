"""The systemic fix's reminders: before the deadline, the escalation after it, and the landing reminders once committed."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from actions.models import (
    ActionItem,
    FixObligation,
    NotificationKind,
    ObligationState,
    SentReminder,
)
from actions.notify import (
    backoff,
    notify_many,
    notify_team_chats,
    record_reminder,
)
from actions.obligations import (
    ObligationEvent,
    date_in_words,
    escalation_recipients,
    evaluate_obligation,
    event_due,
    fix_followers,
    incident_url,
    landing_due,
    landing_event_due,
    landing_next_check,
    next_check_after,
    responders_and_facilitator,
    sync_obligation,
)
from actions.reminders.context import SweepContext, SweepReport, may_see
from incidents.models import Disposition, Incident

log = logging.getLogger("actions.reminders")


def hours_in_words(delta: timedelta) -> str:
    hours = round(delta.total_seconds() / 3600)
    if hours <= 0:
        return "less than an hour"
    return "1 hour" if hours == 1 else f"{hours} hours"


# --- wording: about the incident and the system, never about a person -----------------------------


def obligation_message(obligation: FixObligation, event: ObligationEvent, now: datetime) -> tuple[str, str]:
    incident = obligation.incident
    name = f"“{incident.title}”"
    rule = (
        "It is met when the incident has an action item of a systemic kind (test, guardrail, tooling, "
        "observability or architecture) with an owner and a link to the change."
    )
    if event.kind == NotificationKind.FIX_DUE_SOON:
        title = f"The systemic fix for {name} is due in {hours_in_words(obligation.deadline - now)}"
        body = (
            f"Every incident owes one concrete change to the system within {settings.SYSTEMIC_FIX_HOURS} hours. {rule}"
        )
    elif event.kind == NotificationKind.FIX_ESCALATION:
        title = f"The systemic fix for {name} has passed its {settings.SYSTEMIC_FIX_HOURS}-hour deadline"
        body = (
            "No concrete change to the system is linked to this incident yet. The responders own it together; "
            f"please help them find the time and the change that fits. {rule}"
        )
    else:
        days = event.days_after * settings.SYSTEMIC_FIX_REPEAT_HOURS // 24
        since = f"{days} day{'s' if days != 1 else ''}" if days else hours_in_words(now - obligation.deadline)
        title = f"The systemic fix for {name} is still open, {since} after its deadline"
        body = f"We will keep reminding the responders until the fix lands, even after the incident is closed. {rule}"
    return title, body


def landing_message(obligation: FixObligation, event: ObligationEvent, now: datetime) -> tuple[str, str]:
    """A committed fix that has not landed: says "committed", never "landed"."""
    incident, item = obligation.incident, obligation.met_by
    name = f"“{incident.title}”"
    due = landing_due(obligation)
    change = f"“{item.title}” ({item.change_url})"
    if event.kind == NotificationKind.FIX_LANDING_DUE:
        title = f"The systemic fix for {name} is committed, not landed yet: due to land by {date_in_words(due)}"
        body = (
            f"{change} was committed on {date_in_words(obligation.met_at)}. It lands when the change is merged "
            "(the forge tells us) or its owner marks it done with the evidence. Until then we keep reminding, "
            "even after the incident is closed."
        )
    else:
        late = hours_in_words(now - due) if now - due < timedelta(days=2) else f"{(now - due).days} days"
        title = f"The systemic fix for {name} is committed but has not landed, {late} after its landing date"
        body = (
            f"{change} was due to land by {date_in_words(due)}. The managers of the teams involved hear about "
            "it now: please help the owner find the time, or move the due date on the item if the plan changed."
        )
    return title, body


# --- obligations ------------------------------------------------------------------------------------


def process_obligation(
    obligation: FixObligation,
    now: datetime,
    context: SweepContext | None = None,
    sent_keys: set[str] | None = None,
    candidates: list[ActionItem] | None = None,
) -> int:
    """Send what is due for one locked obligation and move its cursor; returns how many reminders went out.

    ``sent_keys`` and ``candidates`` may be read for a whole batch at once; without them they are read here.
    """
    context = context or SweepContext.load()
    incident = obligation.incident
    if incident.is_cancelled or incident.deleted_at is not None:
        obligation.state, obligation.cancelled_at, obligation.next_check_at = ObligationState.CANCELLED, now, None
        obligation.save(update_fields=["state", "cancelled_at", "next_check_at", "updated_at"])
        return 0
    evaluate_obligation(obligation, now, candidates=candidates)
    if obligation.state == ObligationState.MET and not obligation.awaits_landing:
        return 0
    if now >= obligation.deadline and obligation.state == ObligationState.PENDING:
        obligation.state, obligation.breached_at = ObligationState.BREACHED, obligation.deadline
        obligation.breach_count += 1
        obligation.first_breached_at = obligation.first_breached_at or obligation.deadline
    if sent_keys is None:
        sent_keys = sent_obligation_keys([obligation.pk]).get(obligation.pk, set())
    committed = obligation.state == ObligationState.MET
    event = landing_event_due(obligation, now, sent_keys) if committed else event_due(obligation, now, sent_keys)
    sent = 0
    if event and record_reminder(f"obligation:{obligation.pk}:{event.key}", now, obligation=obligation):
        if committed:
            title, body = landing_message(obligation, event, now)
        else:
            title, body = obligation_message(obligation, event, now)
        url = incident_url(incident)
        if event.kind == NotificationKind.FIX_ESCALATION:
            people = escalation_recipients(incident)
        elif event.kind == NotificationKind.FIX_LANDING_OVERDUE:
            followers = {person.pk: person for person in fix_followers(obligation)}
            people = sorted({**followers, **{p.pk: p for p in escalation_recipients(incident)}}.values(), key=pk_of)
        elif committed:
            people = fix_followers(obligation)
        else:
            people = responders_and_facilitator(incident)
        if incident.restricted:
            # A restricted incident exists only for those who may see it: no one else hears its name,
            # and it never goes to a team channel.
            people = [person for person in people if may_see(person, incident)] or [
                person for person in responders_and_facilitator(incident) if may_see(person, incident)
            ]
        notify_many(people, event.kind, title, body, url, incident, now=now, opt_outs=context.opt_outs)
        if not incident.restricted:
            teams = [incident.team, *incident.involved_teams.all()]
            notify_team_chats(teams, title, url, now=now, hooks=context.hooks, incident=incident)
        sent = 1
    obligation.next_check_at = landing_next_check(obligation, now) if committed else next_check_after(obligation, now)
    obligation.attempts, obligation.last_error = 0, ""
    obligation.save()
    return sent


def pk_of(person: User) -> int:
    return person.pk


def sent_obligation_keys(obligation_ids: list[int]) -> dict[int, set[str]]:
    """The schedule moments already sent, per obligation (``due-24h``, ``escalation``, ...)."""
    sent: dict[int, set[str]] = {pk: set() for pk in obligation_ids}
    rows = SentReminder.objects.filter(obligation_id__in=obligation_ids).values_list("obligation_id", "key")
    for obligation_id, key in rows:
        sent[obligation_id].add(key.rsplit(":", 1)[1])
    return sent


def process_due_obligations(now: datetime, report: SweepReport, context: SweepContext) -> None:
    batch_size = settings.ACTIONS_SWEEP_BATCH_SIZE
    while True:
        with transaction.atomic():
            batch = list(
                FixObligation.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    state__in=[ObligationState.PENDING, ObligationState.BREACHED, ObligationState.MET],
                    next_check_at__lte=now,
                )
                .select_related("incident__team", "incident__facilitator", "met_by__owner")
                .prefetch_related("incident__responders", "incident__involved_teams")
                .order_by("next_check_at", "pk")[:batch_size]
            )
            ids = [obligation.pk for obligation in batch]
            sent = sent_obligation_keys(ids)
            candidates: dict[int, list[ActionItem]] = {}
            for item in (
                ActionItem.objects.filter(incident_id__in=[o.incident_id for o in batch])
                .systemic_candidates()
                .order_by("created_at", "pk")
            ):
                candidates.setdefault(item.incident_id, []).append(item)
            for obligation in batch:
                report.obligations_checked += 1
                try:
                    with transaction.atomic():
                        report.obligation_reminders += process_obligation(
                            obligation, now, context, sent[obligation.pk], candidates.get(obligation.incident_id, [])
                        )
                except Exception as exc:
                    push_back_obligation(obligation, now, exc, report)
        if len(batch) < batch_size:
            return


def push_back_obligation(obligation: FixObligation, now: datetime, exc: Exception, report: SweepReport) -> None:
    """A row that fails is tried again later, later each time, instead of every minute forever."""
    attempts = obligation.attempts + 1
    log.exception("Obligation %s failed in the sweep (attempt %s)", obligation.pk, attempts)
    FixObligation.objects.filter(pk=obligation.pk).update(
        attempts=attempts, next_check_at=now + backoff(attempts), last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )
    report.failures.append(f"obligation {obligation.pk}: {exc}")


def reconcile_obligations(now: datetime | None = None) -> int:
    """Create the obligations that are owed but missing, and cancel those of false alarms and duplicates.

    The incident signal does this on every save; this catches what a signal cannot see
    (bulk updates, a crash between the two writes). Returns how many obligations changed.
    """
    now = now or timezone.now()
    changed = 0
    missing = (
        Incident.objects.filter(mitigated_at__isnull=False, fix_obligation__isnull=True)
        .exclude(disposition__in=[Disposition.FALSE_ALARM, Disposition.DUPLICATE])
        .select_related("team", "facilitator")
    )
    for incident in missing.iterator():
        sync_obligation(incident, now)
        changed += 1
    stale = FixObligation.objects.filter(
        state__in=[ObligationState.PENDING, ObligationState.BREACHED],
        incident__disposition__in=[Disposition.FALSE_ALARM, Disposition.DUPLICATE],
    ).select_related("incident")
    for obligation in stale:
        sync_obligation(obligation.incident, now)
        changed += 1
    return changed
