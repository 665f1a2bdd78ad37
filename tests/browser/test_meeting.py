"""The live meeting in two browsers: the participant follows the facilitator, and nothing typed is lost."""

import re
from pathlib import Path

from playwright.sync_api import expect

from actions.models import Notification, NotificationKind
from postmortems import meeting
from postmortems.models import Review
from tests.browser.conftest import FOLLOW_MS
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import PerspectiveFactory, ReviewFactory, category

SHOTS = Path("/tmp/w16-shots")


def test_the_meeting_keeps_drafts_runs_one_timer_and_asks_for_missing_perspectives(
    open_browser, payments, facilitator, engineer, teammate, password
):
    category("missing-guardrail")
    category("observability-gap")
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer, teammate])
    PerspectiveFactory(review=review, author=engineer, saw="Only the web tier's dashboard showed errors.")
    meeting.start_meeting(review)
    # The timeline has already run a minute over its 15 planned minutes.
    Review.objects.filter(pk=review.pk).update(section_elapsed={"timeline": 16 * 60 + 5}, timer_running_since=None)
    url = f"/reviews/{review.pk}/meeting/"

    sam = open_browser()
    sam.log_in("sam", password, path=url)
    priya = open_browser()
    priya.log_in("priya", password, path=url)
    expect(priya.page.locator("[data-live-indicator]")).to_have_text("Live", timeout=FOLLOW_MS)
    expect(priya.page.get_by_text("The error-rate alert fired for checkout.")).to_be_visible()
    expect(sam.page.get_by_text("Only the web tier's dashboard showed errors.")).to_have_count(0)

    # The timer: one time for everyone, from the server; the overrun is said in words, not only in colour.
    for person in (sam, priya):
        expect(person.page.locator("[data-timer-words]")).to_have_text("Paused · 1 min over the 15 planned")
        expect(person.page.locator("[data-timer-clock]")).to_have_text("16:05")
    expect(priya.page.locator("[data-timer-action]")).to_have_count(0)  # only the facilitator runs it
    sam.page.get_by_role("button", name="Start").click()
    expect(priya.page.locator("[data-timer-words]")).to_have_text("1 min over the 15 planned", timeout=FOLLOW_MS)
    expect(priya.page.locator("[data-timer-clock]")).not_to_have_text("16:05", timeout=FOLLOW_MS)  # it runs
    sam.page.get_by_role("button", name="+5 min").click()
    expect(priya.page.locator("[data-timer-words]")).to_have_text("4 min left of 20", timeout=FOLLOW_MS)
    sam.page.get_by_role("button", name="Reset").click()
    expect(priya.page.locator("[data-timer-words]")).to_have_text("15 min left of 15", timeout=FOLLOW_MS)
    sam.assert_accessible()
    sam.screenshot("meeting-facilitator-timeline")

    # Perspectives: who has not written theirs (never what), and the facilitator asks them.
    sam.page.locator("body").press("ArrowRight")
    expect(sam.page.locator("#stage-heading")).to_have_text("Perspectives")
    expect(priya.page.locator("#stage-heading")).to_have_text("Perspectives", timeout=FOLLOW_MS)
    expect(sam.page.get_by_text("Only the web tier's dashboard showed errors.")).to_be_visible()
    missing = sam.page.locator(".missing-perspectives")
    expect(missing).to_contain_text("Jonas Berg")
    expect(missing).not_to_contain_text("Priya Raman")
    missing.get_by_role("button", name="Ask them to write theirs").click()
    expect(sam.page.locator(".missing-perspectives [role=status]")).to_contain_text("Asked")
    assert Notification.objects.filter(kind=NotificationKind.PERSPECTIVE_ASKED, recipient=teammate).exists()
    # The timeline's time is kept beside it in the agenda.
    expect(sam.page.locator(".agenda-done").first).to_contain_text("min")

    sam.page.keyboard.press("n")
    expect(priya.page.locator("#stage-heading")).to_have_text("Contributing factors", timeout=FOLLOW_MS)

    # Priya types a factor while Sam adds one: his arrives around her form; her text, focus and caret stay.
    description = priya.page.get_by_label("Description")
    description.click()
    description.press_sequentially("Dashboards showed only the web tier")
    sam.page.get_by_label("Description").fill("Nothing compared the pool size with the database's connection limit.")
    sam.page.get_by_label("Category").select_option(label="Missing guardrail")
    sam.page.get_by_role("button", name="Add factor").click()
    expect(priya.page.locator("#meeting-factors")).to_contain_text("Nothing compared the pool size", timeout=FOLLOW_MS)
    description.press_sequentially(".")
    expect(description).to_have_value("Dashboards showed only the web tier.")
    expect(description).to_be_focused()

    # Sam steps on: Priya's page does not jump away from her unsent text; it tells her, and she chooses.
    sam.page.locator("body").press("n")
    expect(sam.page.locator("#stage-heading")).to_have_text("What went well · where we got lucky")
    expect(priya.page.get_by_text("The facilitator has moved on.")).to_be_visible(timeout=FOLLOW_MS)
    expect(priya.page.locator("#stage-heading")).to_have_text("Contributing factors")
    expect(description).to_have_value("Dashboards showed only the web tier.")
    priya.screenshot("meeting-participant-unsent-text")
    priya.page.get_by_role("button", name="Follow the facilitator").click()
    expect(priya.page.locator("#stage-heading")).to_have_text("What went well · where we got lucky")

    # Back in contributing factors, and after a reload, her draft is in its field again.
    sam.page.locator("body").press("p")
    expect(priya.page.locator("#stage-heading")).to_have_text("Contributing factors", timeout=FOLLOW_MS)
    expect(priya.page.get_by_label("Description")).to_have_value("Dashboards showed only the web tier.")
    priya.page.reload()
    expect(priya.page.get_by_label("Description")).to_have_value("Dashboards showed only the web tier.")
    priya.assert_accessible()
    priya.screenshot("meeting-participant-factors")
    # Sent, the draft is gone: the empty form stays empty after the next refresh.
    priya.page.get_by_label("Category").select_option(label="Observability gap")
    priya.page.get_by_role("button", name="Add factor").click()
    expect(priya.page.locator("#meeting-factors")).to_contain_text("Dashboards showed only the web tier.")
    priya.page.reload()
    expect(priya.page.get_by_label("Description")).to_have_value("")

    # An open section editor stays until its writer saves; then her page follows the facilitator.
    sam.page.locator("body").press("n")
    expect(priya.page.locator("#stage-heading")).to_have_text("What went well · where we got lucky", timeout=FOLLOW_MS)
    priya.page.locator("#meeting-went_well").get_by_role("link", name=re.compile("^Write here")).click()
    editor = priya.page.locator("#id_went_well-text")
    editor.fill("The rollback took one command.")
    sam.page.locator("body").press("n")
    expect(sam.page.locator("#stage-heading")).to_have_text("Improvement opportunities")
    expect(priya.page.get_by_text("The facilitator has moved on.")).to_be_visible(timeout=FOLLOW_MS)
    expect(editor).to_have_value("The rollback took one command.")
    priya.page.get_by_role("button", name="Save what went well").click()
    expect(priya.page.locator("#stage-heading")).to_have_text("Improvement opportunities", timeout=FOLLOW_MS)
    review.refresh_from_db()
    assert review.went_well == "The rollback took one command."

    SHOTS.mkdir(exist_ok=True)
    sam.page.screenshot(path=str(SHOTS / "meeting-desktop.png"), full_page=True)
    phone = open_browser(viewport={"width": 390, "height": 844})
    phone.log_in("jonas", password, path=url)
    expect(phone.page.locator("#stage-heading")).to_have_text("Improvement opportunities")
    phone.assert_accessible()
    phone.page.screenshot(path=str(SHOTS / "meeting-phone.png"), full_page=True)
    assert sam.console_errors == [] and priya.console_errors == [] and phone.console_errors == []
