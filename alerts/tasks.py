from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from alerts.models import ReceivedAlert


@shared_task
def forget_old_deliveries() -> int:
    """Periodic: keys of deliveries older than any retry leave the database (retries come within hours)."""
    cutoff = timezone.now() - timedelta(days=settings.ALERT_KEEP_DELIVERIES_DAYS)
    deleted, _ = ReceivedAlert.objects.filter(received_at__lt=cutoff).delete()
    return deleted
