"""Action items in the real browser: the obligation turns to met in place, and the list filters stick in the URL."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from actions.models import FixObligation, Notification, NotificationKind, ObligationState
from tests.actions.factories import ActionItemFactory, mitigated_incident


def test_a_responder_adds_a_fix_and_the_obligation_turns_to_met_without_a_reload(
    open_browser, payments, engineer, teammate, facilitator, password
):
    incident = mitigated_incident(
        payments,
        responders=[engineer, teammate],
        facilitator=facilitator,
        mitigated_at=timezone.now() - dt.timedelta(hours=3),
        title="Checkout errors after the gateway deploy",
    )
    Notification.objects.create(
        recipient=engineer,
        kind=NotificationKind.FIX_DUE_SOON,
        title="The systemic fix for “Checkout errors after the gateway deploy” is due in 24 hours",
        url=incident.get_absolute_url(),
    )
    browser = open_browser()
    page = browser.log_in("priya", password)
    expect(page.get_by_role("link", name=re.compile(r"^Inbox ?, 1 unread$"))).to_be_visible()

    page.goto(incident.get_absolute_url())
    panel = page.locator("#fix-obligation")
    expect(panel.get_by_text("Due in 44 h", exact=False)).to_be_visible()
    browser.screenshot("actions-obligation-pending")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")

    # A null remedy is refused in place, with the reason, and what was typed stays.
    panel.get_by_label("Title").fill("Be more careful with gateway deploys")
    panel.get_by_label("Kind").select_option("process")
    panel.get_by_role("button", name="Add action item").click()
    expect(panel.get_by_text("is an appeal to attention, not a fix")).to_be_visible()
    expect(panel.get_by_label("Title")).to_have_value("Be more careful with gateway deploys")
    browser.screenshot("actions-obligation-null-remedy")

    panel = page.locator("#fix-obligation")
    panel.get_by_label("Title").fill("Canary the gateway deploy and roll back on checkout errors")
    panel.get_by_label("Kind").select_option("guardrail")
    panel.get_by_label("Link to the change").fill("https://git.example.com/payments/gateway/pull/318")
    panel.get_by_role("button", name="Add action item").click()

    panel = page.locator("#fix-obligation")
    expect(panel.locator("#obligation-status .badge")).to_have_text("Committed, not landed")
    expect(
        panel.get_by_role("link", name="Canary the gateway deploy and roll back on checkout errors").first
    ).to_be_visible()
    assert page.evaluate("document.body.dataset.sameDocument") == "yes", "the page was not reloaded"
    browser.screenshot("actions-obligation-met")
    obligation = FixObligation.objects.get(incident=incident)
    assert obligation.state == ObligationState.MET
    assert obligation.met_by.owner == engineer
    # The refused item answered 422 on purpose (the browser logs every 4xx); nothing else may appear.
    unexpected = [error for error in browser.console_errors if "status of 422" not in error]
    assert unexpected == [], "\n".join(unexpected)


def test_the_action_list_filters_in_place_and_keeps_them_in_the_url(
    open_browser, payments, platform, engineer, password
):
    incident = mitigated_incident(payments, responders=[engineer], title="Queue backlog")
    today = timezone.localdate()
    ActionItemFactory(
        incident=incident,
        owner=engineer,
        title="Alert on queue depth",
        kind="observability",
        due_on=today - dt.timedelta(days=3),
    )
    ActionItemFactory(
        incident=incident,
        owner=engineer,
        title="Document the replay tool",
        kind="documentation",
        due_on=today + dt.timedelta(days=10),
    )
    browser = open_browser()
    page = browser.log_in("priya", password, path="/actions/")
    expect(page.get_by_role("link", name="Alert on queue depth")).to_be_visible()
    expect(page.get_by_role("link", name="Document the replay tool")).to_be_visible()

    page.get_by_label("Due").select_option("overdue")
    expect(page.get_by_role("link", name="Document the replay tool")).to_have_count(0)
    expect(page.get_by_role("link", name="Alert on queue depth")).to_be_visible()
    assert "due=overdue" in page.url
    browser.screenshot("actions-list-overdue")

    page.reload()
    expect(page.get_by_label("Due")).to_have_value("overdue")
    expect(page.get_by_role("link", name="Document the replay tool")).to_have_count(0)

    page.goto("/actions/mine/")
    expect(page.get_by_role("heading", name="Past their due date")).to_be_visible()
    browser.screenshot("actions-mine")

    # Inline edit on the item's page, then "won't do" with its reason.
    page.get_by_role("link", name="Document the replay tool").click()
    # Mark the item's page only once it has loaded, or the mark lands on the list being left.
    expect(page.get_by_role("heading", level=1, name="Document the replay tool", exact=True)).to_be_visible()
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Document the replay tool with examples")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Document the replay tool with examples")).to_be_visible()
    page.get_by_label("Status").select_option("wont_do")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Say why we won't do it")).to_be_visible()
    page.get_by_label("Why we won't do it").fill("The replay tool is being retired next month.")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_role("heading", name="Why we won't do it")).to_be_visible()
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"
    browser.screenshot("actions-detail-wont-do")
    unexpected = [error for error in browser.console_errors if "status of 422" not in error]
    assert unexpected == [], "\n".join(unexpected)
