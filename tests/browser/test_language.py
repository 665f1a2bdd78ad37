"""The language guide in the browser: a note and a one-click rewrite while typing an incident summary,
and the publish check listing every open note of the review at once, each with a link to its text."""

from playwright.sync_api import expect

from postmortems.models import ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory


def test_blame_typed_into_an_incident_summary_shows_a_note_and_a_one_click_rewrite(
    open_browser, payments, engineer, password
):
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    priya = open_browser()
    page = priya.log_in("priya", password, path=f"/incidents/{incident.pk}/edit/")
    summary = page.locator("#id_summary")
    summary.fill("At 14:02 the payments API went down. ")
    summary.press_sequentially("Tomás's push took the payments API offline.", delay=5)

    notes = page.locator("#notes-live-id_summary")
    expect(notes).to_contain_text("Tomás's push took the payments API offline", timeout=5000)
    expect(notes.locator("blockquote")).to_have_text("Our push took the payments API offline.")
    priya.screenshot("incident-summary-language-note")
    notes.get_by_role("button", name="Use this wording").click()
    expect(summary).to_have_value("At 14:02 the payments API went down. Our push took the payments API offline.")
    expect(notes).to_contain_text("No notes", timeout=5000)
    assert priya.console_errors == []


def test_the_publish_check_lists_notes_in_the_title_the_timeline_and_an_action_item_together(
    open_browser, payments, facilitator, engineer, password
):
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    entry = TimelineEntryFactory(incident=incident, text="Jonas ignored the disk alert for an hour.")
    review = ReviewFactory(
        incident=incident,
        facilitator=facilitator,
        participants=[facilitator, engineer],
        title="Priya broke checkout",
        summary="We deployed a configuration change that halved the database connection pool.",
        status=ReviewStatus.IN_REVIEW,
    )
    ContributingFactorFactory(review=review, description="Nothing compared pool size with the database limit.")
    item = ActionItemFactory(
        review=review, incident=incident, title="Add a canary stage, because Sam skipped the staging deploy"
    )

    sam = open_browser()
    page = sam.log_in("sam", password, path=f"/reviews/{review.pk}/publish/")
    open_notes = page.locator("#open-notes")
    expect(open_notes.locator("li.flag")).to_have_count(3)
    for excerpt, anchor in (
        ("Priya broke", "#review-title"),
        ("Jonas ignored", f"#entry-{entry.pk}"),
        ("Sam skipped", f"#action-{item.pk}"),
    ):
        note = open_notes.locator("li.flag", has_text=excerpt)
        expect(note.locator(f"a[href$='{anchor}']")).to_be_visible()
    expect(page.get_by_text("No open notes")).to_have_count(0)
    expect(page.get_by_role("button", name="Publish the review")).to_be_disabled()
    sam.screenshot("publish-check-notes")
    open_notes.locator("li.flag", has_text="Sam skipped").locator(f"a[href$='#action-{item.pk}']").click()
    expect(page.locator(f"#action-{item.pk}")).to_be_visible()
    assert sam.console_errors == []


def test_keeping_my_wording_with_a_reason_shows_on_the_publish_check(
    open_browser, payments, facilitator, engineer, password
):
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    review = ReviewFactory(
        incident=incident,
        facilitator=facilitator,
        participants=[facilitator, engineer],
        summary="We deployed a configuration change that halved the database connection pool.",
        status=ReviewStatus.IN_REVIEW,
    )
    ContributingFactorFactory(review=review, description="Nothing compared pool size with the database limit.")
    ActionItemFactory(review=review, incident=incident, title="Check pool size against the database limit in CI")

    priya = open_browser()
    page = priya.log_in("priya", password, path=f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Edit what went well").click()
    box = page.locator("#id_went_well-text")
    box.press_sequentially("Priya broke the deploy and said so in her own account.", delay=5)
    notes = page.locator("#notes-went_well")
    expect(notes).to_contain_text("Priya broke", timeout=5000)
    notes.locator("details.flag-keep summary").first.click()
    notes.get_by_label("Why your wording is right here").first.fill("I am Priya; I asked to be named here.")
    notes.get_by_role("button", name="Keep my wording").first.click()
    expect(notes).to_contain_text("Kept your wording", timeout=5000)
    priya.screenshot("review-keep-my-wording")
    page.get_by_role("button", name="Save what went well").click()
    expect(page.locator("#section-went_well")).to_contain_text("said so in her own account")
    assert priya.console_errors == []

    sam = open_browser()
    gate = sam.log_in("sam", password, path=f"/reviews/{review.pk}/publish/")
    expect(gate.locator("#open-notes")).to_contain_text("kept by Priya Raman: I am Priya; I asked to be named here.")
    expect(gate.get_by_text("No open notes")).to_be_visible()
    sam.screenshot("publish-check-kept-wording")
    assert sam.console_errors == []
