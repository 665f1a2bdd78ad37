"""Celery tasks: thin shells around the plain functions the tests call directly. They take primary keys."""

from celery import shared_task

from actions import notify, reminders


@shared_task(name="actions.tasks.sweep")
def sweep() -> dict:
    report = reminders.run_sweep()
    return {"reminders": report.reminders, "deliveries": report.deliveries_sent, "failures": len(report.failures)}


@shared_task(name="actions.tasks.check_obligation")
def check_obligation(pk: int) -> int:
    return reminders.check_obligation(pk)


@shared_task(name="actions.tasks.deliver")
def deliver(pks: list[int] | int) -> int:
    """Send the deliveries queued together by one commit; returns how many this worker sent."""
    pks = [pks] if isinstance(pks, int) else pks
    return sum(1 for pk in pks if notify.deliver_one(pk, immediate=True))


@shared_task(name="actions.tasks.reconcile_obligations")
def reconcile_obligations() -> int:
    return reminders.reconcile_obligations()
