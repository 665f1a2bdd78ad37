"""Exactly once, with real processes: concurrent sweeps, a worker killed mid-sweep, Redis going away.

These run a real Celery worker on the test database, a real Redis (the shared one, or a
private redis-server the test stops and restarts) and a real SMTP server (aiosmtpd).
"""

import datetime as dt
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from actions.models import Delivery, DeliveryState, Notification, NotificationKind, SentReminder
from actions.notify import deliver_due
from actions.reminders import run_sweep
from config.celery import app as celery_app
from incidents.models import Incident
from tests.actions.conftest import broker_app, wait_until
from tests.actions.factories import TeamChatHookFactory, mitigated_incident
from tests.processes import ROOT, service_env

pytestmark = pytest.mark.worker


def due_incidents(count, team, responders, facilitator, hours_ago=25):
    """Incidents whose 24-hour reminder is due now (mitigated ``hours_ago`` hours ago, recorded before that)."""
    now = timezone.now()
    incidents = []
    for n in range(count):
        incident = mitigated_incident(
            team,
            responders=responders,
            facilitator=facilitator,
            mitigated_at=now - dt.timedelta(hours=hours_ago),
            title=f"Checkout errors {n}",
        )
        incidents.append(incident)
    return incidents


def assert_each_reminder_once(expected_obligations: int, recipients_each: int):
    keys = list(SentReminder.objects.filter(key__startswith="obligation:").values_list("key", flat=True))
    assert len(keys) == expected_obligations, f"{len(keys)} reminders for {expected_obligations} obligations"
    per_person = Counter(
        Notification.objects.filter(kind=NotificationKind.FIX_DUE_SOON).values_list("recipient_id", "incident_id")
    )
    assert len(per_person) == expected_obligations * recipients_each, "none missed"
    assert set(per_person.values()) == {1}, "none duplicated"


def test_two_sweeps_at_the_same_time_send_each_reminder_once(
    transactional_db, payments, engineer, teammate, facilitator, settings
):
    settings.ACTIONS_SWEEP_BATCH_SIZE = 4
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due_incidents(30, payments, [engineer, teammate], facilitator)
    start = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            start.wait()
            run_sweep()
            start.wait()
            deliver_due(timezone.now() + dt.timedelta(minutes=3))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert_each_reminder_once(30, 3)
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == 90 and set(sent.values()) == {1}
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()


def test_end_to_end_real_worker_redis_and_smtp(
    start_worker, smtp_server, chat_server, payments, engineer, teammate, facilitator
):
    celery_app.control.purge()
    TeamChatHookFactory(team=payments, url=chat_server.url)
    [incident] = due_incidents(1, payments, [engineer, teammate], facilitator)
    start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
    )

    celery_app.send_task("actions.tasks.sweep")  # what beat does every minute
    wait_until(
        lambda: len(smtp_server.messages) >= 3 and chat_server.requests, message="three emails and a chat message"
    )
    recipients = sorted(message["To"] for message in smtp_server.messages)
    assert recipients == ["jonas@example.com", "priya@example.com", "sam@example.com"]
    subject = str(smtp_server.messages[0]["Subject"]).strip()
    assert subject == f"The systemic fix for “{incident.title}” is due in 23 hours"
    assert f"/incidents/{incident.pk}/" in smtp_server.messages[0].get_content()
    assert chat_server.requests[0]["json"]["text"].startswith(subject)

    for _ in range(2):
        celery_app.send_task("actions.tasks.sweep")
    wait_until(lambda: Delivery.objects.filter(state=DeliveryState.SENT).count() == 4, message="deliveries marked sent")
    assert len(smtp_server.messages) == 3 and len(chat_server.requests) == 1
    assert_each_reminder_once(1, 3)


def test_a_worker_killed_mid_sweep_leaves_nothing_half_done(
    start_worker, smtp_server, payments, engineer, teammate, facilitator
):
    celery_app.control.purge()
    total = 30
    due_incidents(total, payments, [engineer, teammate], facilitator)
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "ACTIONS_SWEEP_BATCH_SIZE": "5",
    }
    first = start_worker(**env)
    celery_app.send_task("actions.tasks.sweep")
    wait_until(lambda: SentReminder.objects.count() >= 10, message="the sweep to be under way")
    first.kill()
    done_when_killed = SentReminder.objects.count()
    assert done_when_killed < total, "the sweep finished before it could be killed; raise `total`"
    # Whatever was committed is whole: every recorded reminder has all three inbox notifications.
    assert Notification.objects.filter(kind=NotificationKind.FIX_DUE_SOON).count() == 3 * done_when_killed

    # Re-run with two workers sweeping at the same time.
    start_worker(count=2, **env)
    celery_app.send_task("actions.tasks.sweep")
    celery_app.send_task("actions.tasks.sweep")
    wait_until(lambda: SentReminder.objects.count() == total, timeout=90, message="all reminders")
    assert_each_reminder_once(total, 3)
    # A delivery whose send message went down with the killed worker is the sweep's once its grace is
    # over (SWEEP_GRACE, two minutes): end the grace now and sweep again, alongside any sends in flight.
    Delivery.objects.filter(state=DeliveryState.PENDING, attempts=0).update(next_attempt_at=timezone.now())
    celery_app.send_task("actions.tasks.sweep")
    wait_until(
        lambda: len(smtp_server.messages) >= 3 * total,
        timeout=90,
        message=lambda: f"all emails; deliveries: {Counter(Delivery.objects.values_list('state', 'attempts'))}",
    )
    sent = Counter((message["To"], str(message["Subject"]).strip()) for message in smtp_server.messages)
    assert len(sent) == 3 * total and set(sent.values()) == {1}


SAVE_SCRIPT = """
import django, sys
django.setup()
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username="priya"))
response = client.post("/incidents/%d/obligation/", {"title": "Document the failover steps", "kind": "documentation"})
print(response.status_code, response.get("Location", ""))
"""


def test_redis_down_during_a_save_and_restarted(
    start_worker, private_redis, smtp_server, payments, engineer, teammate, facilitator
):
    [incident] = due_incidents(1, payments, [engineer, teammate], facilitator)
    env = {
        "REDIS_URL": private_redis.url,
        "CELERY_BROKER_URL": private_redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
    }
    start_worker(**env)
    private_redis.stop()

    # A responder saves an action item while Redis is unreachable: the save succeeds.
    saved = subprocess.run(
        [sys.executable, "-c", SAVE_SCRIPT % incident.pk],
        cwd=ROOT,
        env=service_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.split() == ["302", f"/incidents/{incident.pk}/"], saved.stdout + saved.stderr
    assert Incident.objects.get(pk=incident.pk).action_items.get().title == "Document the failover steps"
    assert "Could not enqueue actions.tasks.check_obligation" in saved.stderr
    assert not SentReminder.objects.exists()

    # Redis comes back (empty: the message never made it); the next beat tick makes it up.
    private_redis.start()
    beat = broker_app(private_redis.url)
    wait_until(lambda: _try_send(beat), timeout=30, message="the private Redis to accept the sweep")
    wait_until(lambda: len(smtp_server.messages) >= 3, timeout=60, message="the reminder emails")
    _try_send(beat)
    _try_send(beat)
    wait_until(lambda: Delivery.objects.filter(state=DeliveryState.SENT).count() == 3, message="deliveries marked sent")
    assert len(smtp_server.messages) == 3
    assert_each_reminder_once(1, 3)


def _try_send(app) -> bool:
    try:
        app.send_task("actions.tasks.sweep", retry=False)
    except Exception:
        return False
    return True
