import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from tests.processes import ROOT

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_without_signing_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    from tests.processes import free_port

    monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    """A separate process pointed at a port where no database listens."""
    from tests.processes import free_port

    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing", DATABASE_POOL="false")
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["database"] == "OperationalError"


def _run_settings(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret():
    result = _run_settings({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "pm.example.com"}, "check")
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run_settings({"DJANGO_ENV": "production", "SECRET_KEY": "k" * 50 + "-Zq8!xR"}, "check")
    assert result.returncode != 0
    assert "Production needs ALLOWED_HOSTS" in result.stderr


def test_malformed_setting_fails_loudly_with_its_name():
    result = _run_settings({"DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = _run_settings(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "a-long-random-production-secret-8f3b1c9e7d2a4f6b0c5e",
            "ALLOWED_HOSTS": "pm.example.com",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
