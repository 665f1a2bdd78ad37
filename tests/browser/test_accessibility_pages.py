"""axe-core on the incident, near-miss, review, meeting and action pages: no serious or critical violation."""

from playwright.sync_api import expect

from postmortems import meeting
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory, NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import (
    ContributingFactorFactory,
    OpportunityFactory,
    PerspectiveFactory,
    ReviewFactory,
    category,
)


def _a_reviewed_incident(payments, engineer, facilitator):
    category("missing-guardrail")
    incident = IncidentFactory(
        title="Checkout returns 502 for card payments",
        team=payments,
        responders=[engineer],
        facilitator=facilitator,
        summary="The connection pool was **halved** by a configuration change.",
        customer_impact="Card payments failed for 38 minutes.",
    )
    TimelineEntryFactory(incident=incident, text="The error-rate alert fired for checkout.", known_then="Only web")
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])
    PerspectiveFactory(review=review, author=engineer)
    ContributingFactorFactory(review=review)
    OpportunityFactory(review=review)
    ActionItemFactory(incident=incident, owner=engineer, review=review, title="Check pool size against the limit")
    return incident, review


def test_incident_review_meeting_and_action_pages_are_accessible(
    open_browser, payments, engineer, facilitator, password
):
    incident, review = _a_reviewed_incident(payments, engineer, facilitator)
    IncidentFactory(team=payments, title="Search is slow for large teams", severity="sev4")

    sam = open_browser()
    page = sam.log_in("sam", password, path="/incidents/")
    expect(page.get_by_role("link", name="Checkout returns 502 for card payments")).to_be_visible()
    sam.assert_accessible()
    page.goto("/incidents/?severity=sev1")  # the filtered, empty list
    sam.assert_accessible()

    page.goto(incident.get_absolute_url())
    expect(page.get_by_role("heading", name="Checkout returns 502 for card payments")).to_be_visible()
    expect(page.get_by_text("The error-rate alert fired for checkout.", exact=True)).to_be_visible()
    sam.screenshot("a11y-incident-detail")
    sam.assert_accessible()

    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_text("Check pool size against the limit").first).to_be_visible()
    sam.screenshot("a11y-review")
    sam.assert_accessible()
    page.goto(f"/reviews/{review.pk}/?edit=summary")  # a section open for editing
    sam.assert_accessible()

    meeting.start_meeting(review)
    page.goto(f"/reviews/{review.pk}/meeting/")
    expect(page.locator("#stage-heading")).to_have_text("Timeline")
    sam.screenshot("a11y-meeting")
    sam.assert_accessible()

    page.goto("/actions/")
    expect(page.get_by_role("link", name="Check pool size against the limit")).to_be_visible()
    sam.screenshot("a11y-actions")
    sam.assert_accessible()
    page.get_by_role("link", name="Check pool size against the limit").click()
    expect(page.get_by_role("heading", name="Check pool size against the limit")).to_be_visible()
    sam.assert_accessible()
    assert sam.console_errors == []


def test_incident_review_meeting_and_actions_at_phone_width(open_browser, payments, engineer, facilitator, password):
    incident, review = _a_reviewed_incident(payments, engineer, facilitator)
    meeting.start_meeting(review)
    priya = open_browser(viewport={"width": 390, "height": 844})
    page = priya.log_in("priya", password)
    for path in [incident.get_absolute_url(), review.get_absolute_url(), f"/reviews/{review.pk}/meeting/", "/actions/"]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        priya.assert_accessible()
    priya.screenshot("a11y-actions-phone")
    assert priya.console_errors == []


def test_near_miss_form_and_list_are_accessible_on_a_desktop_and_a_phone(open_browser, payments, engineer, password):
    NearMissFactory(team=payments, what_almost_happened="A migration almost locked the orders table")
    for viewport, name in [(None, "desktop"), ({"width": 390, "height": 844}, "phone")]:
        person = open_browser(viewport=viewport)
        page = person.log_in("priya", password, path="/near-misses/new/")
        expect(page.get_by_label("What almost happened?")).to_be_visible()
        person.assert_accessible()
        # The same form with errors, as someone sees it after sending it empty.
        page.eval_on_selector("main form", "form => { form.noValidate = true; }")
        page.get_by_role("button", name="File the report").click()
        expect(page.locator(".field-error, .form-error").first).to_be_visible()
        person.screenshot(f"a11y-near-miss-form-errors-{name}")
        person.assert_accessible()
        page.goto("/near-misses/")
        person.assert_accessible()
        # Only the deliberate 422 for the form with errors, no script errors.
        assert all("status of 422" in e for e in person.console_errors), person.console_errors
