"""A responder opens an incident and builds its timeline inline, without the page reloading."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from incidents.models import Incident, TimelineEntry
from tests.incidents.factories import IncidentFactory


def snap(person, name):
    person.screenshot(name)
    # Taking a screenshot leaves empty style attributes on inputs; htmx copies attributes across a swap,
    # which the CSP then reports. Remove what the harness added so the console shows only the product's errors.
    person.page.evaluate("document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def test_responder_opens_an_incident_and_builds_the_timeline_inline(open_browser, engineer, password):
    engineer.time_zone = "Europe/Berlin"
    engineer.save()
    person = open_browser(timezone_id="Europe/Berlin")
    page = person.log_in("priya", password)

    page.get_by_role("link", name="Incidents", exact=True).click()
    expect(page.get_by_text("No incidents recorded yet")).to_be_visible()
    snap(person, "incidents-empty")
    page.get_by_role("link", name="Open the first incident").click()
    expect(page.get_by_text("In your time zone, Europe/Berlin.")).to_be_visible()
    page.get_by_label("What is happening?").fill("Checkout returns 502 for card payments")
    page.get_by_label("SEV2 — Major").check()
    page.get_by_label("Impact started").fill("2026-03-01T14:00")
    snap(person, "incident-new")
    page.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_role("heading", name="Checkout returns 502 for card payments")).to_be_visible()
    incident = Incident.objects.get()

    # From here on, nothing may reload the page: this marker would vanish.
    page.evaluate("window.pageMarker = 'still here'")
    add = page.locator("#timeline-add")
    for when, kind, text in [
        ("2026-03-01T14:30", "Action", "Rolled back deploy 812"),
        ("2026-03-01T14:04", "Alert", "CheckoutErrors alert fired"),
        ("2026-03-01T14:12", "Observation", "Card payments failing at 12%"),
    ]:
        add.get_by_label("Time").fill(when)
        add.get_by_label("Kind").select_option(label=kind)
        add.get_by_label("What happened").fill(text)
        add.get_by_role("button", name="Add to the timeline").click()
        expect(page.locator("#timeline .timeline-entry", has_text=text)).to_be_visible()
    expect(page.locator("#timeline .entry-text")).to_have_text(
        ["CheckoutErrors alert fired", "Card payments failing at 12%", "Rolled back deploy 812"]
    )

    # An error keeps the typed text, in place.
    add.get_by_label("Time").fill("")
    add.get_by_label("What happened").fill("Half-typed thought")
    add.get_by_role("button", name="Add to the timeline").click()
    expect(page.locator("#timeline-add .field-error")).to_contain_text("This field is required.")
    expect(page.locator("#timeline-add").get_by_label("What happened")).to_have_value("Half-typed thought")

    # Decisions ask what was known and missing; the fields appear only for decisions.
    expect(add.get_by_label("What was known at that moment")).to_be_hidden()
    add.get_by_label("Kind").select_option(label="Decision")
    expect(add.get_by_label("What was known at that moment")).to_be_visible()
    add.get_by_label("Kind").select_option(label="Observation")

    # Edit the alert to an earlier time: it moves, still in time order.
    entry = page.locator("#timeline .timeline-entry", has_text="Rolled back deploy 812")
    entry.get_by_role("link", name="Edit").click()
    form = page.locator("form.entry-form")
    form.get_by_label("What happened").fill("Rolled back deploy 812 to 811")
    form.get_by_label("Time").fill("2026-03-01T14:10")
    snap(person, "timeline-editing")
    form.get_by_role("button", name="Save entry").click()
    expect(page.locator("#timeline .entry-text")).to_have_text(
        ["CheckoutErrors alert fired", "Rolled back deploy 812 to 811", "Card payments failing at 12%"]
    )
    expect(page.locator("#timeline .entry-when").first).to_have_text("14:04 CET")
    assert page.evaluate("window.pageMarker") == "still here"
    snap(person, "incident-detail")

    edited = TimelineEntry.objects.get(text="Rolled back deploy 812 to 811")
    assert edited.version == 2 and edited.incident == incident
    assert incident.timeline.count() == 3
    # The one expected "error" is the browser noting the 422 answer to the invalid entry above.
    unexpected = [e for e in person.console_errors if "status of 422" not in e]
    assert unexpected == []


def test_responder_imports_a_chat_transcript_after_a_preview(open_browser, engineer, payments, password):
    incident = IncidentFactory(
        title="Checkout returns 502 for card payments", team=payments, responders=[engineer],
        impact_started_at=datetime(2026, 3, 1, 13, 0, tzinfo=UTC),
    )  # fmt: skip
    earlier = IncidentFactory(title="Card payments time out after certificate rotation", team=payments)
    person = open_browser()
    page = person.log_in("priya", password, path=incident.get_absolute_url())
    page.get_by_role("link", name="Import a chat transcript").click()

    paste = page.get_by_label("Transcript")
    paste.fill("x" * 200_001)
    page.get_by_role("button", name="Preview the entries").click()
    expect(page.locator("#import .inline-error")).to_contain_text("we take up to 200 KB")

    paste.fill("[14:02] priya: checkout errors at 4%\nsam joined the channel\n[14:05] jonas: rolling back 812")
    page.get_by_role("button", name="Preview the entries").click()
    expect(page.get_by_text("Not read: No time at the start of the line.")).to_be_visible()
    expect(page.get_by_label("Text of row 1")).to_have_value("priya: checkout errors at 4%")
    page.get_by_label("Kind of row 2").select_option(label="Action")
    snap(person, "timeline-import-preview")
    page.get_by_role("button", name="Save the ticked entries").click()

    expect(page.get_by_text("2 timeline entries imported.")).to_be_visible()
    expect(page.locator("#timeline .entry-text")).to_have_text(
        ["priya: checkout errors at 4%", "jonas: rolling back 812"]
    )
    assert list(incident.timeline.values_list("kind", flat=True)) == ["communication", "action"]

    # Link the earlier incident of the same class, inline.
    page.get_by_label("Related incident", exact=True).fill(str(earlier.pk))
    page.get_by_label("Note").fill("gateway client configuration")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator("#related")).to_contain_text("gateway client configuration")
    assert person.console_errors == []
