"""Reminders about action items: owners of items past their due date, and the weekly digest for managers."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
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
from actions.notify import (
    notify_many,
    record_reminder,
)
from actions.reminders.context import SweepContext, SweepReport, may_see

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
