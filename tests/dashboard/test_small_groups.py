"""No figure about fewer than three people: each per-team figure and its CSV, with 2 people hidden and 3 shown.

Payments always has enough people behind it; Platform has ``people`` of them (2 or 3). Platform's
row must then be withheld (the page says why) or shown, and the totals must leave a withheld row
out, so that it cannot be worked out by subtraction.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from actions.models import ObligationState
from tests.dashboard.conftest import NOW
from tests.dashboard.factories import ActionItemFactory, incident_with_times, published_review, set_obligation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOO_FEW = "Too few people to show without identifying someone"


def csv_rows(client, name: str, query: str = "") -> dict[str, list[str]]:
    response = client.get(reverse("dashboard_export", args=[name]) + query)
    assert response.status_code == 200
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(response.text))}


def chart_of(page: str, slug: str) -> str:
    return page.split(f'id="chart-{slug}"')[1].split("</figure>")[0]


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("people", [2, 3])
def test_open_action_items_by_team(frozen, signed_in, payments, platform, people):
    for team, owners in ((payments, 3), (platform, people)):
        incident = incident_with_times(team, NOW - dt.timedelta(days=20))
        for owner in UserFactory.create_batch(owners):
            for _ in range(2):
                ActionItemFactory(incident=incident, owner=owner, due_on=NOW.date() - dt.timedelta(days=1))

    page = signed_in.get(reverse("dashboard")).text
    rows = csv_rows(signed_in, "action-items-by-team")
    by_kind = csv_rows(signed_in, "action-items-by-kind")
    chart = chart_of(page, "action-items-by-team")

    assert rows["Payments"] == ["6", "0", "6"]
    if people == 2:
        assert rows["Platform"] == ["", "", ""]
        assert "Not shown, and not counted in any total here: Platform." in chart
        assert ">Platform<" not in chart.split("<details")[0], "no bar is drawn for Platform"
        # Platform's four items are in no total: not in the headline, nor among the kinds.
        assert sum(int(row[0]) for row in by_kind.values() if row[0].isdigit()) == 6
        headline = page.split('class="grid headline"')[1].split("</section>")[0]
        assert "6 overdue" in headline and "1 small team not counted" in headline
        # The oldest overdue items are a list to act on, not a figure: Platform's are there too.
        oldest = csv_rows(signed_in, "oldest-overdue")
        assert sum(row[1] == "Platform" for row in oldest.values()) == 4
    else:
        assert rows["Platform"] == ["6", "0", "6"]
        assert "Not shown" not in chart
        assert sum(int(row[0]) for row in by_kind.values() if row[0].isdigit()) == 12


@pytest.mark.parametrize("people", [2, 3])
def test_systemic_fixes_within_48_hours_by_team(frozen, signed_in, payments, platform, people):
    for team, count in ((payments, 3), (platform, people)):
        responders = UserFactory.create_batch(count)
        for days_ago in (40, 30):
            incident = incident_with_times(
                team, NOW - dt.timedelta(days=days_ago), mitigate_minutes=60, responders=responders
            )
            deadline = incident.mitigated_at + dt.timedelta(hours=48)
            set_obligation(incident, ObligationState.MET, deadline, met_at=deadline - dt.timedelta(hours=40))

    page = signed_in.get(reverse("dashboard")).text
    rows = csv_rows(signed_in, "systemic-fixes-by-team")
    by_month = csv_rows(signed_in, "systemic-fixes-by-month")

    assert rows["Payments"][:3] == ["2", "2", "100.0"]
    decided = sum(int(row[0]) for row in by_month.values() if row[0].isdigit())
    if people == 2:
        assert rows["Platform"] == ["", "", "", ""]
        assert "Not shown, and not counted in any total here: Platform." in chart_of(page, "systemic-fixes-by-team")
        assert decided == 2, "Platform's obligations are in no monthly total"
    else:
        assert rows["Platform"][:3] == ["2", "2", "100.0"]
        assert decided == 4


@pytest.mark.parametrize("people", [2, 3])
def test_review_quality_by_team(frozen, signed_in, payments, platform, people):
    for team, participants in ((payments, 3), (platform, people)):
        published_review(
            incident=incident_with_times(team, NOW - dt.timedelta(days=20)),
            participants=UserFactory.create_batch(participants),
        )

    page = signed_in.get(reverse("dashboard")).text
    rows = csv_rows(signed_in, "review-quality")

    assert rows["Payments"][0] == "1"
    if people == 2:
        assert set(rows["Platform"]) == {""}
        assert rows["All teams shown"][0] == "1"
        assert "Not shown, and not counted in any total here: Platform." in chart_of(page, "review-quality")
    else:
        assert rows["Platform"][0] == "1" and rows["All teams shown"][0] == "2"


@pytest.mark.parametrize("people", [2, 3])
def test_a_dashboard_for_one_team_needs_three_people_behind_it(frozen, signed_in, platform, people):
    """Filtered to one team, every figure on the page (follow-through included) is about that team."""
    responders = UserFactory.create_batch(people)
    for days_ago in (40, 30, 20):
        incident = incident_with_times(
            platform, NOW - dt.timedelta(days=days_ago), detect_minutes=10, mitigate_minutes=60, responders=responders
        )
        deadline = incident.mitigated_at + dt.timedelta(hours=48)
        set_obligation(incident, ObligationState.MET, deadline, met_at=deadline - dt.timedelta(hours=40))
    query = "?team=platform&period=3m"

    page = signed_in.get(reverse("dashboard") + query).text
    export = signed_in.get(reverse("dashboard_export", args=["time-to-detect"]) + query).text

    if people == 2:
        assert TOO_FEW in page and 'id="too-few-people"' in page
        assert "After the 48 hours: landed, and held" not in page and "Time to detect" not in page
        assert list(csv.reader(io.StringIO(export))) == [
            [
                "Too few people to show without identifying someone: figures appear once at least 3 people are behind them."
            ]
        ]
        assert "Download CSV" not in page
    else:
        assert TOO_FEW not in page
        assert "After the 48 hours: landed, and held" in page and "Time to detect by month" in page
        assert "Month,Incidents" in export
    # All teams together are always shown.
    assert TOO_FEW not in signed_in.get(reverse("dashboard") + "?period=3m").text
