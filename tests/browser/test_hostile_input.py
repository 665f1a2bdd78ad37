"""Hostile text in every free-text field, rendered in a real browser: it shows as text and nothing runs.

Many payloads go onto one set of objects (written through the ORM, plus a couple through the real
forms), then each page that shows them is opened once. On every page: no dialog opened, no CSP
violation event, no console error, no element carrying an event handler or a ``javascript:`` link,
and no script but the application's own.
"""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionStatus, Notification, NotificationKind
from audit.context import acting_as
from incidents.models import IncidentLink
from postmortems import meeting, search
from postmortems.models import ReviewFeedback, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory, NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import (
    ContributingFactorFactory,
    OpportunityFactory,
    PerspectiveFactory,
    ReviewFactory,
    category,
)
from tests.test_markup import XSS_PAYLOADS

# Aimed at plain-text fields: breaking out of an attribute or a textarea, and template injection.
PLAIN_PAYLOADS = [
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "</textarea><script>alert(1)</script>",
    "'-alert(1)-'",
    "${alert(1)}",
    "<svg onload=alert(1)>",
]
PLAIN = " ".join(PLAIN_PAYLOADS)  # 123 characters: fits every title and name field
NAME = f"{PLAIN_PAYLOADS[0]} {PLAIN_PAYLOADS[1]}"  # a shorter one, to tell people and items apart
MARKDOWN = "\n\n".join([*XSS_PAYLOADS, *PLAIN_PAYLOADS])
# The one payload every page must show literally, proving the text was escaped and not dropped.
MARKER = PLAIN_PAYLOADS[0]

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""

DANGEROUS_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (['href', 'src', 'action', 'formaction', 'data'].includes(attr.name)
          && (value.startsWith('javascript:') || value.startsWith('vbscript:') || value.startsWith('data:text')))
        found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const script of document.scripts) {
    if (!script.src || new URL(script.src).origin !== location.origin || !new URL(script.src).pathname.startsWith('/static/'))
      found.push(`SCRIPT ${script.src || script.textContent.slice(0, 60)}`);
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]', 'form[action^="javascript"]'])
    for (const el of document.querySelectorAll(tag)) found.push(el.outerHTML.slice(0, 80));
  return found;
}"""


class Watched:
    """One person's browser with dialogs, CSP violations and console errors recorded."""

    def __init__(self, session):
        self.session = session
        self.page = session.page
        self.dialogs: list[str] = []
        session.context.add_init_script(WATCH_CSP)
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def visit(self, path: str, *, shows: str | None = MARKER, allowed_statuses=(200,)):
        response = self.page.goto(path)
        assert response.status in allowed_statuses, (path, response.status)
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # let htmx "load" triggers and image errors fire if anything slipped through
        self.assert_clean(path)
        if shows:
            assert shows in self.page.locator("main").inner_text(), f"{shows!r} not shown as text on {path}"

    def assert_clean(self, where: str):
        assert self.dialogs == [], (where, self.dialogs)
        assert self.page.evaluate("window.__cspViolations") == [], where
        assert self.page.evaluate(DANGEROUS_DOM) == [], where
        assert self.page.evaluate("typeof window.__pwned") == "undefined", where
        assert self.session.console_errors == [], (where, self.session.console_errors)


def _hostile_world(payments, engineer, teammate, facilitator):
    category("missing-guardrail")
    engineer.display_name = NAME
    engineer.save()
    payments.description = PLAIN
    payments.save()
    with acting_as(engineer):
        incident = IncidentFactory(
            title=PLAIN,
            summary=MARKDOWN,
            customer_impact=MARKDOWN,
            team=payments,
            responders=[engineer, teammate],
            facilitator=facilitator,
            mitigated_at=timezone.now() - dt.timedelta(hours=1),
        )
        incident.title = f"{PLAIN} (renamed)"
        incident.save()
        TimelineEntryFactory(
            incident=incident,
            text=MARKDOWN,
            known_then=PLAIN,
            missing_then=MARKDOWN,
            link="https://example.com/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        )
        near_miss = NearMissFactory(
            team=payments, reporter=engineer, what_almost_happened=MARKDOWN, what_could_have_happened=PLAIN
        )
        review = ReviewFactory(
            incident=incident,
            title=PLAIN,
            facilitator=facilitator,
            participants=[facilitator, engineer, teammate],
            summary=MARKDOWN,
            impact=MARKDOWN,
            went_well=MARKDOWN,
            got_lucky=MARKDOWN,
            meeting_place=PLAIN,
            meeting_at=timezone.now() + dt.timedelta(days=1),
        )
        PerspectiveFactory(review=review, author=engineer, saw=MARKDOWN, knew=PLAIN, assumed=MARKDOWN, pressure=PLAIN)
        ContributingFactorFactory(review=review, description=f"{PLAIN}\n\n{MARKDOWN}")
        OpportunityFactory(review=review, question=PLAIN)
        item = ActionItemFactory(
            incident=incident, review=review, owner=engineer, title=PLAIN, description=MARKDOWN, priority="high"
        )
        refused = ActionItemFactory(
            incident=incident,
            owner=engineer,
            title=NAME,
            status=ActionStatus.WONT_DO,
            wont_do_reason=f"{PLAIN}\n{MARKDOWN}",
        )
    earlier = IncidentFactory(team=payments, title="Checkout errors last spring")
    IncidentLink.objects.create(from_incident=incident, to_incident=earlier, note=PLAIN[:200])
    ReviewFeedback.objects.create(review=review, author=teammate, blameless=4, useful=4, comment=PLAIN)
    Notification.objects.create(
        recipient=engineer,
        kind=NotificationKind.ACTION_ASSIGNED,
        title=PLAIN,
        body=MARKDOWN,
        url=item.get_absolute_url(),
    )
    return incident, near_miss, review, item, refused


def test_hostile_text_everywhere_shows_as_text_and_nothing_runs(
    open_browser, payments, engineer, teammate, facilitator, password
):
    incident, near_miss, review, item, refused = _hostile_world(payments, engineer, teammate, facilitator)
    priya = Watched(open_browser())
    priya.session.log_in("priya", password)

    priya.visit("/")
    priya.visit("/incidents/")
    priya.visit("/incidents/?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E")
    priya.visit(incident.get_absolute_url())
    expect(priya.page.get_by_text("{{7*7}}").first).to_be_visible()
    priya.session.screenshot("hostile-incident-detail")
    priya.visit(f"/history/incidents.incident/{incident.pk}/")
    priya.visit("/near-misses/", shows=None)
    assert "<script>alert(1)</script>" in priya.page.locator("main").inner_text()
    priya.visit(near_miss.get_absolute_url())
    priya.visit(review.get_absolute_url())
    priya.session.screenshot("hostile-review")
    priya.visit(f"/reviews/{review.pk}/?edit=summary")
    # The textarea holds the markdown exactly as typed, </textarea> and all.
    assert priya.page.locator("#id_summary-text").input_value() == MARKDOWN
    priya.visit("/actions/")
    priya.visit("/actions/mine/")
    priya.visit(item.get_absolute_url())
    priya.visit(refused.get_absolute_url(), shows=NAME)
    priya.visit("/notifications/")
    priya.visit("/teams/payments/")
    priya.visit("/dashboard/", shows=None)
    assert NAME not in priya.page.content(), "the dashboard names no person"

    meeting.start_meeting(review)
    sam = Watched(open_browser())
    sam.session.log_in("sam", password)
    sam.visit(f"/reviews/{review.pk}/meeting/")
    for section in ["perspectives", "factors", "opportunities", "actions"]:
        meeting.move_agenda(review, section)
        sam.visit(f"/reviews/{review.pk}/meeting/", shows=PLAIN_PAYLOADS[1])

    invite = sam.page.request.get(f"/reviews/{review.pk}/invite.ics")
    assert invite.headers["content-type"].startswith("text/calendar")
    assert "{{7*7}}" in invite.text()

    review.refresh_from_db()
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    search.index_for_search(review)
    review.save()
    sam.visit(review.get_absolute_url())
    sam.visit("/reviews/?q=onerror")
    sam.visit("/reviews/?q=%3Cscript%3E", shows=None)

    # Exports are served as text, never as a page a browser would run.
    # ("{{7*7}}" is part of Priya's name here, which the anonymised export replaces by her role.)
    for path, kind, shown in [
        (f"/reviews/{review.pk}/export.md", "text/markdown", "{{7*7}}"),
        (f"/reviews/{review.pk}/export-anonymised.md", "text/markdown", "${alert(1)}"),
        ("/actions/export.csv", "text/csv", "{{7*7}}"),
    ]:
        response = sam.page.request.get(path)
        assert response.status == 200, path
        assert response.headers["content-type"].startswith(kind), (path, response.headers["content-type"])
        assert response.headers["x-content-type-options"] == "nosniff"
        assert shown in response.text(), path


def test_hostile_text_typed_into_the_real_forms_is_stored_and_shown_as_typed(
    open_browser, payments, engineer, password
):
    priya = Watched(open_browser())
    page = priya.session.log_in("priya", password, path="/incidents/new/")
    page.get_by_label("What is happening?").fill(PLAIN[:200])
    page.get_by_label("Impact started").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_role("heading", name=PLAIN[:200])).to_be_visible()
    priya.assert_clean("incident form")
    priya.visit(page.url, shows=PLAIN[:200])
    incident_url = page.url
    # A timeline entry through the htmx form on the incident page.
    page.get_by_role("textbox", name="What happened").fill(f"{PLAIN}\n{MARKDOWN}")
    page.get_by_role("button", name="Add to the timeline").click()
    expect(page.locator("#timeline")).to_contain_text(MARKER)
    priya.assert_clean("timeline form")
    priya.visit(page.url)

    page.goto("/near-misses/new/")
    page.get_by_label("What almost happened?").fill(MARKDOWN)
    page.get_by_label("A review (code, design or change review)").check()
    page.get_by_label("What could have happened?").fill(PLAIN)
    page.get_by_role("button", name="File the report").click()
    expect(page.get_by_text(PLAIN)).to_be_visible()
    priya.assert_clean("near-miss form")
    priya.session.screenshot("hostile-near-miss")

    # Too much text in an htmx form: a clear message beside it, and the text stays in the field.
    page.goto(incident_url)
    text = page.get_by_role("textbox", name="What happened")
    text.evaluate("el => { el.value = 'log line '.repeat(350000); }")
    page.get_by_role("button", name="Add to the timeline").click()
    expect(page.get_by_text("That is more text than we can take at once. Please split it up.")).to_be_visible()
    assert text.evaluate("el => el.value.length") == len("log line ") * 350_000
    assert [e for e in priya.session.console_errors if "413" not in e] == []
    priya.session.console_errors.clear()

    # The watchers do see an attack that gets through: an injected handler is refused by the CSP
    # and reported, the element is flagged, and a dialog is recorded.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "script-src" in page.evaluate("window.__cspViolations")[0]
    assert page.evaluate(DANGEROUS_DOM) == ["IMG onerror"]
    page.evaluate("setTimeout(() => alert('probe'), 0)")
    page.wait_for_timeout(200)
    assert priya.dialogs == ["probe"]
