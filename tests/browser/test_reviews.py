"""The review page in the browser: the language guide while typing, and a concurrent edit with nothing lost."""

from playwright.sync_api import expect

from postmortems.models import Review
from tests.browser.conftest import FOLLOW_MS
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import ReviewFactory


def make_review(payments, facilitator, engineer, teammate) -> Review:
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    return ReviewFactory(
        incident=incident,
        facilitator=facilitator,
        participants=[facilitator, engineer, teammate],
        summary="We deployed a configuration change that halved the database connection pool.",
    )


def test_typing_a_blaming_sentence_shows_a_note_with_a_better_framing(
    open_browser, payments, facilitator, engineer, teammate, password
):
    review = make_review(payments, facilitator, engineer, teammate)
    priya = open_browser()
    page = priya.log_in("priya", password, path=f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Edit what went well").click()
    box = page.locator("#id_went_well-text")
    expect(box).to_be_focused()
    box.press_sequentially("The on-call engineer was careless and skipped the checklist.", delay=5)

    notes = page.locator("#notes-went_well")
    expect(notes).to_contain_text("Names a person as the cause", timeout=FOLLOW_MS)
    expect(notes).to_contain_text("The on-call engineer was careless")
    suggestion = notes.locator("details.flag-better")
    expect(suggestion.locator("p")).to_be_hidden()
    suggestion.locator("summary").click()  # the better framing is one click away
    expect(suggestion.locator("p")).to_be_visible()
    priya.screenshot("review-language-note")

    box.fill("The checklist step was easy to skip: nothing in the deploy tool asked for it.")
    expect(notes).to_contain_text("No notes", timeout=FOLLOW_MS)
    page.get_by_role("button", name="Save what went well").click()
    expect(page.locator("#section-went_well")).to_contain_text("nothing in the deploy tool asked for it")
    review.refresh_from_db()
    assert review.went_well.startswith("The checklist step was easy to skip")
    assert priya.console_errors == []


def test_concurrent_edit_is_shown_to_the_second_writer_and_nothing_is_lost(
    open_browser, payments, facilitator, engineer, teammate, password
):
    review = make_review(payments, facilitator, engineer, teammate)
    url = f"/reviews/{review.pk}/"
    priya, jonas = open_browser(), open_browser()
    for person, username in ((priya, "priya"), (jonas, "jonas")):
        person.log_in(username, password, path=url)
        person.page.get_by_role("link", name="Edit summary").click()
        expect(person.page.locator("#id_summary-text")).to_be_visible()

    priya.page.locator("#id_summary-text").fill("At 09:12 the pool shrank from 40 to 20 connections.")
    priya.page.get_by_role("button", name="Save summary").click()
    expect(priya.page.locator("#section-summary .prose")).to_contain_text("the pool shrank from 40 to 20")

    jonas.page.locator("#id_summary-text").fill("Checkout failed for 38 minutes for card payments.")
    jonas.page.get_by_role("button", name="Save summary").click()
    conflict = jonas.page.locator("#section-summary .conflict")
    expect(conflict).to_contain_text("Someone saved this section while you were editing")
    expect(conflict.locator(".theirs")).to_contain_text("the pool shrank from 40 to 20")
    expect(jonas.page.locator("#id_summary-text")).to_have_value("Checkout failed for 38 minutes for card payments.")
    jonas.screenshot("review-edit-conflict")

    merged = "At 09:12 the pool shrank from 40 to 20 connections; checkout failed for 38 minutes for card payments."
    jonas.page.locator("#id_summary-text").fill(merged)
    jonas.page.get_by_role("button", name="Save summary").click()
    expect(jonas.page.locator("#section-summary .prose")).to_contain_text("checkout failed for 38 minutes")
    review.refresh_from_db()
    assert review.summary == merged
    # Chrome logs every 4xx response; the 409 is the conflict answer itself, anything else is a failure.
    assert priya.console_errors == []
    assert [error for error in jonas.console_errors if "409 (Conflict)" not in error] == []
