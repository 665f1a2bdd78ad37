from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

WORKER_HEARTBEAT_KEY = "worker:last-heartbeat"


@shared_task
def record_worker_heartbeat() -> str:
    """Leave a timestamp that /healthz reads to tell whether a worker is consuming tasks."""
    now = timezone.now().isoformat()
    cache.set(WORKER_HEARTBEAT_KEY, now, timeout=60 * 60 * 24)
    return now
