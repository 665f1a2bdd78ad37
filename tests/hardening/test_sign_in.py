"""Sign-in: throttled guessing, a fresh session id, a log-out that really ends the session, timeouts."""

import logging

import pytest
import time_machine
from axes.helpers import get_cache
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import throttling

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def attempt(client, username, password="wrong password", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 3
    settings.LOGIN_THROTTLE_ADDRESS_LIMIT = 6
    settings.LOGIN_THROTTLE_WINDOW = 600
    settings.LOGIN_THROTTLE_PAUSE = 900
    return settings


@pytest.fixture
def sign_in_log():
    """The lines ``accounts.login`` writes during the test, taken at the logger itself, so that what other
    tests in this process did to the tree of loggers and its handlers does not decide what is seen."""
    lines = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("accounts.login")
    level, disabled = logger.level, logger.disabled
    logger.setLevel(logging.WARNING)
    logger.disabled = False
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)
    logger.disabled = disabled


def test_failures_for_one_account_pause_its_sign_in_then_it_resumes(client, engineer, password, limits, sign_in_log):
    with time_machine.travel("2026-11-21 10:00:00Z", tick=False):
        first = attempt(client, "priya")
        assert first.status_code == 200
        assert "Please enter a correct username and password" in first.text
        assert "2 more unsuccessful attempts will pause sign-in for this username for 15 minutes." in first.text

        assert "1 more unsuccessful attempt will pause" in attempt(client, "priya").text
        third = attempt(client, "priya")
        assert third.status_code == 429
        assert "Sign-in for this username is paused" in third.text

        # Now even the right password is refused, with when to come back, and nothing else is said.
        refused = attempt(client, "priya", password)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "900"
        assert "Please try again in 15 minutes (after 10:15 UTC)" in refused.text
        assert "_auth_user_id" not in client.session

    failures = list(sign_in_log)
    assert failures[0] == "Failed sign-in for username 'priya' from 127.0.0.1"
    assert len([m for m in failures if m.startswith("Failed sign-in")]) == 3
    assert any(m.startswith("Refused sign-in for username 'priya' from 127.0.0.1") for m in failures)

    # Another account from the same place is not affected (the address limit is higher).
    assert attempt(Client(), "jonas").status_code == 200

    # The counters live in Redis for the pause (axes lets the cache expire them), so the pause ends
    # when they do; expire them now instead of waiting 15 minutes.
    counters = throttling._counter_keys(RequestFactory().post(LOGIN), {"username": "priya"})
    assert 895 <= get_cache().ttl(counters["account"]) <= 900
    get_cache().delete_many(list(counters.values()))
    response = attempt(client, "priya", password)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_unknown_usernames_are_paused_the_same_way(client, db, limits):
    for _ in range(3):
        response = attempt(client, "nobody-by-this-name")
    assert response.status_code == 429
    assert "Sign-in for this username is paused" in response.text


def test_username_case_and_spaces_do_not_dodge_the_count(client, engineer, limits):
    for username in ["priya", "PRIYA", " Priya "]:
        response = attempt(client, username)
    assert response.status_code == 429


def test_one_address_guessing_many_accounts_is_paused(client, db, limits, engineer, password):
    for n in range(6):
        response = attempt(client, f"guess-{n}")
    assert response.status_code == 429
    assert "Sign-in from your network address is paused" in response.text
    assert attempt(client, "priya", password).status_code == 429
    # Someone elsewhere signs in as usual.
    assert attempt(Client(REMOTE_ADDR="198.51.100.7"), "priya", password).status_code == 302


def test_addresses_behind_a_trusted_proxy_are_told_apart(db, limits, engineer, password):
    limits.TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        attempt(Client(HTTP_X_FORWARDED_FOR="203.0.113.9"), f"guess-{n}")
    assert attempt(Client(HTTP_X_FORWARDED_FOR="203.0.113.9"), "priya", password).status_code == 429
    # Same proxy (REMOTE_ADDR), another client behind it: not paused.
    assert attempt(Client(HTTP_X_FORWARDED_FOR="192.0.2.44"), "priya", password).status_code == 302


def test_ipv6_addresses_are_counted_per_64_network(db, limits):
    for n in range(6):
        attempt(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), f"guess-{n}")
    assert attempt(Client(REMOTE_ADDR="2001:db8:1:2:ffff::9"), "someone").status_code == 429
    assert attempt(Client(REMOTE_ADDR="2001:db8:1:3::1"), "someone").status_code == 200


def test_a_successful_sign_in_clears_the_account_count(client, engineer, password, limits):
    attempt(client, "priya")
    attempt(client, "priya")
    assert attempt(client, "priya", password).status_code == 302
    client.post(reverse("logout"))
    response = attempt(client, "priya")
    assert response.status_code == 200
    assert "2 more unsuccessful attempts" in response.text


def test_admin_sign_in_is_throttled_too(client, org_admin, password, limits):
    for _ in range(3):
        client.post("/admin/login/", {"username": "alex", "password": "nope"})
    response = client.post("/admin/login/", {"username": "alex", "password": password})
    assert "Sign-in for this username is paused" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_gives_a_new_session_id(client, engineer, password):
    client.get(LOGIN)
    session = client.session
    session["before-sign-in"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    assert attempt(client, "priya", password).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not session.exists(before), "the pre-sign-in session id must be dead"


def test_log_out_ends_the_session_on_the_server(client, engineer, password):
    assert attempt(client, "priya", password).status_code == 302
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200

    client.post(reverse("logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = replay.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_idle_session_ends_and_says_why(client, engineer, password, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-11-21 09:00:00Z", tick=False) as clock:
        attempt(client, "priya", password)
        clock.shift(29 * 60)
        assert client.get("/").status_code == 200, "active within the idle limit"
        clock.shift(29 * 60)
        assert client.get("/").status_code == 200, "each request restarts the idle clock"
        clock.shift(31 * 60)
        response = client.get(reverse("team_list"))
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next={reverse('team_list')}"
        page = client.get(response.url)
        assert "You were signed out after 30 minutes without activity" in page.text
        assert "without activity" not in client.get(LOGIN).text, "said once"


def session_writes(client, path="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_activity_is_written_at_most_once_a_minute(client, engineer, password):
    with time_machine.travel("2026-11-21 09:00:00Z", tick=False) as clock:
        attempt(client, "priya", password)
        clock.shift(5)
        assert session_writes(client) == 0
        clock.shift(30)
        assert session_writes(client) == 0
        clock.shift(61)
        assert session_writes(client) == 1


def test_absolute_timeout_ends_even_an_active_session(client, engineer, password, settings):
    settings.SESSION_IDLE_TIMEOUT = 60 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 3 * 60 * 60
    with time_machine.travel("2026-11-21 09:00:00Z", tick=False) as clock:
        attempt(client, "priya", password)
        for _ in range(5):
            clock.shift(35 * 60)
            assert client.get("/").status_code == 200
        clock.shift(35 * 60 + 1)  # 3 h 30 min after signing in, 35 min after the last request
        response = client.get("/")
        assert response.status_code == 302
        assert "your sign-in was 3 hours old" in client.get(response.url).text


def test_timed_out_htmx_request_sends_the_whole_page_to_sign_in(client, engineer, password, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    with time_machine.travel("2026-11-21 09:00:00Z", tick=False) as clock:
        attempt(client, "priya", password)
        clock.shift(120)
        response = client.get(
            reverse("team_list"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/teams/?x=1"}
        )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fteams%2F%3Fx%3D1"


def test_expired_sessions_are_removed_by_the_periodic_task(engineer, teammate, password, settings):
    from django.contrib.sessions.models import Session

    from accounts.tasks import clear_expired_sessions

    assert "accounts-clear-expired-sessions" in settings.CELERY_BEAT_SCHEDULE
    with time_machine.travel("2026-11-21 09:00:00Z", tick=False):
        attempt(Client(), "priya", password)
    with time_machine.travel("2026-11-21 20:00:00Z", tick=False):
        attempt(Client(), "jonas", password)
    assert Session.objects.count() == 2
    with time_machine.travel("2026-11-21 22:00:00Z", tick=False):
        assert clear_expired_sessions() == 1  # 13 h after Priya's sign-in; Jonas's is 2 h old
    assert Session.objects.get().get_decoded()["_auth_user_id"] == str(teammate.pk)
