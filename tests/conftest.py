"""Shared fixtures: a small cast of people per role, real services, a real browser.

The cast (reused across tests so each view test covers owner, teammate and outsider):
- ``payments`` and ``platform`` teams;
- ``engineer`` (Priya, Payments), ``teammate`` (Jonas, Payments engineer),
  ``facilitator`` (Sam, Payments), ``manager`` (Maya, Payments), ``org_admin`` (Alex, admin),
  ``outsider`` (Otto, an engineer in Platform only).
All share ``TEST_PASSWORD``.
"""

import os

import pytest
from django.conf import settings

from accounts.models import Role
from tests import processes, worker_services
from tests.factories import TEST_PASSWORD, MembershipFactory, TeamFactory, UserFactory
from tests.processes import PrivateRedis, service_env

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make beside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    if _ci():
        missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(
                f"CI=true but {' and '.join(missing)} not set: the tests in CI run against real PostgreSQL "
                "and Redis and will not fall back to SQLite or a file broker. Set them (see README)."
            )
    worker_services.use_a_redis_of_its_own()


def pytest_unconfigure(config):
    worker_services.stop()


def require_postgres_and_redis() -> None:
    """Fail loudly (never skip) when a test needs the real services and they are not configured."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL:
        pytest.fail("This test needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (see README).")


# --- the cast -------------------------------------------------------------------


@pytest.fixture
def payments(db):
    return TeamFactory(name="Payments", slug="payments")


@pytest.fixture
def platform(db):
    return TeamFactory(name="Platform", slug="platform")


def _member(username, display_name, team, role, **extra):
    user = UserFactory(username=username, display_name=display_name, **extra)
    MembershipFactory(user=user, team=team, role=role)
    return user


def cast_member(name: str, team: str, username: str, display_name: str, role: Role):
    """The fixture ``name``: one person of the cast, a member of the team fixture ``team`` in ``role``."""

    @pytest.fixture(name=name)
    def member(request):
        return _member(username, display_name, request.getfixturevalue(team), role)

    return member


engineer = cast_member("engineer", "payments", "priya", "Priya Raman", Role.ENGINEER)
teammate = cast_member("teammate", "payments", "jonas", "Jonas Berg", Role.ENGINEER)
facilitator = cast_member("facilitator", "payments", "sam", "Sam Lindqvist", Role.FACILITATOR)
manager = cast_member("manager", "payments", "maya", "Maya Chen", Role.MANAGER)
org_admin = cast_member("org_admin", "platform", "alex", "Alex Morgan", Role.ADMIN)
outsider = cast_member("outsider", "platform", "otto", "Otto Nieminen", Role.ENGINEER)


# --- the incident most tests look at ------------------------------------------------------


@pytest.fixture
def incident(payments, engineer):
    """A Payments SEV2 incident with Priya as responder and an empty timeline."""
    from tests.incidents.factories import IncidentFactory

    return IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])


@pytest.fixture
def restricted_incident(payments, engineer, facilitator):
    """A security incident only Priya (responder), Sam (facilitator) and admins may see."""
    from tests.incidents.factories import IncidentFactory

    return IncidentFactory(
        title="Leaked signing key in build logs", team=payments, restricted=True, responders=[engineer],
        facilitator=facilitator,
    )  # fmt: skip


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Hashing strength is Django's concern, not ours; it would only slow every log-in down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _dashboard_refreshed_after_every_change():
    # Tests read the figures right after each change; the pause between refreshes has its own test.
    settings.DASHBOARD_REFRESH_SECONDS = 0


@pytest.fixture(autouse=True, scope="session")
def _empty_tables_with_delete():
    """After a test that commits (browser, worker and server tests), empty the tables with DELETE, not TRUNCATE.

    Django's flush truncates every table, which on PostgreSQL costs about 0.7 s (new files for every table
    and index) against 10 ms for deleting the few rows such a test leaves. The result is the same: empty
    tables, sequences left as they are, then post_migrate as usual. Every foreign key Django creates on
    PostgreSQL is deferred to the commit, so the order of the deletes does not matter (and the app has no
    triggers). Resetting sequences or cascading still goes through Django's own TRUNCATE.
    """
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: SQLite's flush is DELETE already
        yield
        return

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]
        return [f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};", *deletes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from dashboard.body import forget_served_bodies
    from postmortems.language.people import forget_directory_names

    cache.clear()
    forget_directory_names()
    forget_served_bodies()
    yield


@pytest.fixture
def cache_reads(monkeypatch):
    """The cache round trips made from here on, in order: ``"get"`` or ``"get_many"`` each."""
    from django_redis.client import DefaultClient

    reads = []
    for name in ("get", "get_many"):
        read = getattr(DefaultClient, name)
        monkeypatch.setattr(
            DefaultClient,
            name,
            lambda self, *a, _read=read, _name=name, **k: reads.append(_name) or _read(self, *a, **k),
        )
    return reads


@pytest.fixture
def every_page_rendered(settings):
    """Shared fragments rendered on every request, for tests that count what a full render asks the
    database (and that add rows with ``bulk_create``, which raises no version)."""
    settings.FRAGMENT_CACHE_SECONDS = 0


# --- real services ----------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real Celery worker process consuming from the real Redis broker, on the test database."""
    require_postgres_and_redis()
    worker = processes.celery_worker(service_env(), tmp_path / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def private_redis():
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; ``.messages`` holds what it received."""
    server = processes.SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def nothing_remembered():
    """No address remembers what its page read last time (``fragments.remembered``), before and after the test."""
    from fragments import remembered

    remembered.forget_all()
    yield
    remembered.forget_all()
