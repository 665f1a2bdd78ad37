"""What the beat process sends, and when."""

from datetime import timedelta

from celery.schedules import crontab

from config.env import env_int
from config.settings.product import ACTIONS_SWEEP_SECONDS

CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "health.tasks.record_worker_heartbeat", "schedule": timedelta(minutes=1)},
    # On the hour, so that anonymous near misses appear in batches (incidents.services).
    "incidents-release-near-misses": {"task": "incidents.tasks.release_near_misses", "schedule": crontab(minute=0)},
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=6),
    },
    "actions-sweep": {"task": "actions.tasks.sweep", "schedule": timedelta(seconds=ACTIONS_SWEEP_SECONDS)},
    "actions-reconcile-obligations": {
        "task": "actions.tasks.reconcile_obligations",
        "schedule": timedelta(minutes=env_int("ACTIONS_RECONCILE_MINUTES", 15)),
    },
    "alerts-forget-old-deliveries": {"task": "alerts.tasks.forget_old_deliveries", "schedule": timedelta(hours=24)},
}
