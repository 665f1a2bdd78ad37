"""Delivering notifications: the in-app inbox, email and team chat web hooks.

A notification is a row in the recipient's inbox, written in the same transaction
as the decision to send it. Email and chat messages become ``Delivery`` rows (an
outbox) in that transaction too; they leave after commit, claimed by a conditional
update so that two workers never send the same row, and pushed back with a growing
delay when sending fails, until ``ACTIONS_DELIVERY_MAX_ATTEMPTS``.
"""

import json
import logging
import urllib.request
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Team, User
from actions.models import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    Notification,
    NotificationPreference,
    SentReminder,
    TeamChatHook,
)
from fragments.versions import bump

log = logging.getLogger(__name__)

# The task enqueued after commit delivers at once; the sweep picks a row up only after this grace,
# so a message lost on the way to the broker is made up without racing the task.
SWEEP_GRACE = timedelta(minutes=2)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def notify(recipient, *message, **options) -> Notification | None:
    """``notify_many`` for one person: their notification, or None when they may not hear of the incident
    (a restricted one they are not on)."""
    notes = notify_many([recipient], *message, **options)
    return notes[0] if notes else None


def email_opt_outs(user_ids: Iterable[int] | None = None) -> set[int]:
    """People who turned reminder email off (the default is on)."""
    preferences = NotificationPreference.objects.filter(email_reminders=False)
    if user_ids is not None:
        preferences = preferences.filter(user_id__in=list(user_ids))
    return set(preferences.values_list("user_id", flat=True))


def notify_many(
    people,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    incident=None,
    email: bool = True,
    now: datetime | None = None,
    opt_outs: set[int] | None = None,
) -> list[Notification]:
    """The same message to several people's inboxes, and by email to those who want it, in two inserts."""
    now = now or timezone.now()
    people = list(people)
    if incident is not None and incident.restricted and people:
        # A restricted incident exists only for those who may see it: nobody else hears of it, by any channel.
        allowed = set(
            incident.audience(User.objects.filter(pk__in=[p.pk for p in people])).values_list("pk", flat=True)
        )
        people = [person for person in people if person.pk in allowed]
    if not people:
        return []
    notes = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person, kind=kind, title=title, body=body, url=url, incident=incident, created_at=now
            )
            for person in people
        ]
    )
    bump(*(f"inbox:{person.pk}" for person in people))  # the unread count in their pages' header
    if email:
        if opt_outs is None:
            opt_outs = email_opt_outs(person.pk for person in people)
        text = "\n\n".join(part for part in (title, body, f"Open it here: {absolute_url(url)}" if url else "") if part)
        queue_deliveries(
            [
                Delivery(
                    channel=DeliveryChannel.EMAIL,
                    notification=note,
                    recipient=person,
                    address=person.email,
                    subject=title,
                    body=text,
                )
                for person, note in zip(people, notes, strict=True)
                if person.email and person.pk not in opt_outs
            ],
            now,
        )
    return notes


def notify_team_chats(
    teams: Iterable[Team],
    text: str,
    url: str = "",
    now: datetime | None = None,
    hooks: dict[int, str] | None = None,
    incident=None,
) -> int:
    """Queue a Slack-compatible message to each team's enabled chat hook; returns how many.

    Never about a restricted incident: a team channel reaches people who may not see it.
    """
    if incident is not None and incident.restricted:
        return 0
    now = now or timezone.now()
    hooks = enabled_chat_hooks() if hooks is None else hooks
    message = f"{text} <{absolute_url(url)}|Open>" if url else text
    rows = [
        Delivery(channel=DeliveryChannel.CHAT, team_id=team_id, address=hooks[team_id], body=message)
        for team_id in sorted({team.pk for team in teams})
        if team_id in hooks
    ]
    queue_deliveries(rows, now)
    return len(rows)


def enabled_chat_hooks() -> dict[int, str]:
    return dict(TeamChatHook.objects.filter(enabled=True).values_list("team_id", "url"))


def queue_deliveries(rows: list[Delivery], now: datetime) -> list[Delivery]:
    if not rows:
        return []
    for row in rows:
        row.created_at, row.next_attempt_at = now, now + SWEEP_GRACE
    created = Delivery.objects.bulk_create(rows)
    enqueue_after_commit("actions.tasks.deliver", [delivery.pk for delivery in created])
    return created


def enqueue_after_commit(task_name: str, *args) -> None:
    """Send a task to the broker once the transaction commits; a broker that is down only logs.

    Nothing depends on the message arriving: the sweep finds the same work in the database.
    """

    def send():
        try:
            current_app.send_task(task_name, args=args, retry=False)
        except Exception:
            log.warning("Could not enqueue %s%r; the next sweep will pick it up.", task_name, args, exc_info=True)

    transaction.on_commit(send, robust=True)


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


def backoff(attempts: int) -> timedelta:
    """How long a claimed row is left alone: long enough to finish, doubling after each failure."""
    return min(timedelta(minutes=5) * (2 ** max(attempts - 1, 0)), timedelta(hours=6))


def claim_delivery(pk: int, now: datetime, immediate: bool = False) -> Delivery | None:
    """Claim one pending delivery with a conditional update; None when someone else has it or it is not due.

    ``immediate`` is the task enqueued at creation: it may send a never-tried row before its grace is over.
    """
    due = Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING)
    due = due.filter(attempts=0) if immediate else due.filter(next_attempt_at__lte=now)
    row = due.values_list("attempts", flat=True).first()
    if row is None:
        return None
    if row >= settings.ACTIONS_DELIVERY_MAX_ATTEMPTS:
        # Every earlier attempt ended without a verdict (the worker died while sending): stop here.
        due.filter(attempts=row).update(state=DeliveryState.FAILED, last_error=f"Gave up after {row} attempts.")
        log.error("Delivery %s gave up after %s attempts that never finished.", pk, row)
        return None
    claimed = due.filter(attempts=row).update(attempts=F("attempts") + 1, next_attempt_at=now + backoff(row + 1))
    if not claimed:
        return None
    return Delivery.objects.get(pk=pk)


def send_delivery(delivery: Delivery) -> None:
    if delivery.channel == DeliveryChannel.EMAIL:
        send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address])
    elif delivery.channel == DeliveryChannel.CHAT:
        post_to_chat(delivery.address, delivery.body)
    else:  # pragma: no cover - the choices allow nothing else
        raise ValueError(f"Unknown channel {delivery.channel!r}")


def post_to_chat(url: str, text: str) -> None:
    """POST Slack-compatible JSON (``{"text": ...}``); anything but a 2xx answer is a failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "postmortems-reminders"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.ACTIONS_CHAT_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise OSError(f"Chat hook answered {response.status}")


def deliver_one(pk: int, now: datetime | None = None, immediate: bool = False) -> bool:
    """Send one delivery if this caller wins the claim. True when it was sent now."""
    now = now or timezone.now()
    delivery = claim_delivery(pk, now, immediate=immediate)
    if delivery is None:
        return False
    try:
        send_delivery(delivery)
    except Exception as exc:
        gave_up = delivery.attempts >= settings.ACTIONS_DELIVERY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning(
            "%s delivery %s failed (attempt %s)%s: %s",
            delivery.get_channel_display(),
            pk,
            delivery.attempts,
            "; giving up" if gave_up else "",
            exc,
        )
        return False
    Delivery.objects.filter(pk=pk).update(state=DeliveryState.SENT, sent_at=timezone.now(), last_error="")
    return True


def deliver_due(now: datetime | None = None, limit: int = 500) -> int:
    """Send deliveries whose time has come: lost tasks, and retries after a failure."""
    now = now or timezone.now()
    pks = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pks if deliver_one(pk, now))
