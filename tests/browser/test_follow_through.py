"""A signed merged-pull-request delivery turns the incident page's systemic fix to "landed" in place."""

import datetime as dt
import urllib.request

from django.utils import timezone
from playwright.sync_api import expect

from tests.actions.factories import ActionItemFactory, github_delivery, merged_pull_request, mitigated_incident

PR = "https://github.com/acme/payments/pull/318"


def test_a_merged_pull_request_lands_the_fix_on_the_open_incident_page(
    open_browser, live_server, settings, payments, engineer, teammate, facilitator, password
):
    settings.FORGE_WEBHOOK_SECRETS = {("github", "acme"): "browser-secret"}
    settings.OBLIGATION_POLL_SECONDS = 1
    incident = mitigated_incident(
        payments,
        responders=[engineer, teammate],
        facilitator=facilitator,
        mitigated_at=timezone.now() - dt.timedelta(hours=30),
        title="Checkout errors after the gateway deploy",
    )
    ActionItemFactory(
        incident=incident, owner=teammate, kind="guardrail", title="Canary the gateway deploy", change_url=PR
    )
    browser = open_browser()
    page = browser.log_in("priya", password, incident.get_absolute_url())
    status = page.locator("#obligation-status")
    expect(status.locator(".badge")).to_have_text("Committed, not landed")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")

    body, headers = github_delivery("browser-secret", merged_pull_request(PR, timezone.now()))
    request = urllib.request.Request(f"{live_server.url}/hooks/github/acme/", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own live server
        assert response.status == 200

    expect(status.locator(".badge")).to_have_text("Landed")
    expect(status).to_have_attribute("data-stage", "landed")
    expect(status.get_by_role("link", name="evidence")).to_have_attribute("href", PR)
    expect(page.locator("#obligation-items .badge.state-done")).to_have_text("Done")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes", "the page was not reloaded"
    browser.screenshot("follow-through-landed")
    assert not browser.console_errors
