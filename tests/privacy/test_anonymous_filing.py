"""Filing an anonymous near miss as a browser does writes nothing but the report.

The clock runs for real between opening the form and submitting it, so a "last seen" write, a message,
an audit row or a cache entry made by the submit would show in the comparison of every table.
"""

import logging
import re
import time
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.logging import OmitAnonymousFiling
from incidents.models import HowCaught, NearMiss
from incidents.services import release_anonymous_near_misses
from tests.conftest import require_postgres_and_redis
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "198.51.100.23"


def every_table() -> dict[str, set[tuple]]:
    """Every row of every table in the database, as text, by table."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names come from the catalogue
            snapshot[table] = {tuple(map(str, row)) for row in cursor.fetchall()}
    return snapshot


def every_cache_entry() -> dict[bytes, bytes]:
    """Every key in this test run's Redis database with its stored value.

    Version counters are left out: they rise with any write by anyone and hold a bare number, which
    tells neither who wrote nor when.
    """
    client = cache._cache.get_client()
    return {key: client.dump(key) for key in client.scan_iter() if not key.endswith(b":version")}


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def browser(engineer) -> Client:
    """A browser signed in through the sign-in form, with CSRF checks on."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="priyas-laptop")
    page = client.get(reverse("login")).text
    response = client.post(
        reverse("login"), {"username": "priya", "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf_token(page)}
    )
    assert response.status_code == 302
    return client


def test_anonymous_filing_changes_only_the_report(browser, engineer, payments, caplog, settings):
    require_postgres_and_redis()
    # A "last seen" write would happen on any request a second after the previous one.
    settings.SESSION_ACTIVITY_RESOLUTION = 1
    browser.get(reverse("home"))
    time.sleep(1.2)
    sessions_before_opening = every_table()["django_session"]
    form_page = browser.get(reverse("near_miss_new")).text
    assert every_table()["django_session"] == sessions_before_opening  # opening the form is no trace either
    assert "selected>Not sure / rather not say" in form_page.replace('value="" ', "")  # no team picked for them
    time.sleep(1.5)  # reading and typing, as a person does

    tables_before, cache_before = every_table(), every_cache_entry()
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    filed_at = datetime.now(UTC)
    response = browser.post(
        reverse("near_miss_new"),
        {
            "what_almost_happened": "A config push nearly disabled card retries",
            "how_caught": HowCaught.REVIEW,
            "what_could_have_happened": "Failed payments for an hour",
            "anonymous": "on",
            "csrfmiddlewaretoken": csrf_token(form_page),
        },
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )
    landing = browser.get(response.url)
    records = list(caplog.records)
    tables_after, cache_after = every_table(), every_cache_entry()

    # The redirect names no report, and the page behind it is the same for every anonymous filing.
    assert response.status_code == 302
    assert response.url == reverse("near_miss_filed")
    assert "filed anonymously" in landing.text
    assert not re.search(r"/near-misses/\d+", landing.text)
    assert "messages" not in response.cookies

    # Only the report changed, in every table (sessions, audit trail, notifications, outbox ...).
    changed = {table for table in tables_after if tables_after[table] != tables_before.get(table)}
    assert changed == {"incidents_nearmiss"}
    new_rows = tables_after["incidents_nearmiss"] - tables_before["incidents_nearmiss"]
    assert len(new_rows) == 1 and not tables_before["incidents_nearmiss"] - tables_after["incidents_nearmiss"]
    near_miss = NearMiss.all_objects.get()
    assert near_miss.reporter_id is None and near_miss.team_id is None
    assert near_miss.filed_on == filed_at.date()
    row = " ".join(next(iter(new_rows)))
    assert filed_at.strftime("%H:%M") not in row  # a day, never a time of day
    # Nothing was cached about the request: every key and value is as it was.
    assert cache_after == cache_before

    # Nothing logged names the filer, their address or the moment.
    logged = "\n".join(f"{r.name} {r.getMessage()} {vars(r)}" for r in records)
    for trace in ("priya", "Priya", engineer.email, ADDRESS, "priyas-laptop", filed_at.strftime("%H:%M:%S")):
        assert trace not in logged

    # It is not listed yet: it appears with the hour's batch.
    assert NearMiss.objects.count() == 0
    assert browser.get(reverse("near_miss_list")).text.count("config push") == 0
    release_anonymous_near_misses()
    assert "config push" in browser.get(reverse("near_miss_list")).text


def test_the_web_servers_access_log_leaves_out_filing_and_its_thanks_page():
    omit = OmitAnonymousFiling()

    def line(text: str) -> logging.LogRecord:
        return logging.makeLogRecord({"name": "gunicorn.access", "msg": text, "args": None})

    assert not omit.filter(line('"POST /near-misses/new/" 302 0 41ms'))
    assert not omit.filter(line('"GET /near-misses/filed/" 200 2120 12ms'))
    assert omit.filter(line('"GET /near-misses/new/" 200 5120 15ms'))
    assert omit.filter(line('"GET /near-misses/" 200 9120 22ms'))


def test_team_field_says_what_a_team_reveals(client, engineer, payments):
    client.force_login(engineer)
    page = client.get(reverse("near_miss_new")).text
    team_field = page.index('name="team"')
    assert "narrows down who could have filed" in page[team_field - 600 : team_field]
    assert "Payments (1 person)" in page


def test_anonymous_reports_appear_together_on_the_hour_in_an_order_that_is_not_filing_order(settings, payments):
    from hashlib import md5

    from incidents.services import file_near_miss

    texts = ["Disk filled on the build cache", "A cron job nearly ran twice", "The backup almost skipped a day"]
    for text in texts:
        file_near_miss(NearMiss(what_almost_happened=text, how_caught=HowCaught.LUCK), reporter=None)
    named = file_near_miss(NearMiss(what_almost_happened="One more report", how_caught=HowCaught.ALERT), reporter=None)
    assert NearMiss.objects.count() == 0  # nothing shows before the release, not even the first one
    # Their numbers are drawn at random, far from the sequence that numbers named reports.
    assert all(pk >= 2**52 for pk in NearMiss.all_objects.values_list("pk", flat=True))

    release_anonymous_near_misses()
    listed = [near_miss.what_almost_happened for near_miss in NearMiss.objects.all()]
    assert sorted(listed) == sorted([*texts, named.what_almost_happened])
    assert listed == sorted(listed, key=lambda text: md5(text.encode()).hexdigest())
    # The release runs on the hour.
    schedule = settings.CELERY_BEAT_SCHEDULE["incidents-release-near-misses"]
    assert schedule["task"] == "incidents.tasks.release_near_misses"
    assert schedule["schedule"].minute == {0} and len(schedule["schedule"].hour) == 24


@pytest.mark.worker
def test_a_real_worker_releases_the_hours_reports_and_logs_nothing_about_them(celery_worker, engineer):
    from incidents.services import file_near_miss
    from incidents.tasks import release_near_misses

    file_near_miss(
        NearMiss(what_almost_happened="A cron job nearly ran twice on the ledger", how_caught=HowCaught.LUCK),
        reporter=None,
    )
    release_near_misses.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not NearMiss.objects.exists():
        time.sleep(0.2)
    log = celery_worker.log_path.read_text()
    assert NearMiss.objects.count() == 1, log
    assert "release_near_misses" in log  # the worker did log the task, as it logs every task
    for trace in ("cron job", "ledger", "priya", "Priya", str(NearMiss.objects.get().pk)):
        assert trace not in log
    assert not re.search(r"release_near_misses\[[^\]]+\] succeeded in [\d.]+s: (?!None)", log)
