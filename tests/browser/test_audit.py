"""A responder reads what changed on an incident, removes a timeline entry, and sees that in the history."""

from playwright.sync_api import expect

from audit.context import acting_as
from tests.incidents.factories import IncidentFactory, TimelineEntryFactory


def test_history_follows_inline_edits_without_a_reload(open_browser, engineer, teammate, payments, password):
    engineer.time_zone = "Europe/Berlin"
    engineer.save()
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    with acting_as(teammate):
        entry = TimelineEntryFactory(incident=incident, text="Pool exhausted on db-3")
        incident.severity, incident.summary = "sev1", "We shipped a pool size of 5."
        incident.save()

    person = open_browser(timezone_id="Europe/Berlin")
    page = person.log_in("priya", password, path=incident.get_absolute_url())
    history = page.locator("#history")
    expect(history.locator(".history-lines")).to_be_hidden()
    history.get_by_text("History", exact=True).click()
    expect(history.get_by_text("Jonas Berg changed this incident")).to_be_visible()
    expect(history.locator("del", has_text="SEV2")).to_be_visible()
    expect(history.get_by_text("changed the summary")).to_be_visible()
    expect(history.get_by_text("Jonas Berg added the timeline entry")).to_be_visible()
    person.assert_accessible()
    person.screenshot("audit-incident-history")

    page.evaluate("window.pageMarker = 'still here'")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="Delete").click()
    expect(page.locator("#timeline")).not_to_contain_text("Pool exhausted on db-3")
    # Closing and opening the history fetches it afresh.
    history.get_by_text("History", exact=True).click()
    history.get_by_text("History", exact=True).click()
    expect(history.get_by_text("Priya Raman removed the timeline entry")).to_be_visible()
    assert page.evaluate("window.pageMarker") == "still here"

    page.goto(f"/history/incidents.incident/{incident.pk}/")
    expect(page.get_by_role("heading", name="History of Checkout returns 502 for card payments")).to_be_visible()
    page.get_by_text("Text before and after").click()
    expect(page.get_by_text("We shipped a pool size of 5.")).to_be_visible()
    person.assert_accessible()
    person.screenshot("audit-full-history")
    assert person.console_errors == []


def test_review_history_names_who_removed_a_factor(open_browser, engineer, facilitator, payments, password):
    from postmortems.edits import delete_factor
    from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory

    incident = IncidentFactory(title="Refunds delayed by a queue backlog", team=payments, responders=[engineer])
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])
    with acting_as(facilitator):
        factor = ContributingFactorFactory(review=review, description="Nothing alerted on queue age.")
        review.meeting_place = "Room 4 / the team call"
        review.save()
        delete_factor(factor)

    person = open_browser()
    page = person.log_in("priya", password, path=review.get_absolute_url())
    history = page.locator("#history")
    history.get_by_text("History", exact=True).click()
    expect(history.get_by_text("Sam Lindqvist removed the contributing factor")).to_be_visible()
    expect(history.get_by_text("where: set to Room 4 / the team call")).to_be_visible()
    person.assert_accessible()
    history.screenshot(path="test-artifacts/audit-review-history.png")
    assert person.console_errors == []
