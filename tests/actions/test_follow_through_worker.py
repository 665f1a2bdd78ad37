"""End to end with a real Celery worker, Redis and SMTP server (aiosmtpd):

committed → landing reminders by email → a signed GitHub web hook lands it → the reminders stop →
a later incident with the same weakness flags the fix "may not have held".
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from actions.models import FixObligation, RecurrenceFlag, SentReminder, Stage
from config.celery import app as celery_app
from tests.actions.conftest import wait_until
from tests.actions.factories import (
    ActionItemFactory,
    github_delivery,
    merged_pull_request,
    mitigated_incident,
    obligation_of,
)
from tests.incidents.factories import ServiceFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory, category

pytestmark = pytest.mark.worker

PR = "https://github.com/acme/payments/pull/512"


def subjects(smtp_server) -> list[str]:
    return [str(message["Subject"]).strip() for message in smtp_server.messages]


def test_committed_reminded_landed_by_web_hook_then_flagged_by_a_recurrence(
    start_worker, smtp_server, client, settings, payments, engineer, teammate, facilitator
):
    settings.FORGE_WEBHOOK_SECRETS = {("github", "acme"): "e2e-secret"}
    celery_app.control.purge()
    now = timezone.now()
    mitigated = now - dt.timedelta(hours=96)
    checkout = ServiceFactory(name="checkout-api")
    with time_machine.travel(mitigated, tick=False):
        incident = mitigated_incident(
            payments, responders=[engineer, teammate], facilitator=facilitator, mitigated_at=mitigated
        )
        review = ReviewFactory(incident=incident, facilitator=facilitator)
        factor = ContributingFactorFactory(review=review, category=category(), service=checkout)
    # Committed 91 hours ago: the 72-hour landing reminder is due now.
    with time_machine.travel(mitigated + dt.timedelta(hours=5), tick=False):
        fix = ActionItemFactory(incident=incident, owner=teammate, kind="guardrail", change_url=PR)
        fix.addresses.add(factor)
    assert obligation_of(incident).next_check_at <= now

    worker = start_worker(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_server.host,
        EMAIL_PORT=str(smtp_server.port),
    )
    celery_app.send_task("actions.tasks.sweep")  # what beat does every minute
    wait_until(lambda: len(smtp_server.messages) >= 3, message="the landing reminder to three people")
    reminder = f"The systemic fix for “{incident.title}” is committed, not landed yet"
    assert all(subject.startswith(reminder) for subject in subjects(smtp_server))
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "jonas@example.com",
        "priya@example.com",
        "sam@example.com",
    ]

    # GitHub delivers the merged pull request, signed with the organisation's secret.
    merged_at = timezone.now() - dt.timedelta(minutes=3)
    body, headers = github_delivery("e2e-secret", merged_pull_request(PR, merged_at))
    response = client.post("/hooks/github/acme/", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["detail"] == "Marked 1 action item landed."
    landed = f"The systemic fix for “{incident.title}” landed: “{fix.title}”"
    wait_until(lambda: subjects(smtp_server).count(landed) == 3, message="the landed message to three people")
    obligation = FixObligation.objects.get(pk=obligation_of(incident).pk)
    assert (obligation.stage(), obligation.next_check_at) == (Stage.LANDED, None)

    # Reminders stop: even with the obligation's next moment forced due, sweeps send nothing more.
    FixObligation.objects.filter(pk=obligation.pk).update(next_check_at=timezone.now())
    landing_keys = SentReminder.objects.filter(key__contains=":landing-").count()
    for _ in range(2):
        celery_app.send_task("actions.tasks.sweep")
    wait_until(
        lambda: worker.log_path.read_bytes().count(b"succeeded") >= 5,
        message=lambda: f"three sweeps and the deliveries to finish:\n{worker.log_path.read_text()[-2000:]}",
    )
    assert SentReminder.objects.filter(key__contains=":landing-").count() == landing_keys
    assert len(smtp_server.messages) == 6

    # A later incident's review names the same weakness: the fix may not have held, and its team hears it.
    later = mitigated_incident(payments, mitigated_at=timezone.now() - dt.timedelta(hours=1), title="Checkout 502s")
    ContributingFactorFactory(review=ReviewFactory(incident=later), category=category(), service=checkout)
    flag = RecurrenceFlag.objects.get()
    assert flag.fix == fix
    question = f"The fix “{fix.title}” may not have held"
    wait_until(lambda: subjects(smtp_server).count(question) >= 3, message="the recurrence flag by email")
    assert FixObligation.objects.get(pk=obligation.pk).stage() == Stage.MAY_NOT_HAVE_HELD
