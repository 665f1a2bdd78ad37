"""The gate before publishing, the published page, exports, the invite, feedback and deadlines."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from incidents.models import Severity
from postmortems import publishing, review_language
from postmortems.models import FlagDismissal, ReviewFeedback, ReviewStatus, meeting_due_by, review_required
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import (
    ContributingFactorFactory,
    OpportunityFactory,
    PerspectiveFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_review(review):
    """A review after its meeting, with a factor and an opportunity."""
    ContributingFactorFactory(review=review, description="Nothing compared pool size with the database limit.")
    OpportunityFactory(review=review, question="How might we check pool sizes before deploying?")
    ActionItemFactory(review=review, incident=review.incident, title="Check pool size against the database limit in CI")
    review.status = ReviewStatus.IN_REVIEW
    review.save()
    return review


def test_open_language_notes_block_publishing_until_dismissed_with_a_reason(client, ready_review, facilitator):
    review = ready_review
    review.went_well = "Priya was careless with the config, but the rollback was quick."
    review.save()
    client.force_login(facilitator)

    gate = client.get(reverse("review_publish", args=[review.pk]))
    assert "language note" in gate.text and "still open" in gate.text
    assert "careless" in gate.text
    assert "A better framing" in gate.text
    refused = client.post(reverse("review_publish", args=[review.pk]), follow=True)
    assert "still open" in refused.text
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW

    flags = review_language.open_flags(review)
    assert flags and all(item.source == "What went well" for item in flags)
    without_reason = client.post(
        reverse("review_flag_dismiss", args=[review.pk]), {"key": flags[0].flag.key, "reason": " "}
    )
    assert without_reason.status_code == 302
    assert not FlagDismissal.objects.exists()

    for item in flags:
        client.post(
            reverse("review_flag_dismiss", args=[review.pk]),
            {"key": item.flag.key, "reason": "Quoted from the chat log for context."},
        )
    dismissal = FlagDismissal.objects.first()
    assert dismissal.dismissed_by == facilitator and dismissal.reason == "Quoted from the chat log for context."
    assert review_language.open_flags(review) == []

    client.post(reverse("review_publish", args=[review.pk]))
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED


def test_flags_in_timeline_entries_count_too(ready_review):
    ready_review.incident.timeline.create(
        occurred_at=ready_review.incident.impact_started_at, text="The on-call engineer failed to notice the alert."
    )
    sources = {item.source for item in review_language.open_flags(ready_review)}
    assert any(source.startswith("Timeline") for source in sources)


def test_only_flags_that_exist_can_be_dismissed(ready_review, facilitator):
    with pytest.raises(ValidationError):
        review_language.dismiss_flag(ready_review, "person_blame:made up", "no", facilitator)


def test_publishing_needs_a_meeting_a_summary_and_a_factor(review):
    review.summary = ""
    review.save()
    blockers = publishing.publish_blockers(review)
    assert any("meeting" in b for b in blockers)
    assert any("summary" in b for b in blockers)
    assert any("contributing factor" in b for b in blockers)
    with pytest.raises(ValidationError):
        publishing.publish(review)


def test_publishing_needs_a_concrete_change_to_the_system(ready_review):
    ready_review.action_items.all().delete()
    ActionItemFactory(review=ready_review, incident=ready_review.incident, title="Be more careful with pool sizes")
    blockers = publishing.publish_blockers(ready_review)
    assert any("No concrete change to the system yet" in b for b in blockers)
    ActionItemFactory(
        review=ready_review, incident=ready_review.incident, title="Add a lint rule for pool sizes", change_url=""
    )
    # The appeal to care is still shown in the published review, so it stays a language note to act on.
    assert [item.source for item in review_language.open_flags(ready_review)] == [
        "Action item “Be more careful with pool sizes”"
    ]
    ready_review.action_items.filter(title__startswith="Be more careful").delete()
    assert publishing.publish_blockers(ready_review) == []


def test_other_apps_can_add_publish_checks(ready_review, monkeypatch):
    monkeypatch.setattr(publishing, "PUBLISH_CHECKS", [lambda review: ["Add at least one systemic action item."]])
    assert publishing.publish_blockers(ready_review) == ["Add at least one systemic action item."]


def test_engineer_cannot_publish_or_dismiss(client, ready_review, engineer):
    client.force_login(engineer)
    assert client.get(reverse("review_publish", args=[ready_review.pk])).status_code == 403
    assert (
        client.post(reverse("review_flag_dismiss", args=[ready_review.pk]), {"key": "x", "reason": "y"}).status_code
        == 403
    )


# --- the published review, exports, invite -------------------------------------------------------


@pytest.fixture
def published(ready_review, engineer, teammate, facilitator):
    PerspectiveFactory(review=ready_review, author=engineer, saw="Priya Raman saw the alert at 02:14.")
    PerspectiveFactory(review=ready_review, author=teammate, saw="Jonas watched the web tier dashboard.")
    ready_review.perspectives_revealed_at = ready_review.created_at
    ready_review.summary = "Sam Lindqvist opened the bridge; Priya rolled back the pool change with Jonas."
    ready_review.save()
    publishing.publish(ready_review)
    ready_review.refresh_from_db()
    return ready_review


def test_markdown_export(client, published, outsider):
    client.force_login(outsider)  # anyone who can see the incident can read and export
    response = client.get(reverse("review_export_markdown", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Checkout returns 502 for card payments\n")
    for heading in ["## Summary", "## Timeline", "## Perspectives", "## Contributing factors", "## Where we got lucky"]:
        assert heading in text
    assert "**Missing guardrail** (structure)" in text
    assert "How might we check pool sizes before deploying?" in text
    assert "Priya Raman" in text


def test_anonymised_export_replaces_names_with_roles(client, published, facilitator):
    client.force_login(facilitator)
    text = client.get(reverse("review_export_anonymised", args=[published.pk])).content.decode()
    for name in ["Priya", "Raman", "Jonas", "Berg", "Sam", "Lindqvist", "priya", "jonas"]:
        assert name not in text, name
    assert "The facilitator opened the bridge" in text
    assert "Engineer A" in text and "Engineer B" in text
    assert "### Engineer" in text  # perspective headings carry roles, not names


def test_exports_wait_for_publishing(client, ready_review, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("review_export_markdown", args=[ready_review.pk])).status_code == 403


def test_published_page_is_read_only_and_printable(client, published, facilitator, engineer):
    for person in (facilitator, engineer):
        client.force_login(person)
        page = client.get(published.get_absolute_url())
        assert "data-print" in page.text
        assert "Download as Markdown" in page.text and "Anonymised export" in page.text
        for name in ["review_factor_add", "review_opportunity_add", "review_perspective", "review_schedule"]:
            assert reverse(name, args=[published.pk]) not in page.text, name
        assert reverse("review_section", args=[published.pk, "summary"]) not in page.text
        assert (
            'method="post"'
            not in page.text.replace('action="/logout/"', "").split('id="feedback"')[0].split('id="main"')[1]
        )


def test_calendar_invite(client, review, facilitator, engineer):
    client.force_login(facilitator)
    response = client.post(
        reverse("review_schedule", args=[review.pk]),
        {"meeting_at": "2030-03-04T10:00", "meeting_minutes": 45, "meeting_place": "Room 3; call link"},
    )
    assert response.status_code == 302
    invite = client.get(reverse("review_invite", args=[review.pk]))
    assert invite["Content-Type"].startswith("text/calendar")
    body = invite.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20300304T100000Z\r\n" in body and "DTEND:20300304T104500Z\r\n" in body
    assert "LOCATION:Room 3\\; call link" in body
    assert "mailto:priya@example.com" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    client.force_login(engineer)
    assert client.get(reverse("review_invite", args=[review.pk])).status_code == 403


# --- feedback ---------------------------------------------------------------------------------


def test_feedback_results_appear_only_once_three_people_answered(
    client, published, engineer, teammate, facilitator, manager
):
    url = reverse("review_feedback", args=[published.pk])
    client.force_login(engineer)
    assert "How was this review?" in client.get(published.get_absolute_url()).text
    client.post(url, {"feedback-blameless": 5, "feedback-useful": 4, "feedback-comment": "Calm and fair."})
    client.post(url, {"feedback-blameless": 1, "feedback-useful": 1})  # once only
    client.force_login(teammate)
    client.post(url, {"feedback-blameless": 4, "feedback-useful": 2, "feedback-comment": ""})
    assert ReviewFeedback.objects.count() == 2

    client.force_login(manager)  # not a participant
    assert client.post(url, {"feedback-blameless": 3, "feedback-useful": 3}).status_code == 403

    # Two answers: no averages, no count, no comments; the page says why.
    client.force_login(facilitator)
    results = client.get(published.get_absolute_url()).text.split('id="feedback-results"')[1].split("</section>")[0]
    assert "Too few answers to show without identifying someone" in results
    assert "Calm and fair." not in results and "4.5" not in results and "Answers" not in results

    # The third answer shows all three together.
    published.participants.add(manager)
    client.force_login(manager)
    client.post(url, {"feedback-blameless": 3, "feedback-useful": 3, "feedback-comment": "Useful timeline."})
    client.force_login(facilitator)
    results = client.get(published.get_absolute_url()).text.split('id="feedback-results"')[1].split("</section>")[0]
    assert "4.0" in results and "3.0" in results and "Calm and fair." in results and "Useful timeline." in results
    assert "Too few answers" not in results
    assert "Priya Raman" not in results


def test_feedback_is_refused_before_publishing_and_out_of_range(client, ready_review, engineer):
    client.force_login(engineer)
    url = reverse("review_feedback", args=[ready_review.pk])
    assert client.post(url, {"feedback-blameless": 5, "feedback-useful": 5}).status_code == 403


# --- deadlines by severity ---------------------------------------------------------------------


def test_meeting_deadlines_by_severity(payments):
    resolved = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday
    sev1 = IncidentFactory(
        team=payments, severity=Severity.SEV1, impact_started_at=resolved - timedelta(hours=2), resolved_at=resolved
    )
    sev2 = IncidentFactory(
        team=payments, severity=Severity.SEV2, impact_started_at=resolved - timedelta(hours=2), resolved_at=resolved
    )
    sev3 = IncidentFactory(team=payments, severity=Severity.SEV3, impact_started_at=resolved - timedelta(hours=2))
    assert meeting_due_by(sev1) == resolved + timedelta(days=3)
    assert meeting_due_by(sev2) == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # five business days
    assert meeting_due_by(sev3) is None
    assert review_required(sev1) and review_required(sev2) and not review_required(sev3)
    with override_settings(REVIEW_REQUIRED_SEVERITIES=["sev1", "sev2", "sev3"]):
        assert review_required(sev3)


def test_review_page_shows_the_deadline(client, payments, facilitator):
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=UTC), tick=False):
        incident = IncidentFactory(
            team=payments,
            severity=Severity.SEV1,
            impact_started_at=datetime(2026, 11, 16, 8, 0, tzinfo=UTC),
        )
        review = ReviewFactory(incident=incident, facilitator=facilitator)
        client.force_login(facilitator)
        page = client.get(review.get_absolute_url())
    assert "Due by Thu 19 Nov 2026, 08:00 UTC for SEV1" in page.text


def test_notes_are_stored_on_save_and_the_publish_check_lists_everything_the_review_shows(
    client, ready_review, facilitator
):
    review = ready_review
    review.title = "Priya broke checkout"
    review.save()
    # Stored with the text when it is saved, as the rendered markdown is.
    assert [flag["excerpt"] for flag in review.language_notes["title"]["flags"]] == ["Priya broke"]
    entry = review.incident.timeline.first()
    entry.text = "Jonas ignored the disk alert for an hour."
    entry.save()
    item = ActionItemFactory(
        review=review, incident=review.incident, title="Add a canary, because Sam skipped the staging deploy"
    )
    sources = {item.source: item.anchor for item in review_language.open_flags(review)}
    assert sources["Title"] == "review-title"
    assert any(source.startswith("Timeline") for source in sources)
    assert sources["Action item “Add a canary, because Sam skipped the staging deploy”"] == f"action-{item.pk}"

    client.force_login(facilitator)
    gate = client.get(reverse("review_publish", args=[review.pk])).text
    for anchor in ("#review-title", f"#entry-{entry.pk}", f"#action-{item.pk}"):
        assert anchor in gate
    assert "No open notes" not in gate


def test_text_the_guide_cannot_read_blocks_publishing_as_not_checked(ready_review):
    ready_review.got_lucky = "Der Fehler wurde zufällig bemerkt, weil jemand die Seite gerade neu geladen hat."
    ready_review.save()
    assert ready_review.language_notes["got_lucky"]["checked"] is False
    assert [part.source for part in review_language.unchecked_texts(ready_review)] == ["Where we got lucky"]
    assert any("not checked" in blocker for blocker in publishing.publish_blockers(ready_review))


def test_recheck_language_refreshes_the_stored_notes(ready_review):
    from django.core.management import call_command

    from postmortems.models import Review

    Review.objects.filter(pk=ready_review.pk).update(title="Priya broke checkout", language_notes={})
    call_command("recheck_language", stdout=io.StringIO())
    ready_review.refresh_from_db()
    assert [flag["excerpt"] for flag in ready_review.language_notes["title"]["flags"]] == ["Priya broke"]
