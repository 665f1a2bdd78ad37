"""With Redis unreachable, every page and every save still works; the cache comes back on its own."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership
from config.cache import FailSoftRedisCache
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def make_cache(url: str, **options) -> FailSoftRedisCache:
    return FailSoftRedisCache(url, {"KEY_PREFIX": "fault-test", "OPTIONS": options})


def test_cache_turns_an_outage_into_misses_and_recovers(private_redis, caplog):
    backend = make_cache(private_redis.url, retry_after=1)
    assert backend.add("counter", 0) is True
    assert backend.incr("counter") == 1
    backend.set("answer", 42)
    assert backend.get("answer") == 42

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert backend.get("answer") is None
        assert backend.get("answer", "fallback") == "fallback"
        assert backend.set("answer", 43) is None
        assert backend.add("other", 1) is False
        assert backend.get_many(["answer", "other"]) == {}
        assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert backend.delete("answer") is False
        assert backend.has_key("answer") is False
        assert backend.get_or_set("computed", lambda: "rebuilt") == "rebuilt"
        with pytest.raises(ValueError):
            backend.incr("counter")
    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1, "one warning per outage, not one per call"
    assert "Cache unreachable" in warnings[0].getMessage()

    private_redis.start()
    assert backend.is_paused
    # Until the pause is over the backend does not even try, so a page pays no connect timeouts.
    assert backend.get("answer") is None
    time.sleep(1.1)
    assert not backend.is_paused
    backend.set("answer", 44)
    assert backend.get("answer") == 44


def test_pause_skips_redis_without_waiting_for_timeouts(private_redis):
    backend = make_cache(private_redis.url, retry_after=30)
    private_redis.stop()
    backend.get("warm-up-failure")
    started = time.monotonic()
    for n in range(200):
        backend.get(f"key-{n}")
    assert time.monotonic() - started < 0.5


@pytest.fixture
def redis_is_down(settings, private_redis, monkeypatch):
    """Point the cache and the broker at a Redis that has just stopped (settings restore themselves)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"retry_after": 0},
        }
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", private_redis.url)
    private_redis.stop()


def test_pages_and_saves_work_while_redis_is_down(client, redis_is_down, org_admin, engineer, outsider, password):
    with pytest.raises(ValueError):
        cache.incr("proof-that-the-cache-is-down")

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
