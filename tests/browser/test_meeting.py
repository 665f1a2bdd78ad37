"""The live meeting in two browsers: the participant follows the facilitator without reloading."""

import re

from playwright.sync_api import expect

from postmortems import services
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import PerspectiveFactory, ReviewFactory, category


def test_participant_follows_the_agenda_and_sees_a_new_factor_within_3_seconds(
    open_browser, payments, facilitator, engineer, teammate, password
):
    category("missing-guardrail")
    category("observability-gap")
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.")
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer, teammate])
    PerspectiveFactory(review=review, author=engineer, saw="Only the web tier's dashboard showed errors.")
    services.start_meeting(review)
    url = f"/reviews/{review.pk}/meeting/"

    sam = open_browser()
    sam.log_in("sam", password, path=url)
    priya = open_browser()
    priya.log_in("priya", password, path=url)
    expect(priya.page.locator("[data-live-indicator]")).to_have_text("Live", timeout=3000)
    expect(priya.page.locator("#stage-heading")).to_have_text("Timeline")
    expect(priya.page.get_by_text("The error-rate alert fired for checkout.")).to_be_visible()
    # Before the facilitator opens perspectives, nobody else can read Priya's.
    expect(sam.page.get_by_text("Only the web tier's dashboard showed errors.")).to_have_count(0)

    # The facilitator steps the agenda with the keyboard; the participant's page follows.
    sam.page.locator("body").press("ArrowRight")
    expect(sam.page.locator("#stage-heading")).to_have_text("Perspectives")
    expect(priya.page.locator("#stage-heading")).to_have_text("Perspectives", timeout=3000)
    expect(sam.page.get_by_text("Only the web tier's dashboard showed errors.")).to_be_visible()
    sam.page.keyboard.press("n")
    expect(sam.page.locator("#stage-heading")).to_have_text("Contributing factors")
    expect(priya.page.locator("#stage-heading")).to_have_text("Contributing factors", timeout=3000)
    sam.screenshot("meeting-facilitator-factors")

    # Priya starts typing a factor of her own while Sam adds one: hers survives the live refresh.
    priya.page.get_by_label("Description").fill("Dashboards showed only the web tier.")
    sam.page.get_by_label("Description").fill("Nothing compared the pool size with the database's connection limit.")
    sam.page.get_by_label("Category").select_option(label="Missing guardrail")
    sam.page.get_by_role("button", name="Add factor").click()
    expect(sam.page.locator("#meeting-factors")).to_contain_text("Nothing compared the pool size")

    expect(priya.page.locator("#meeting-factors")).to_contain_text("Nothing compared the pool size", timeout=3000)
    expect(priya.page.get_by_label("Description")).to_have_value("Dashboards showed only the web tier.")
    priya.screenshot("meeting-participant-factors")

    # Priya writes in "what went well" when the facilitator moves on: her editor stays until she saves,
    # then her page follows the facilitator.
    sam.page.locator("body").press("n")
    expect(priya.page.locator("#stage-heading")).to_have_text("What went well · where we got lucky", timeout=3000)
    priya.page.locator("#meeting-went_well").get_by_role("link", name=re.compile("^Write here")).click()
    editor = priya.page.locator("#id_went_well-text")
    editor.fill("The rollback took one command.")
    sam.page.locator("body").press("n")
    expect(sam.page.locator("#stage-heading")).to_have_text("Improvement opportunities")
    priya.page.wait_for_timeout(2000)
    expect(editor).to_have_value("The rollback took one command.")
    priya.page.get_by_role("button", name="Save what went well").click()
    expect(priya.page.locator("#stage-heading")).to_have_text("Improvement opportunities", timeout=3000)
    review.refresh_from_db()
    assert review.went_well == "The rollback took one command."
    assert sam.console_errors == [] and priya.console_errors == []
