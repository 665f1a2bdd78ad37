"""A real Celery worker process, consuming from Redis: no eager mode."""

import os
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from health.tasks import WORKER_HEARTBEAT_KEY, record_worker_heartbeat


@pytest.mark.worker
def test_a_real_worker_runs_a_task_and_healthz_sees_it(celery_worker, client):
    assert cache.get(WORKER_HEARTBEAT_KEY) is None
    record_worker_heartbeat.delay()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cache.get(WORKER_HEARTBEAT_KEY) is None:
        time.sleep(0.2)

    assert cache.get(WORKER_HEARTBEAT_KEY) is not None, celery_worker.log_path.read_text()
    assert client.get(reverse("healthz")).json()["worker_last_seen"] == cache.get(WORKER_HEARTBEAT_KEY)
    assert "record_worker_heartbeat" in celery_worker.log_path.read_text()


def niceness(pid: int) -> int:
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[16])


@pytest.mark.worker
def test_the_worker_gives_way_to_the_web_server(celery_worker, settings):
    """Its work (the dashboard's figures after a change) runs at a lower priority than people's requests."""
    record_worker_heartbeat.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cache.get(WORKER_HEARTBEAT_KEY) is None:
        time.sleep(0.2)
    assert cache.get(WORKER_HEARTBEAT_KEY) is not None, celery_worker.log_path.read_text()
    assert niceness(celery_worker.process.pid) == niceness(os.getpid()) + settings.WORKER_NICENESS == 10
