"""The sweep: what is due now, decided from the database, each reminder issued exactly once.

``run_sweep`` is what Celery beat runs every minute (``actions.tasks.sweep``). It only
reads rows whose moment has come (partial indexes on ``next_check_at`` /
``next_reminder_at`` / the outbox), claims them with ``SELECT ... FOR UPDATE SKIP
LOCKED`` so overlapping sweeps share the work instead of repeating it, and records
each reminder as a ``SentReminder`` row with a unique key *before* anything is sent.
The inbox notification and the outbox rows are written in the same transaction, so a
sweep killed halfway leaves either all of a reminder or none of it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role, User
from actions.models import (
    OPEN_STATUSES,
    ActionItem,
    FixObligation,
    NotificationKind,
    ObligationState,
    SentReminder,
    start_of_day_after,
)
from actions.notify import backoff, deliver_due, email_opt_outs, enabled_chat_hooks, notify_many, notify_team_chats
from actions.obligations import (
    ObligationEvent,
    escalation_recipients,
    evaluate_obligation,
    event_due,
    landing_due,
    landing_event_due,
    landing_next_check,
    next_check_after,
    responders_and_facilitator,
    sync_obligation,
)
from incidents.models import Disposition, Incident

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    obligations_checked: int = 0
    obligation_reminders: int = 0
    overdue_reminders: int = 0
    digests: int = 0
    deliveries_sent: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def reminders(self) -> int:
        return self.obligation_reminders + self.overdue_reminders + self.digests


def record_reminder(
    key: str, sent_at: datetime, obligation=None, action_item=None, recipient_id: int | None = None
) -> bool:
    """Insert the sent-reminder row; False when it exists (this reminder was issued already).

    ``ON CONFLICT DO NOTHING``: a concurrent sweep inserting the same key waits for ours to
    commit and then inserts nothing, so exactly one of them goes on to send.
    """
    table = SentReminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, obligation_id, action_item_id, recipient_id, sent_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING RETURNING id",
            [key, getattr(obligation, "pk", None), getattr(action_item, "pk", None), recipient_id, sent_at],
        )
        return cursor.fetchone() is not None


@dataclass
class SweepContext:
    """What one sweep reads once instead of once per reminder: email opt-outs and team chat hooks."""

    opt_outs: set[int]
    hooks: dict[int, str]

    @classmethod
    def load(cls) -> "SweepContext":
        return cls(opt_outs=email_opt_outs(), hooks=enabled_chat_hooks())


def _incident_url(incident: Incident) -> str:
    try:
        return reverse("incident_detail", args=[incident.pk])
    except NoReverseMatch:
        return ""


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


def date_in_words(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%a %-d %b %Y} ({timezone.get_current_timezone_name()})"


def announce_fix(obligation: FixObligation, item: ActionItem, now: datetime) -> None:
    """Tell the responders a fix is committed (once per item), naming the change, not the person."""
    if not record_reminder(f"obligation:{obligation.pk}:committed-{item.pk}", now, obligation=obligation):
        return
    incident = obligation.incident
    title = f"The systemic fix for “{incident.title}” is committed: “{item.title}”"
    due = f" It is due to land by {item.due_on:%a %-d %b %Y}." if item.due_on else ""
    body = (
        f"A {item.get_kind_display().lower()} change is linked to the incident and has an owner.{due} "
        "It has not landed yet: we remind until the change is merged or shipped."
    )
    people = responders_and_facilitator(incident)
    notify_many(people, NotificationKind.FIX_MET, title, body, _incident_url(incident), incident, email=False, now=now)


def announce_landed(obligation: FixObligation, item: ActionItem, now: datetime) -> None:
    """Tell the owner and the responders the committed fix landed (once per item), and how we know."""
    if not record_reminder(f"obligation:{obligation.pk}:landed-{item.pk}", now, obligation=obligation):
        return
    incident = obligation.incident
    title = f"The systemic fix for “{incident.title}” landed: “{item.title}”"
    how = item.get_landed_via_display() if item.landed_via else "Marked done"
    body = (
        f"Landed {date_in_words(item.landed_at)}: {how}"
        f"{f' ({item.landing_evidence_url})' if item.landing_evidence_url else ''}. Reminders for it stop. "
        "If the same weakness comes back in a later incident, we will ask whether this fix held."
    )
    people = fix_followers(obligation)
    notify_many(people, NotificationKind.FIX_LANDED, title, body, _incident_url(incident), incident, now=now)


def fix_followers(obligation: FixObligation) -> list[User]:
    """A committed fix's owner and the incident's responders (and facilitator)."""
    people = {person.pk: person for person in responders_and_facilitator(obligation.incident)}
    owner = obligation.met_by.owner if obligation.met_by_id else None
    if owner is not None and owner.is_active:
        people.setdefault(owner.pk, owner)
    return sorted(people.values(), key=lambda person: person.pk)


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
        url = _incident_url(incident)
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


# --- action items past their due date ------------------------------------------------------------------


def process_overdue_items(now: datetime, report: SweepReport, context: SweepContext) -> None:
    """Remind each owner of an action item past its due date, at most once a day."""
    batch_size = settings.ACTIONS_SWEEP_BATCH_SIZE
    today = timezone.localdate(now)
    tomorrow = start_of_day_after(today)
    while True:
        with transaction.atomic():
            batch = list(
                ActionItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status__in=OPEN_STATUSES, next_reminder_at__lte=now)
                .select_related("owner", "incident")
                .order_by("next_reminder_at", "pk")[:batch_size]
            )
            # A committed systemic fix past its due date gets the landing escalation instead (owner included).
            followed = (
                set(
                    FixObligation.objects.filter(
                        met_by_id__in=[item.pk for item in batch], state=ObligationState.MET, landed_at=None
                    ).values_list("met_by_id", flat=True)
                )
                if batch
                else set()
            )
            for item in batch:
                # An item of a deleted incident waits, unreminded, in case an admin restores the incident.
                incident_deleted = item.incident_id is not None and item.incident.deleted_at is not None
                if item.owner_id and item.owner.is_active and not incident_deleted and item.pk not in followed:
                    key = f"item:{item.pk}:overdue:{today.isoformat()}"
                    if record_reminder(key, now, action_item=item, recipient_id=item.owner_id):
                        title, body = overdue_message(item, today)
                        notify_many(
                            [item.owner],
                            NotificationKind.ACTION_OVERDUE,
                            title,
                            body,
                            item.get_absolute_url(),
                            item.incident,
                            now=now,
                            opt_outs=context.opt_outs,
                        )
                        report.overdue_reminders += 1
            # A queryset update leaves the model's own cursor logic alone.
            ActionItem.objects.filter(pk__in=[item.pk for item in batch]).update(next_reminder_at=tomorrow)
        if len(batch) < batch_size:
            return


def may_see(person: User, incident: Incident) -> bool:
    return incident.is_visible_to(person)


def overdue_message(item: ActionItem, today: date) -> tuple[str, str]:
    named = item.incident_id and may_see(item.owner, item.incident)
    source = f" (from “{item.incident.title}”)" if named else ""
    days = (today - item.due_on).days if item.due_on else 0
    title = f"“{item.title}”{source} is past its due date"
    body = (
        f"It was due on {item.due_on:%a %-d %b %Y}"
        f"{f', {days} days ago' if days > 1 else ''}. If the plan changed, move the due date, "
        "or close it as won't do with a reason everyone can read."
    )
    return title, body


# --- the weekly digest for managers ---------------------------------------------------------------------


def digest_moment(now: datetime) -> datetime:
    """This week's digest time (``ACTIONS_DIGEST_WEEKDAY`` at ``ACTIONS_DIGEST_HOUR``, site time zone)."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    day = monday + timedelta(days=settings.ACTIONS_DIGEST_WEEKDAY)
    return datetime.combine(day, datetime.min.time(), tzinfo=local.tzinfo) + timedelta(
        hours=settings.ACTIONS_DIGEST_HOUR
    )


def send_weekly_digests(now: datetime, report: SweepReport) -> None:
    """Once a week, each manager gets their teams' open, due-soon and overdue items (no per-person counts)."""
    moment = digest_moment(now)
    if now < moment:
        return
    year, week, _ = timezone.localdate(now).isocalendar()
    managers = list(
        User.objects.filter(is_active=True, memberships__role=Role.MANAGER).distinct().order_by("pk").only("pk")
    )
    keys = {manager.pk: f"digest:{manager.pk}:{year}-W{week:02d}" for manager in managers}
    done = set(SentReminder.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    for manager in managers:
        if keys[manager.pk] in done:
            continue
        with transaction.atomic():
            if not record_reminder(keys[manager.pk], now, recipient_id=manager.pk):
                continue
            manager = User.objects.get(pk=manager.pk)
            title, body = digest_message(manager, now)
            if body:
                notify_many([manager], NotificationKind.DIGEST, title, body, reverse("action_list"), now=now)
                report.digests += 1


def digest_message(manager: User, now: datetime) -> tuple[str, str]:
    team_ids = [tid for tid, role in manager.memberships_by_team.items() if role == Role.MANAGER]
    items = list(
        ActionItem.objects.visible_to(manager)
        .filter(team_id__in=team_ids, status__in=OPEN_STATUSES)
        .select_related("team", "incident")
        .order_by("due_on", "pk")
    )
    if not items:
        return "", ""
    today = timezone.localdate(now)
    soon = today + timedelta(days=7)
    overdue = [item for item in items if item.due_on and item.due_on < today]
    due_soon = [item for item in items if item.due_on and today <= item.due_on <= soon]
    teams = sorted({item.team.name for item in items})
    title = f"This week's action items for {', '.join(teams)}: {len(items)} open, {len(due_soon)} due soon, {len(overdue)} overdue"
    lines = []
    for label, group in (("Overdue", overdue), ("Due in the next 7 days", due_soon)):
        if group:
            lines.append(f"{label}:")
            lines += [f"- {item.title} ({item.team.name}, due {item.due_on:%-d %b})" for item in group[:20]]
            if len(group) > 20:
                lines.append(f"- and {len(group) - 20} more")
    lines.append(f"Open in total: {len(items)}.")
    return title, "\n".join(lines)


# --- the whole sweep ------------------------------------------------------------------------------------------


def run_sweep(now: datetime | None = None) -> SweepReport:
    """Everything due at ``now``: obligation reminders and escalations, overdue items, digests, then the outbox."""
    now = now or timezone.now()
    report = SweepReport()
    context = SweepContext.load()
    process_due_obligations(now, report, context)
    process_overdue_items(now, report, context)
    send_weekly_digests(now, report)
    report.deliveries_sent = deliver_due(now)
    return report


def check_obligation(pk: int, now: datetime | None = None) -> int:
    """Process one obligation right away (after a save), exactly as the sweep would."""
    now = now or timezone.now()
    with transaction.atomic():
        obligation = (
            FixObligation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .filter(Q(state__in=[ObligationState.PENDING, ObligationState.BREACHED, ObligationState.MET]))
            .select_related("incident__team", "incident__facilitator", "met_by__owner")
            .first()
        )
        if obligation is None or obligation.next_check_at is None or obligation.next_check_at > now:
            return 0
        return process_obligation(obligation, now)
