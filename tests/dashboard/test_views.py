"""The dashboard page, its htmx partial, its CSV exports, and the review's "did they hold?"."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionKind, ActionStatus, ObligationState
from postmortems.language.people import forget_directory_names
from postmortems.models import ReviewStatus
from tests.dashboard.conftest import NOW
from tests.dashboard.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    NearMissFactory,
    PerspectiveFactory,
    ServiceFactory,
    category,
    incident_with_times,
    published_review,
    set_obligation,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def organisation(team, people, size: int, at) -> None:
    """``size`` of everything the dashboard summarises (at least one of each, so every query runs)."""
    gateway = ServiceFactory(name="payments-gateway")
    for n in range(size):
        incident = incident_with_times(team, at(5 + n * 3), detect_minutes=5 + n, mitigate_minutes=40 + n)
        set_obligation(incident, ObligationState.MET, at(3 + n * 3), met_at=at(4 + n * 3))
        review = published_review(
            incident=incident, status=ReviewStatus.IN_REVIEW if n == 0 else ReviewStatus.PUBLISHED
        )
        ContributingFactorFactory(review=review, category=category("missing-guardrail"), service=gateway)
        for person in people:
            PerspectiveFactory(review=review, author=person)
        ActionItemFactory(incident=incident, owner=people[n % len(people)], due_on=NOW.date() - dt.timedelta(days=n))
        NearMissFactory(team=team, filed_on=NOW.date() - dt.timedelta(days=n * 7))


def dashboard_queries(client, url: str) -> int:
    cache.clear()
    forget_directory_names()  # the language guide also keeps the directory in the process for a few seconds
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(frozen, at, client, manager, payments, engineer, teammate):
    client.force_login(manager)
    url = reverse("dashboard") + "?period=36m"
    organisation(payments, [engineer, teammate], 1, at)
    small = dashboard_queries(client, url)
    organisation(payments, [engineer, teammate], 8, at)
    large = dashboard_queries(client, url)
    assert small == large

    # Rendered again from the cache: the session, the person, the unread count, the filters, the figures,
    # the rendered charts and even who-sees-what come from Redis.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0


def test_the_page_shows_figures_charts_tables_and_csv_links(frozen, at, client, manager, payments, engineer):
    organisation(payments, [engineer], 3, at)
    client.force_login(manager)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    page = response.text
    assert "<h1>Dashboard</h1>" in page
    for heading in ("Action items", "Systemic fixes within 48 hours", "Learning signals", "Did our fixes hold?"):
        assert heading in page
    assert page.count('role="img"') >= 10
    assert '<title id="time-to-detect-wide-title">' in page and "<desc id=" in page
    assert "A rising number of near-miss reports is a good sign." in page
    assert reverse("dashboard_export", args=["time-to-mitigate"]) + "?period=12m" in page
    assert "The numbers as a table" in page
    assert "style=" not in page  # the CSP allows no inline styles


def test_filters_live_in_the_address_and_htmx_gets_only_the_figures(frozen, at, client, manager, payments, platform):
    incident_with_times(payments, at(5), detect_minutes=5, title="Payments slow")
    incident_with_times(platform, at(5), detect_minutes=5, responders=UserFactory.create_batch(3))
    client.force_login(manager)
    url = reverse("dashboard") + "?team=platform&period=3m&severity=sev3"

    page = client.get(url).text
    assert 'value="platform" selected' in page
    assert "Platform, last 3 months." in page
    assert "Time to detect by month (SEV3)" in page

    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="dashboard-body"')
    assert "<html" not in partial.text and "Platform, last 3 months." in partial.text

    # A bookmarked address with a team that no longer exists still opens, for all teams.
    assert "All teams, last 12 months." in client.get(reverse("dashboard") + "?team=gone&period=nope").text


def test_csv_export_has_the_charts_numbers(frozen, at, client, manager, payments):
    for minutes in (10, 20, 30, 40):
        incident_with_times(payments, at(20), detect_minutes=minutes, responders=UserFactory.create_batch(1))
    client.force_login(manager)

    response = client.get(reverse("dashboard_export", args=["time-to-detect"]) + "?team=payments&period=3m")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="time-to-detect-payments-3m.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Month", "Incidents", "Median (minutes)", "90th percentile (minutes)"]
    assert ["2026-05", "4", "25.0", "37.0"] in rows
    assert client.get(reverse("dashboard_export", args=["people"])).status_code == 404


def test_empty_organisation_says_what_the_page_is_for(client, manager):
    client.force_login(manager)
    page = client.get(reverse("dashboard")).text
    assert "Nothing to summarise here yet." in page
    assert reverse("incident_new") in page and reverse("near_miss_new") in page


def test_sign_in_needed_and_get_only(client, manager):
    assert client.get(reverse("dashboard")).status_code == 302
    client.force_login(manager)
    assert client.post(reverse("dashboard")).status_code == 405


def test_review_shows_earlier_incidents_with_the_same_weakness_and_their_fixes(
    frozen, at, client, engineer, outsider, payments
):
    gateway = ServiceFactory(name="payments-gateway")
    guardrail = category("missing-guardrail")
    earlier = incident_with_times(payments, at(100), title="Gateway timeouts in March")
    factor = ContributingFactorFactory(review=published_review(incident=earlier), category=guardrail, service=gateway)
    fix = ActionItemFactory(incident=earlier, kind=ActionKind.GUARDRAIL, title="Cap gateway retries")
    fix.addresses.add(factor)
    fix.status = ActionStatus.DONE
    fix.save()
    type(fix).objects.filter(pk=fix.pk).update(completed_at=at(90))
    secret = incident_with_times(payments, at(50), title="Signing key in logs", restricted=True)
    ContributingFactorFactory(review=published_review(incident=secret), category=guardrail, service=gateway)
    now = incident_with_times(payments, at(2), title="Gateway timeouts again", responders=[engineer])
    review = published_review(incident=now, status=ReviewStatus.DRAFT)
    ContributingFactorFactory(review=review, category=guardrail, service=gateway)

    client.force_login(engineer)
    # The review page asks the dashboard for this part (htmx), with a plain link without JavaScript.
    earlier_url = reverse("review_earlier_fixes", args=[review.pk])
    assert earlier_url in client.get(review.get_absolute_url()).text
    page = client.get(earlier_url, headers={"HX-Request": "true"}).text
    assert "<html" not in page
    assert "This has come up before. Did the fixes hold?" in client.get(earlier_url).text

    assert "This has come up before. Did the fixes hold?" in page
    assert "Gateway timeouts in March" in page and "Cap gateway retries" in page
    assert "Came back after a fix" in page
    assert "Missing guardrail in payments-gateway" in page
    assert "Signing key in logs" not in page  # restricted, and Priya is not one of its responders


def test_a_tables_rows_escape_their_text_and_align_their_numbers():
    from dashboard.charts import Column, Table

    table = Table([Column("Category"), Column("Incidents", "count"), Column("Share", "percent")], [["<b>", 3, None]])
    row = '<tr><th scope="row">&lt;b&gt;</th><td class="num">3</td><td class="num">–</td></tr>'
    assert table.body_rows.strip() == row
