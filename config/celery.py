import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("postmortems")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def give_way_to_requests(**_):
    """The worker's work (the dashboard's figures recomputed after changes, mail, reminders) can wait a moment;
    a person's page cannot: on cores shared with the web server, the worker runs at a lower priority.
    ``WORKER_NICENESS`` (default 10; 0 leaves it as started)."""
    from django.conf import settings

    if settings.WORKER_NICENESS:
        os.nice(settings.WORKER_NICENESS)
