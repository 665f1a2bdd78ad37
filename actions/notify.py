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

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Team
from actions.models import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    Notification,
    NotificationPreference,
    TeamChatHook,
)

log = logging.getLogger(__name__)

# The task enqueued after commit delivers at once; the sweep picks a row up only after this grace,
# so a message lost on the way to the broker is made up without racing the task.
SWEEP_GRACE = timedelta(minutes=2)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def notify(
    recipient,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    incident=None,
    email: bool = True,
    now: datetime | None = None,
) -> Notification:
    """Put a notification in the person's inbox and, if they want it, queue the same message by email."""
    now = now or timezone.now()
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, url=url, incident=incident, created_at=now
    )
    if email and NotificationPreference.wants_email(recipient):
        text = "\n\n".join(part for part in (title, body, f"Open it here: {absolute_url(url)}" if url else "") if part)
        queue_delivery(
            channel=DeliveryChannel.EMAIL,
            notification=notification,
            recipient=recipient,
            address=recipient.email,
            subject=title,
            body=text,
            now=now,
        )
    return notification


def notify_team_chats(teams: Iterable[Team], text: str, url: str = "", now: datetime | None = None) -> int:
    """Queue a Slack-compatible message to each team's enabled chat hook; returns how many."""
    now = now or timezone.now()
    team_ids = {team.pk for team in teams}
    hooks = TeamChatHook.objects.filter(team_id__in=team_ids, enabled=True)
    message = f"{text} <{absolute_url(url)}|Open>" if url else text
    count = 0
    for hook in hooks:
        queue_delivery(channel=DeliveryChannel.CHAT, team_id=hook.team_id, address=hook.url, body=message, now=now)
        count += 1
    return count


def queue_delivery(*, now: datetime, **fields) -> Delivery:
    delivery = Delivery.objects.create(created_at=now, next_attempt_at=now + SWEEP_GRACE, **fields)
    enqueue_after_commit("actions.tasks.deliver", delivery.pk)
    return delivery


def enqueue_after_commit(task_name: str, *args) -> None:
    """Send a task to the broker once the transaction commits; a broker that is down only logs.

    Nothing depends on the message arriving: the sweep finds the same work in the database.
    """

    def send():
        from config.celery import app

        try:
            app.send_task(task_name, args=args, retry=False)
        except Exception:
            log.warning("Could not enqueue %s%r; the next sweep will pick it up.", task_name, args, exc_info=True)

    transaction.on_commit(send, robust=True)


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
