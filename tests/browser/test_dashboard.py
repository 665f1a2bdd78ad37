"""A manager's journey through the dashboard in the real browser: figures, charts as tables, filters by htmx."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionKind, ActionStatus, ObligationState
from incidents.models import Incident
from tests.browser.conftest import ARTIFACTS
from tests.dashboard.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    NearMissFactory,
    ServiceFactory,
    category,
    incident_with_times,
    published_review,
    set_obligation,
)
from tests.factories import TeamFactory, UserFactory


def seed(payments, platform):
    """A year of incidents on one service; returns the newest incident's review."""
    now = timezone.now()
    gateway = ServiceFactory(name="payments-gateway")
    # Enough people behind each team's figures for the dashboard to show them (dashboard.small_groups).
    people = {team: UserFactory.create_batch(3) for team in (payments, platform)}
    for n in range(12):
        team = payments if n % 3 else platform
        started = now - dt.timedelta(days=8 + n * 25)
        incident = incident_with_times(
            team, started, detect_minutes=4 + n * 3, mitigate_minutes=35 + n * 9, responders=people[team]
        )
        ActionItemFactory(incident=incident, kind=ActionKind.GUARDRAIL, due_on=(now - dt.timedelta(days=n * 4)).date())
        set_obligation(
            incident,
            ObligationState.MET if n % 4 else ObligationState.BREACHED,
            started + dt.timedelta(hours=50),
            met_at=started + dt.timedelta(hours=20) if n % 4 else None,
        )
        review = published_review(incident=incident, participants=people[team])
        ContributingFactorFactory(
            review=review, category=category("missing-guardrail" if n % 2 else "capacity"), service=gateway
        )
    for n in range(40):
        NearMissFactory(team=payments, filed_on=(now - dt.timedelta(days=n * 8)).date())
    # An earlier incident with the same weakness had its fix land long ago; the weakness came back since.
    earlier = Incident.objects.order_by("-impact_started_at")[2]
    fix = earlier.action_items.first()
    fix.status = ActionStatus.DONE
    fix.save()
    type(fix).objects.filter(pk=fix.pk).update(completed_at=now - dt.timedelta(days=40))
    return Incident.objects.order_by("-impact_started_at").first().review


def test_a_manager_reads_the_dashboard_and_filters_it(open_browser, manager, payments, platform, password):
    newest_review = seed(payments, platform)
    security = TeamFactory(name="Security")
    two = UserFactory.create_batch(2)
    breach = incident_with_times(security, timezone.now() - dt.timedelta(days=20), responders=two)
    ActionItemFactory(incident=breach, owner=two[0], kind=ActionKind.GUARDRAIL)
    person = open_browser()
    page = person.log_in("maya", password)

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text("All teams, last 12 months.")).to_be_visible()
    expect(page.get_by_role("img", name="Near misses reported per month")).to_be_visible()
    expect(page.get_by_text("A rising number of near-miss reports is a good sign.")).to_be_visible()
    person.assert_accessible()
    person.screenshot("dashboard")
    by_team = page.locator("#chart-action-items-by-team")
    expect(by_team.get_by_text("Not shown, and not counted in any total here: Security.")).to_be_visible()
    by_team.screenshot(path=str(ARTIFACTS / "dashboard-team-withheld.png"))

    # Every chart reads as a table too.
    figure = page.locator("#chart-time-to-mitigate")
    figure.get_by_text("The numbers as a table").click()
    expect(figure.get_by_role("columnheader", name="90th percentile")).to_be_visible()

    # Filters swap the figures in place and keep them in the address, to bookmark or share.
    with page.expect_response(lambda response: "team=platform" in response.url) as swapped:
        page.get_by_label("Team", exact=True).select_option("platform")
    assert swapped.value.status == 200
    person.screenshot("dashboard-after-team-filter")
    expect(page.get_by_text("Platform, last 12 months.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]team=platform"))
    page.get_by_label("Period", exact=True).select_option("36m")
    expect(page.get_by_text("Platform, last 3 years.")).to_be_visible()
    person.screenshot("dashboard-platform-3-years")
    page.locator("#chart-time-to-detect").screenshot(path=str(ARTIFACTS / "dashboard-chart-time-to-detect.png"))
    page.locator(".headline").screenshot(path=str(ARTIFACTS / "dashboard-headline.png"))

    page.reload()
    expect(page.get_by_text("Platform, last 3 years.")).to_be_visible()
    expect(page.get_by_label("Team", exact=True)).to_have_value("platform")

    # A team with two people behind its figures: the dashboard says why it shows none.
    page.get_by_label("Team", exact=True).select_option("security")
    expect(page.get_by_text("Too few people to show without identifying someone")).to_be_visible()
    expect(page.locator("#dashboard-body svg")).to_have_count(0)
    person.screenshot("dashboard-too-few-people")

    # The review of the newest incident asks whether the earlier fixes held.
    page.goto(newest_review.get_absolute_url())
    callout = page.locator(".earlier-fixes")
    expect(callout.get_by_role("heading", name="This has come up before. Did the fixes hold?")).to_be_visible()
    expect(callout.get_by_text("Came back after a fix").first).to_be_visible()
    callout.screenshot(path=str(ARTIFACTS / "review-earlier-fixes.png"))

    phone = open_browser(viewport={"width": 390, "height": 844})
    phone.log_in("maya", password, path="/dashboard/")
    expect(phone.page.get_by_role("heading", name="Action items", exact=True)).to_be_visible()
    phone.screenshot("dashboard-phone")
    phone.page.screenshot(path=str(ARTIFACTS / "dashboard-phone-top.png"))
    assert person.console_errors == [] and phone.console_errors == []
