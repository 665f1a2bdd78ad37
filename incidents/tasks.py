from celery import shared_task

from incidents.services import release_anonymous_near_misses


@shared_task(ignore_result=True)
def release_near_misses() -> None:
    """Hourly, on the hour: anonymous near misses filed since the last release appear together."""
    release_anonymous_near_misses()
