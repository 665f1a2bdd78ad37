"""Published means fixed: the review keeps what it showed, and later changes appear as dated amendments."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionKind, ActionStatus
from incidents.models import Severity
from incidents.services import update_timeline_entry
from postmortems import publishing
from postmortems.models import Amendment, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, OpportunityFactory, PerspectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(review, engineer, teammate):
    entry = review.incident.timeline.first()
    factor = ContributingFactorFactory(review=review, description="Nothing compared pool size with the database limit.")
    factor.timeline_entries.set([entry])
    OpportunityFactory(review=review, question="How might we check pool sizes before deploying?")
    PerspectiveFactory(review=review, author=engineer, saw="Priya Raman saw the alert at 02:14.")
    PerspectiveFactory(review=review, author=teammate, saw="Jonas watched the web tier dashboard.")
    ActionItemFactory(
        review=review, incident=review.incident, owner=teammate, team=review.team, kind=ActionKind.GUARDRAIL,
        title="Check pool size against the database limit in CI", change_url="https://git.example.com/pr/42",
    )  # fmt: skip
    review.perspectives_revealed_at = review.created_at
    review.status = ReviewStatus.IN_REVIEW
    review.save()
    publishing.publish(review)
    review.refresh_from_db()
    return review


def test_the_snapshot_keeps_everything_the_review_showed(published):
    snapshot = published.published_snapshot
    assert [entry["text"] for entry in snapshot["timeline"]] == [
        "The error-rate alert fired for checkout.",
        "We rolled back the connection pool change.",
    ]
    assert snapshot["incident"]["number"] == published.incident_id
    assert snapshot["incident"]["severity"] == Severity.SEV2
    assert snapshot["sections"]["summary"]["text"] == published.summary
    assert snapshot["factors"][0]["description"] == "Nothing compared pool size with the database limit."
    assert snapshot["factors"][0]["timeline"] == [published.incident.timeline.first().pk]
    assert snapshot["opportunities"] == ["How might we check pool sizes before deploying?"]
    assert {p["saw"] for p in snapshot["perspectives"]} == {
        "Priya Raman saw the alert at 02:14.",
        "Jonas watched the web tier dashboard.",
    }


def test_later_changes_to_the_incident_show_as_dated_amendments_never_silently(client, published, facilitator):
    incident = published.incident
    first, second = incident.timeline.all()
    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        update_timeline_entry(
            first, {"text": "The error-rate alert fired for checkout and payments."}, expected_version=None
        )
        TimelineEntryFactory(incident=incident, text="A second rollback finished the recovery.")
        second.soft_delete()
        incident.severity = Severity.SEV1
        incident.save()
    # Saving without a change records nothing.
    incident.save()

    changes = list(Amendment.objects.filter(review=published).values_list("change", flat=True))
    assert len(changes) == 4, changes
    assert (
        "changed: text “The error-rate alert fired for checkout.” → “The error-rate alert fired for checkout and payments.”"
        in changes[0]
    )
    assert (
        changes[1].startswith("Timeline entry at") and "added: “A second rollback finished the recovery.”" in changes[1]
    )
    assert "removed (it read “We rolled back the connection pool change.”)" in changes[2]
    assert changes[3] == "Incident Severity: SEV2 → SEV1."
    assert all(a.made_at == later for a in Amendment.objects.filter(review=published))

    # The page still shows the timeline as published, and lists the amendments with their dates.
    client.force_login(facilitator)
    page = client.get(published.get_absolute_url()).text
    timeline = page.split('id="section-timeline"')[1].split("</section>")[0]
    assert "The error-rate alert fired for checkout.</p>" in timeline
    assert "We rolled back the connection pool change." in timeline
    assert "A second rollback" not in timeline
    head = page.split('class="review-head"')[1].split("</header>")[0]
    assert ">SEV2<" in head and "SEV1" not in head  # the severity as published
    amendments = page.split('id="amendments"')[1].split("</section>")[0]
    assert "Amendments since publishing" in amendments
    assert f'datetime="{later.isoformat()}"' in amendments
    assert "A second rollback finished the recovery." in amendments and "SEV2 → SEV1" in amendments

    # So does the export.
    text = client.get(reverse("review_export_markdown", args=[published.pk])).content.decode()
    assert (
        "The error-rate alert fired for checkout.\n" in text
        or "The error-rate alert fired for checkout.\n" in text + "\n"
    )
    timeline_part = text.split("## Timeline")[1].split("## ")[0]
    assert "and payments" not in timeline_part and "A second rollback" not in timeline_part
    assert "## Amendments since publishing" in text and f"{later:%-d %b %Y}: Incident Severity: SEV2 → SEV1." in text


def test_an_edit_of_an_amended_entry_says_what_changed_since_the_amendment(published):
    entry = published.incident.timeline.first()
    update_timeline_entry(entry, {"text": "First correction."}, expected_version=None)
    update_timeline_entry(entry, {"text": "Second correction."}, expected_version=None)
    changes = list(Amendment.objects.filter(review=published).values_list("change", flat=True))
    assert "“First correction.” → “Second correction.”" in changes[1]


def test_exports_are_complete_and_named_by_incident_number(client, published, outsider):
    client.force_login(outsider)
    response = client.get(reverse("review_export_markdown", args=[published.pk]))
    disposition = response["Content-Disposition"]
    assert f'filename="incident-{published.incident_id}-review.md"' in disposition
    assert "checkout" not in disposition.lower()
    text = response.content.decode()
    assert f"- Incident: #{published.incident_id}" in text
    # Action items with their state, their owner's role (not name) and links.
    items = text.split("## Action items")[1].split("## ")[0]
    assert (
        "**Check pool size against the database limit in CI** (guardrail; open; owner: an engineer in Payments" in items
    )
    assert "The change: https://git.example.com/pr/42" in items
    assert "/actions/" in items and "Jonas" not in items
    # Factors with their category and depth, revealed perspectives.
    assert "**Missing guardrail** (structure): Nothing compared pool size with the database limit." in text
    assert "Jonas watched the web tier dashboard." in text

    item = published.action_items.get()
    item.status = ActionStatus.DONE
    item.save()
    text = client.get(reverse("review_export_markdown", args=[published.pk])).content.decode()
    assert "(guardrail; done; owner:" in text  # the state now

    anonymised = client.get(reverse("review_export_anonymised", args=[published.pk]))
    assert f'filename="incident-{published.incident_id}-review-anonymised.md"' in anonymised["Content-Disposition"]
    body = anonymised.content.decode()
    assert "## Action items" in body and "Check pool size against the database limit in CI" in body
    # Clock times are times since detection, in the timeline and in free text.
    detected = published.incident.detected_at
    first = published.incident.timeline.first()
    minutes = round((first.occurred_at - detected).total_seconds() / 60)
    assert f"**T{'+' if minutes >= 0 else '-'}{abs(minutes)} min** (Observation)" in body
    assert "02:14" not in body and "UTC" not in body.split("## Summary")[1]


def test_timeline_entries_imported_together_show_as_amendments(published, engineer):
    """A transcript import creates its entries in one insert, which sends no save signal."""
    from incidents.services import ImportedRow, import_timeline_entries

    incident = published.incident
    import_timeline_entries(
        incident,
        [
            ImportedRow(occurred_at=incident.impact_started_at, kind="action", text="Paged the database on-call."),
            ImportedRow(occurred_at=incident.impact_started_at, kind="observation", text="Replica lag fell to zero."),
        ],
        author=engineer,
    )
    changes = list(Amendment.objects.filter(review=published).values_list("change", flat=True))
    assert len(changes) == 2
    assert "added: “Paged the database on-call.”" in changes[0] and "added: “Replica lag fell to zero.”" in changes[1]
    assert [entry["text"] for entry in published.published_snapshot["timeline"]] == [
        "The error-rate alert fired for checkout.",
        "We rolled back the connection pool change.",
    ]


def test_people_on_the_published_page_are_named_as_published(
    client, published, engineer, teammate, facilitator, manager
):
    """A later change of someone's name, or of the participant list, does not change the published page."""
    for person, name in ((engineer, "Priya R."), (teammate, "J. Berg"), (facilitator, "S. Lindqvist")):
        person.display_name = name
        person.save()
    client.force_login(facilitator)
    # The participant list is fixed once published.
    refused = client.post(reverse("review_participants", args=[published.pk]), {"participants": [manager.pk]})
    assert refused.status_code == 403
    assert set(published.participants.all()) == {facilitator, engineer, teammate}

    page = client.get(published.get_absolute_url()).text
    perspectives = page.split('id="section-perspectives"')[1].split("</section>")[0]
    assert "<h3>Priya Raman</h3>" in perspectives and "<h3>Jonas Berg</h3>" in perspectives
    assert "Priya R." not in perspectives and "J. Berg" not in perspectives
    head = page.split('class="review-head"')[1].split("</header>")[0]
    assert "Facilitated by Sam Lindqvist" in head
    aside = page.split('id="participants"')[1].split("</section>")[0]
    assert "Priya Raman" in aside and "Jonas Berg" in aside and "Priya R." not in aside
    assert "Maya" not in aside


def test_changes_made_around_the_app_do_not_reach_the_published_page(client, published, outsider):
    """The admin can still change a published review's rows, and categories and services are renamed; the
    published page keeps showing what was published."""
    from postmortems.models import Review

    factor = published.factors.get()
    factor.category.name = "Guardrails (renamed)"
    factor.category.save()
    factor.description = "Rewritten later."
    factor.save()
    published.opportunities.all().delete()
    Review.objects.filter(pk=published.pk).update(
        title="A new title", summary="A new summary.", summary_html="<p>A new summary.</p>"
    )
    published.refresh_from_db()

    client.force_login(outsider)
    page = client.get(published.get_absolute_url()).text
    assert "A new title" not in page and f'<h1 id="review-title">{published.published_snapshot["title"]}</h1>' in page
    assert "A new summary." not in page and published.published_snapshot["sections"]["summary"]["html"] in page
    factors = page.split('id="section-factors"')[1].split("</section>")[0]
    assert "Nothing compared pool size with the database limit." in factors and "Rewritten later." not in factors
    assert "Missing guardrail" in factors and "renamed" not in factors
    assert "Seen in the timeline at" in factors
    opportunities = page.split('id="section-opportunities"')[1].split("</section>")[0]
    assert "How might we check pool sizes before deploying?" in opportunities


def test_the_api_serves_a_published_review_as_published(published, outsider):
    from api.tokens import create_token
    from postmortems.models import Review
    from tests.api.conftest import ApiClient

    Review.objects.filter(pk=published.pk).update(summary="Rewritten through the admin.")
    api = ApiClient(create_token(outsider, name="reader", scope="read")[1])
    served = api.get(f"/reviews/{published.pk}").json()
    assert served["summary"] == published.published_snapshot["sections"]["summary"]["text"]
    assert served["summary"] != "Rewritten through the admin."
