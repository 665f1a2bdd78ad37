"""The pages as people in the room use them: phone-sized targets, a readable dashboard, the incident form,
saves that cross, and what asks for a facilitator or for feedback."""

import re
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import expect

from actions.models import ActionKind, Notification, NotificationKind
from incidents.models import Status
from postmortems import publishing
from postmortems.models import ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.browser.test_dashboard import seed
from tests.factories import UserFactory
from tests.incidents.factories import IncidentFactory, NearMissFactory
from tests.postmortems.factories import ContributingFactorFactory, ReviewFactory

SHOTS = Path("/tmp/w16-shots")
PHONE = {"width": 390, "height": 844}

# Every radio button and tick box, with its label: the box a finger can hit.
TARGETS_JS = """() => [...document.querySelectorAll('main input[type=radio], main input[type=checkbox]')].map(box => {
  const label = box.closest('label') || document.querySelector(`label[for="${box.id}"]`);
  const rect = (label || box).getBoundingClientRect();
  return {name: (label ? label.textContent : box.name).trim(), width: rect.width, height: rect.height};
})"""

# The size at which each visible chart label is drawn on screen, in CSS pixels.
LABEL_SIZES_JS = """() => [...document.querySelectorAll('svg.chart')].filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(text => parseFloat(getComputedStyle(text).fontSize) * scale);
  })"""


def shot(person, name):
    SHOTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_near_miss_form_targets_are_44_px_on_a_phone_and_thanks_read_right(
    open_browser, engineer, teammate, payments, password
):
    thanked = NearMissFactory(team=payments, reporter=teammate, thanks_count=1)
    for viewport, name in ((PHONE, "near-miss-form-phone"), (None, "near-miss-form-desktop")):
        person = open_browser(viewport=viewport) if viewport else open_browser()
        page = person.log_in("priya", password, path="/near-misses/new/")
        expect(page.get_by_role("heading", name="Report a near miss")).to_be_visible()
        targets = page.evaluate(TARGETS_JS)
        assert len(targets) >= 4, targets
        small = [t for t in targets if t["height"] < 44 or t["width"] < 44]
        assert small == [], f"targets under 44 px: {small}"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        person.assert_accessible()
        shot(person, name)
        assert person.console_errors == []

    page.goto(thanked.get_absolute_url())
    expect(page.locator("#thanks")).to_contain_text("1 person said thank you for reporting this.")
    page.get_by_role("button", name="Thank the reporter").click()
    expect(page.locator("#thanks")).to_contain_text("2 people said thank you for reporting this.")
    page.goto("/near-misses/")
    expect(page.get_by_text("thanked by 2")).to_be_visible()


def test_the_dashboard_reads_on_a_desktop_and_a_phone(open_browser, manager, payments, platform, password):
    seed(payments, platform)
    for viewport, name in ((None, "dashboard-desktop"), (PHONE, "dashboard-phone")):
        person = open_browser(viewport=viewport) if viewport else open_browser()
        page = person.log_in("maya", password, path="/dashboard/")
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        sizes = page.evaluate(LABEL_SIZES_JS)
        assert len(sizes) > 50 and min(sizes) >= 12, f"smallest chart label {min(sizes):.1f} px"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # Counts read as whole numbers, in the headline and in every table.
        page.locator("details.chart-table summary").evaluate_all("els => els.forEach(e => e.click())")
        cells = page.locator("main .headline-value, main td.num").all_inner_texts()
        assert [cell for cell in cells if re.fullmatch(r"[\d,]+\.0", cell.strip())] == []
        # One CSV per table: no two links download the same thing.
        links = page.locator("a.csv-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(links) == len(set(links)) > 5
        # The review-quality chart says how participants rated the reviews.
        expect(page.locator("#chart-review-quality .chart-note")).to_contain_text(re.compile("rated"))
        person.assert_accessible()
        shot(person, name)
        page.locator(".headline").screenshot(path=str(SHOTS / f"{name}-headline.png"))
        for chart in ("time-to-mitigate", "review-quality", "factor-categories", "action-items-weekly"):
            page.locator(f"#chart-{chart}").screenshot(path=str(SHOTS / f"{name}-{chart}.png"))

        # A filter that leaves a chart nothing to draw says so instead of showing a blank card.
        page.get_by_label("Team", exact=True).select_option("platform")
        empty = page.locator("#chart-near-misses .chart-empty")
        expect(empty).to_contain_text("Nothing to draw for these filters")
        expect(page.locator("#chart-near-misses svg")).to_have_count(0)
        assert person.console_errors == []
    shot(person, "dashboard-phone-platform")


def test_the_incident_form_and_saves_that_cross(
    open_browser, engineer, teammate, facilitator, payments, platform, password
):
    UserFactory(username="ana", display_name="Ana Flores")
    incident = IncidentFactory(
        title="Checkout returns 502 for card payments",
        team=payments,
        responders=[engineer],
        status=Status.MITIGATED,
        impact_started_at=datetime(2026, 3, 1, 14, 0, tzinfo=UTC),
        detected_at=datetime(2026, 3, 1, 14, 5, tzinfo=UTC),
        mitigated_at=datetime(2026, 3, 1, 15, 0, tzinfo=UTC),
    )
    item = ActionItemFactory(incident=incident, title="Add a canary check to the payments deploy", owner=engineer)
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer])

    priya = open_browser()
    page = priya.log_in("priya", password, path="/incidents/")
    # The list names incidents by number, as the form's help says.
    expect(page.get_by_role("link", name=f"#{incident.pk} Checkout returns 502")).to_be_visible()
    page.goto(f"/incidents/{incident.pk}/edit/")
    # Responders: one searchable list of tick boxes.
    search = page.get_by_label("Find a responder by name")
    search.fill("ana fl")
    expect(page.get_by_label("Ana Flores")).to_be_visible()
    expect(page.get_by_label("Jonas Berg")).to_be_hidden()
    expect(page.get_by_label("Priya Raman")).to_be_visible()  # ticked people stay in view
    search.press("Enter")
    expect(page.get_by_label("Ana Flores")).to_be_checked()
    # Other teams never offer the leading team, also after choosing another one.
    others = page.locator("#id_involved_teams")
    expect(others.get_by_label("Payments")).to_have_count(0)
    page.get_by_label("Team", exact=True).select_option(label="Platform")
    expect(others.get_by_label("Platform")).to_be_hidden()
    page.get_by_label("Team", exact=True).select_option(label="Payments")
    priya.assert_accessible()
    shot(priya, "incident-form-desktop")
    # Mitigated → reviewed without being resolved is refused, with what to do.
    page.get_by_label("Status").select_option("reviewed")
    page.locator("#id_resolved_at").fill("2026-03-01T16:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("An incident is reviewed only after it is resolved")).to_be_visible()
    page.get_by_label("Status").select_option("resolved")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The incident is updated.")).to_be_visible()
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and set(incident.responders.values_list("username", flat=True)) == {
        "priya",
        "ana",
    }

    # Two people edit the incident at once: the later save is told and sees both versions.
    jonas = open_browser()
    jonas.log_in("jonas", password, path=f"/incidents/{incident.pk}/edit/")
    page.goto(f"/incidents/{incident.pk}/edit/")
    page.get_by_label("Summary").fill("A pool-size change halved the database connections.")
    jonas.page.get_by_label("Summary").fill("The pool change reached every region at once.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The incident is updated.")).to_be_visible()
    jonas.page.get_by_role("button", name="Save changes").click()
    conflict = jonas.page.locator(".conflict")
    expect(conflict).to_contain_text("Someone saved this incident while you were editing.")
    expect(conflict.locator(".theirs")).to_contain_text("A pool-size change halved the database connections.")
    expect(jonas.page.get_by_label("Summary")).to_have_value("The pool change reached every region at once.")
    jonas.assert_accessible()
    jonas.page.get_by_role("button", name="Save changes").click()  # deliberately, after seeing both
    expect(jonas.page.get_by_text("The incident is updated.")).to_be_visible()

    # The same for an action item, edited inline on its page.
    for person in (priya, jonas):
        person.page.goto(f"{item.get_absolute_url()}?edit=1")
        expect(person.page.get_by_label("Title")).to_be_visible()
    page.get_by_label("Title").fill("Add a canary stage to the payments deploy")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#action-item h1")).to_have_text("Add a canary stage to the payments deploy")
    jonas.page.get_by_label("Title").fill("Block deploys that halve the pool")
    jonas.page.get_by_role("button", name="Save", exact=True).click()
    conflict = jonas.page.locator("#action-item .conflict")
    expect(conflict).to_contain_text("Someone saved this action item while you were editing.")
    expect(conflict.locator(".theirs")).to_contain_text("Add a canary stage to the payments deploy")
    expect(jonas.page.get_by_label("Title")).to_have_value("Block deploys that halve the pool")
    item.refresh_from_db()
    assert item.title == "Add a canary stage to the payments deploy"

    # And for the review's participant list, changed by its facilitator in two tabs.
    sam = open_browser()
    sam.log_in("sam", password, path=f"/reviews/{review.pk}/")
    other_tab = sam.context.new_page()
    other_tab.goto(f"/reviews/{review.pk}/")
    for tab, name in ((sam.page, "Jonas Berg"), (other_tab, "Ana Flores")):
        tab.get_by_text("Change participants").click()
        tab.locator("#participants").get_by_label(name).check()
    sam.page.get_by_role("button", name="Save participants").click()
    expect(sam.page.get_by_text("Participants updated.")).to_be_visible()
    other_tab.get_by_role("button", name="Save participants").click()
    conflict = other_tab.locator("#participants .conflict")
    expect(conflict).to_contain_text("Someone changed the participants while you were choosing.")
    expect(conflict.locator(".theirs")).to_contain_text("Jonas Berg")
    expect(other_tab.locator("#participants").get_by_label("Ana Flores")).to_be_checked()
    assert set(review.participants.values_list("username", flat=True)) == {"sam", "priya", "jonas"}
    # The refused save (422) and the crossed saves (409) are the answers the browser logs; nothing else.
    expected = re.compile(r"status of (422|409) ")
    for person in (priya, jonas, sam):
        assert [error for error in person.console_errors if not expected.search(error)] == []


def test_a_facilitator_is_asked_for_and_participants_are_asked_for_feedback(
    open_browser, engineer, facilitator, payments, password
):
    incident = IncidentFactory(title="Checkout returns 502 for card payments", team=payments, responders=[engineer])
    priya = open_browser()
    page = priya.log_in("priya", password, path=incident.get_absolute_url())
    page.get_by_role("button", name="Request a facilitator").click()
    expect(page.get_by_text("We asked the team's facilitators to run it")).to_be_visible()
    expect(page.get_by_text("We told the people who facilitate for Payments")).to_be_visible()

    # The facilitator finds it in the inbox, and the review offers one clear thing to do.
    sam = open_browser()
    inbox = sam.log_in("sam", password, path="/notifications/")
    expect(
        inbox.get_by_text("The review of “Checkout returns 502 for card payments” needs a facilitator")
    ).to_be_visible()
    assert not inbox.locator(".notification-meta").first.inner_text().strip().endswith("·")
    inbox.get_by_role("button", name="Open").first.click()
    # The head of the review page (its header and any call to act) holds exactly one primary button.
    primary = inbox.locator(".review-head .button.primary, main > .callout .button.primary")
    expect(primary).to_have_count(1)
    expect(primary).to_have_text("Facilitate this review")
    sam.assert_accessible()
    primary.click()
    expect(primary).to_have_count(1)
    expect(primary).to_have_text("Start the meeting")

    # After publishing, each participant is asked once in the inbox, and on their home page until they answer.
    _publish(incident.review)
    home = priya.page
    home.goto("/")
    ask = home.locator(".feedback-ask")
    expect(ask).to_contain_text("How did this review go?")
    priya.assert_accessible()
    shot(priya, "home-feedback-ask")
    home.goto("/notifications/")
    expect(home.get_by_text("is published: how did the review go?")).to_have_count(1)
    home.goto("/")
    ask.get_by_role("link", name="Checkout returns 502 for card payments").click()
    home.get_by_label("4").first.check()
    home.locator("input[name=feedback-useful][value='5']").check()
    home.get_by_role("button", name="Send feedback").click()
    expect(home.get_by_text("Thank you for your feedback on this review.")).to_be_visible()
    home.goto("/")
    expect(home.locator(".feedback-ask")).to_have_count(0)
    assert Notification.objects.filter(kind=NotificationKind.FEEDBACK_ASKED).count() == 2  # Priya and Sam
    assert priya.console_errors == [] and sam.console_errors == []


def _publish(review):
    """Publish through the same rule the publish page uses, once its blockers are met."""
    ContributingFactorFactory(review=review)
    ActionItemFactory(incident=review.incident, review=review, kind=ActionKind.GUARDRAIL)
    review.status = ReviewStatus.IN_REVIEW
    review.summary = "A configuration change halved the database connection pool."
    review.save()
    assert publishing.publish_blockers(review) == []
    publishing.publish(review)


def test_the_other_pages_touched_are_accessible(open_browser, engineer, teammate, payments, password):
    from actions.notify import notify
    from tests.postmortems.test_library import published_review

    UserFactory(username="facilitator")  # one of the demo people, for the sign-in page in development
    visitor = open_browser(viewport=PHONE)
    visitor.page.goto("/login/")
    expect(visitor.page.get_by_role("heading", name="Demo sign-ins")).to_be_visible()
    visitor.assert_accessible()

    published_review(payments, "Checkout returns 502", "The connection pools were exhausted after a deploy.")
    near_miss = NearMissFactory(team=payments, reporter=teammate, thanks_count=3)
    item = ActionItemFactory(incident=IncidentFactory(team=payments, responders=[engineer]), owner=engineer)
    notify(engineer, NotificationKind.THANKS, "Someone thanked you for a report", "Thank you.", "/near-misses/")
    priya = open_browser()
    page = priya.log_in("priya", password, path="/reviews/?q=pool")
    expect(page.locator(".snippet mark")).to_have_text("pools")
    for path in ("/notifications/", near_miss.get_absolute_url(), f"{item.get_absolute_url()}?edit=1"):
        page.goto(path)
        priya.assert_accessible()
    page.goto("/reviews/?q=pool")
    priya.assert_accessible()
    assert priya.console_errors == [] and visitor.console_errors == []
