"""With Redis unreachable, every page and every save still works; the cache comes back on its own."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_redis.cache import RedisCache

from accounts.models import Membership
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

# The cache of settings.CACHES: django-redis, told to ignore connection errors.
OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}


def make_cache(url: str) -> RedisCache:
    return RedisCache(url, {"KEY_PREFIX": "fault-test", "OPTIONS": OPTIONS})


def test_cache_turns_an_outage_into_misses_and_recovers(private_redis, caplog):
    backend = make_cache(private_redis.url)
    assert backend.add("counter", 0) is True
    assert backend.incr("counter") == 1
    backend.set("answer", 42)
    assert backend.get("answer") == 42

    private_redis.stop()
    with caplog.at_level(logging.WARNING):
        assert backend.get("answer") is None
        assert backend.get("answer", "fallback") == "fallback"
        assert not backend.set("answer", 43)
        assert not backend.add("other", 1)
        assert backend.get_many(["answer", "other"]) == {}
        assert not backend.set_many({"a": 1, "b": 2})
        assert not backend.delete("answer")
        assert not backend.has_key("answer")
        assert backend.get_or_set("computed", lambda: "rebuilt") == "rebuilt"
        assert backend.incr("counter") is None
    assert any("Exception ignored" in record.getMessage() for record in caplog.records), "the outage is logged"

    private_redis.start()
    backend.set("answer", 44)
    assert backend.get("answer") == 44


def test_an_outage_costs_no_waiting_when_the_server_refuses(private_redis):
    backend = make_cache(private_redis.url)
    private_redis.stop()
    started = time.monotonic()
    for n in range(200):
        backend.get(f"key-{n}")
    # Each call is one refused connection, not a wait for the connect timeout (200 × 0.5 s).
    assert time.monotonic() - started < 10


@pytest.fixture
def redis_is_down(settings, private_redis, monkeypatch):
    """Point the cache and the broker at a Redis that has just stopped (settings restore themselves)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": OPTIONS,
        }
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", private_redis.url)
    private_redis.stop()


def test_pages_and_saves_work_while_redis_is_down(client, redis_is_down, org_admin, engineer, outsider, password):
    # With Redis up, a missing key raises ValueError; unreachable, the error is ignored.
    assert cache.incr("proof-that-the-cache-is-down") is None

    response = client.post(reverse("login"), {"username": "alex", "password": password})
    assert response.status_code == 302, "signing in must not depend on the cache"

    for url in ["/", reverse("team_list"), reverse("team_detail", args=["payments"]), reverse("profile")]:
        assert client.get(url).status_code == 200, url

    response = client.post(
        reverse("profile"), {"display_name": "Alex M.", "email": "alex@example.com", "time_zone": "Europe/Oslo"}
    )
    assert response.status_code == 302
    org_admin.refresh_from_db()
    assert org_admin.time_zone == "Europe/Oslo"

    response = client.post(reverse("team_member_add", args=["payments"]), {"user": outsider.pk, "role": "engineer"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=outsider, team__slug="payments").exists()

    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["database"] == "ok"
    assert health.json()["broker"] != "ok"

    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def pages_without_arguments() -> list[str]:
    """Every URL of the product that takes no argument (list pages, forms, dashboards), as it grows."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith("admin/"):
                    walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted(set(found) - {"/logout/"})


def test_every_page_without_arguments_works_while_redis_is_down(client, redis_is_down, org_admin, engineer):
    pages = pages_without_arguments()
    assert {"/", "/teams/", "/me/", "/login/", "/healthz"} <= set(pages)
    client.force_login(org_admin)
    failures = {}
    for page in pages:
        response = client.get(page)
        if response.status_code >= 500 and page != "/healthz":
            failures[page] = response.status_code
    assert failures == {}
