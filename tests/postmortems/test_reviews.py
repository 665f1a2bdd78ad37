"""The review's workflow, who may see and do what, and private-then-revealed perspectives."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from incidents.models import Status
from postmortems import lifecycle, meeting
from postmortems.models import AgendaSection, Perspective, Review, ReviewStatus
from tests.actions.factories import ActionItemFactory
from tests.incidents.factories import NearMissFactory, TimelineEntryFactory
from tests.postmortems.factories import ContributingFactorFactory, PerspectiveFactory, category

pytestmark = pytest.mark.django_db


# --- starting a review ------------------------------------------------------------------


def test_facilitator_starts_the_review_and_responders_take_part(client, incident, facilitator, engineer):
    client.force_login(facilitator)
    response = client.post(reverse("review_start", args=[incident.pk]))
    review = Review.objects.get(incident=incident)
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert review.facilitator == facilitator
    assert review.facilitator_requested_at is None
    assert set(review.participants.all()) == {facilitator, engineer}
    assert review.title == incident.title
    assert review.status == ReviewStatus.DRAFT


def test_engineer_requests_a_facilitator_who_then_takes_it_on(client, incident, engineer, facilitator):
    client.force_login(engineer)
    client.post(reverse("review_start", args=[incident.pk]))
    review = Review.objects.get(incident=incident)
    assert review.facilitator is None and review.facilitator_requested_at is not None

    page = client.get(review.get_absolute_url())
    assert "Facilitator requested" in page.text
    assert "Facilitate this review" not in page.text
    assert client.post(reverse("review_take_on", args=[review.pk])).status_code == 403

    client.force_login(facilitator)
    assert "Facilitate this review" in client.get(review.get_absolute_url()).text
    client.post(reverse("review_take_on", args=[review.pk]))
    review.refresh_from_db()
    assert review.facilitator == facilitator
    assert review.participants.filter(pk=facilitator.pk).exists()


def test_starting_twice_keeps_one_review(client, incident, facilitator):
    client.force_login(facilitator)
    client.post(reverse("review_start", args=[incident.pk]))
    client.post(reverse("review_start", args=[incident.pk]))
    assert Review.objects.filter(incident=incident).count() == 1


def test_outsider_cannot_start_a_review_of_another_teams_incident(client, incident, outsider):
    client.force_login(outsider)
    assert client.post(reverse("review_start", args=[incident.pk])).status_code == 403
    assert not Review.objects.exists()


def test_a_near_miss_can_become_a_review(client, payments, facilitator):
    near_miss = NearMissFactory(team=payments, what_could_have_happened="Orders would have stalled.")
    client.force_login(facilitator)
    response = client.post(reverse("review_start_near_miss", args=[near_miss.pk]))
    review = Review.objects.get(near_miss=near_miss)
    assert response.url == review.get_absolute_url()
    assert review.impact == "Orders would have stalled."
    assert "A near miss has no timeline" in client.get(review.get_absolute_url()).text


def test_start_is_post_only(client, incident, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("review_start", args=[incident.pk])).status_code == 405


def test_incident_panel_offers_the_way_into_the_review(rf, incident, facilitator, engineer):
    from django.template import Context, Template

    template = Template('{% load panels %}{% panels "incident" incident %}')

    def render(user):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "incident": incident, "csrf_token": "t"}))

    assert "Start the review" in render(facilitator)
    assert "Request a facilitator" in render(engineer)
    assert "needs a review" in render(engineer)  # SEV2 by default
    review = lifecycle.start_review(by=facilitator, incident=incident)
    assert reverse("review_detail", args=[review.pk]) in render(engineer)


# --- who may see and do what --------------------------------------------------------------


def test_participant_teammate_and_outsider_see_the_review(client, review, engineer, outsider):
    client.force_login(engineer)
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    assert "Checkout returns 502" in page.text
    assert "Write your perspective" in page.text
    assert reverse("review_section", args=[review.pk, "summary"]) in page.text

    client.force_login(outsider)
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    assert reverse("review_section", args=[review.pk, "summary"]) not in page.text
    assert "Write your perspective" not in page.text


def test_outsider_cannot_change_anything(client, review, outsider):
    client.force_login(outsider)
    attempts = [
        client.post(
            reverse("review_section", args=[review.pk, "summary"]), {"summary-text": "x", "summary-version": 0}
        ),
        client.post(reverse("review_factor_add", args=[review.pk]), {"factor-description": "x"}),
        client.post(reverse("review_opportunity_add", args=[review.pk]), {"opportunity-question": "How might we x?"}),
        client.post(reverse("review_meeting_agenda", args=[review.pk]), {"step": "next"}),
        client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"}),
        client.post(reverse("review_publish", args=[review.pk])),
        client.get(reverse("review_perspective", args=[review.pk])),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and not review.factors.exists()


def test_restricted_review_does_not_exist_for_those_who_cannot_see_the_incident(
    client, restricted_review, teammate, outsider, engineer, org_admin
):
    urls = [
        reverse(name, args=[restricted_review.pk])
        for name in ["review_detail", "review_meeting", "review_meeting_state", "review_perspective", "review_publish"]
    ]
    for person in (teammate, outsider):
        client.force_login(person)
        assert [client.get(url).status_code for url in urls] == [404] * len(urls)
        post = client.post(reverse("review_factor_add", args=[restricted_review.pk]), {})
        assert post.status_code == 404
    for person in (engineer, org_admin):
        client.force_login(person)
        page = client.get(urls[0])
        assert page.status_code == 200 and "Restricted" in page.text


def test_only_the_facilitator_runs_the_meeting(client, review, engineer, facilitator):
    client.force_login(engineer)
    assert client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"}).status_code == 403
    client.force_login(facilitator)
    response = client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"})
    assert response.url == reverse("review_meeting", args=[review.pk])
    review.refresh_from_db()
    assert review.status == ReviewStatus.MEETING

    client.force_login(engineer)
    assert client.post(reverse("review_meeting_agenda", args=[review.pk]), {"step": "next"}).status_code == 403


def test_participants_are_chosen_by_the_facilitator(client, review, facilitator, manager, engineer):
    client.force_login(engineer)
    assert (
        client.post(reverse("review_participants", args=[review.pk]), {"participants": [manager.pk]}).status_code == 403
    )
    client.force_login(facilitator)
    client.post(reverse("review_participants", args=[review.pk]), {"participants": [manager.pk]})
    # The facilitator always stays a participant.
    assert set(review.participants.all()) == {manager, facilitator}


def test_a_participant_list_with_someone_unknown_answers_422_and_keeps_the_choice(client, review, facilitator, manager):
    client.force_login(facilitator)
    response = client.post(
        reverse("review_participants", args=[review.pk]), {"participants": [manager.pk, 999_999], "version": 0}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The participants were not saved." in html
    assert f'value="{manager.pk}" checked' in html  # what was ticked stays ticked
    assert manager not in review.participants.all()


# --- sections, factors, opportunities ------------------------------------------------------


def test_editing_a_section_renders_markdown_once_and_bumps_its_version(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_section", args=[review.pk, "impact"])
    response = client.post(url, {"impact-text": "**Card payments** failed for 38 min.", "impact-version": 0})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.impact_html == "<p><strong>Card payments</strong> failed for 38 min.</p>"
    assert review.section_version("impact") == 1


def test_section_edit_over_htmx_returns_the_section_with_its_notes(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_section", args=[review.pk, "summary"])
    form = client.get(url, headers={"HX-Request": "true"})
    assert 'name="summary-text"' in form.text and "<html" not in form.text
    assert reverse("review_check", args=[review.pk]) in form.text

    saved = client.post(
        url,
        {"summary-text": "The on-call engineer was careless.", "summary-version": 0},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert 'id="section-summary"' in saved.text
    assert "Names a person as the cause" in saved.text
    assert "A better framing" in saved.text


def test_language_check_as_you_type(client, review, engineer, outsider):
    client.force_login(engineer)
    url = reverse("review_check", args=[review.pk])
    flagged = client.post(url, {"field": "summary-text", "summary-text": "We should be more careful next time."})
    assert "Appeals to attention" in flagged.text and "be more careful" in flagged.text
    clean = client.post(url, {"field": "summary-text", "summary-text": "Priya joined the call at 02:20."})
    assert "No notes" in clean.text
    assert client.get(url).status_code == 405
    client.force_login(outsider)
    assert client.post(url, {"field": "text", "text": "x"}).status_code == 403


def test_add_factor_with_linked_timeline_entries(client, review, engineer):
    client.force_login(engineer)
    entry = review.incident.timeline.first()
    response = client.post(
        reverse("review_factor_add", args=[review.pk]),
        {
            "factor-description": "Nothing compared the pool size with the database's connection limit.",
            "factor-category": category("missing-guardrail").pk,
            "factor-depth": "structure",
            "factor-timeline_entries": [entry.pk],
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    factor = review.factors.get()
    assert factor.created_by == engineer
    assert list(factor.timeline_entries.all()) == [entry]
    assert "Missing guardrail" in response.text and "Structure" in response.text


def test_a_factor_shows_the_live_timeline_entries_it_was_seen_in_in_time_order(client, review, engineer):
    first, second = review.incident.timeline.all()
    gone = TimelineEntryFactory(incident=review.incident, text="A note deleted later.")
    factor = ContributingFactorFactory(review=review)
    factor.timeline_entries.set([second, gone, first])
    gone.soft_delete()
    client.force_login(engineer)
    seen = client.get(review.get_absolute_url()).text.split("Seen in the timeline at")[1].split("</p>")[0]
    assert re.findall(r'href="#entry-(\d+)"', seen) == [str(first.pk), str(second.pk)]


def test_the_timeline_shows_each_entry_with_what_was_known_and_missing_and_its_language_notes(client, review, engineer):
    entry = TimelineEntryFactory(
        incident=review.incident,
        text="It was obvious the pool was too small <b>then</b>.",
        known_then="Errors rose on checkout.",
        missing_then="Which deploy changed the pool.",
    )
    client.force_login(engineer)
    page = client.get(review.get_absolute_url()).text
    shown = page.split(f'<li id="entry-{entry.pk}" class="with-notes">')[1].split("</li>")[0]
    assert f'<time datetime="{entry.occurred_at.isoformat()}">' in shown
    assert '<span class="badge">Observation</span>' in shown
    assert "too small &lt;b&gt;then&lt;/b&gt;." in shown
    assert '<p class="help"><strong>Known then:</strong> Errors rose on checkout.</p>' in shown
    assert '<p class="help"><strong>Missing then:</strong> Which deploy changed the pool.</p>' in shown
    assert '<aside class="notes">' in shown and "Hindsight" in shown
    first = review.incident.timeline.first()
    plain = page.split(f'<li id="entry-{first.pk}" class="with-notes">')[1].split("</li>")[0]
    assert "Known then" not in plain and '<aside class="notes"></aside>' in plain


def test_factor_form_errors_keep_what_was_typed(client, review, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("review_factor_add", args=[review.pk]),
        {"factor-description": "Dashboards hid the pool metrics.", "factor-depth": "event"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Dashboards hid the pool metrics." in response.text
    assert "This field is required." in response.text


def test_opportunities_are_how_might_we_questions(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_opportunity_add", args=[review.pk])
    refused = client.post(url, {"opportunity-question": "Be more careful with configs"}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "How might we" in refused.text
    client.post(url, {"opportunity-question": "How might we test pool sizes before deploying"})
    assert review.opportunities.get().question == "How might we test pool sizes before deploying?"


# --- perspectives: private first, revealed in the meeting ---------------------------------


def test_perspectives_stay_private_until_the_facilitator_opens_them(client, review, engineer, teammate, facilitator):
    client.force_login(engineer)
    response = client.post(
        reverse("review_perspective", args=[review.pk]),
        {"saw": "Only the web tier's dashboard.", "knew": "", "assumed": "Staging only.", "pressure": "", "version": 0},
    )
    assert response.status_code == 302
    assert Perspective.objects.get(author=engineer).assumed == "Staging only."

    # The author sees their own account; nobody else does, not even the facilitator.
    assert "Staging only." in client.get(review.get_absolute_url()).text
    for person in (teammate, facilitator):
        client.force_login(person)
        page = client.get(review.get_absolute_url())
        assert "Staging only." not in page.text
        assert "1 of 3 participants has written one" in page.text
        meeting = client.get(reverse("review_meeting", args=[review.pk]) + "?part=perspectives")
        assert "Staging only." not in meeting.text

    # Opening perspectives in the meeting reveals them to everyone, side by side.
    client.force_login(facilitator)
    client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"})
    client.post(reverse("review_meeting_agenda", args=[review.pk]), {"section": AgendaSection.PERSPECTIVES})
    review.refresh_from_db()
    assert review.perspectives_revealed
    client.force_login(teammate)
    assert "Staging only." in client.get(review.get_absolute_url()).text
    assert "Priya Raman" in client.get(reverse("review_meeting", args=[review.pk]) + "?part=perspectives").text


def test_only_participants_write_perspectives(client, review, manager):
    client.force_login(manager)
    assert client.get(reverse("review_perspective", args=[review.pk])).status_code == 403


# --- the meeting and publishing -------------------------------------------------------------


def test_the_whole_workflow_draft_meeting_review_published(client, review, facilitator, engineer):
    client.force_login(facilitator)
    client.post(reverse("review_status", args=[review.pk]), {"action": "start_meeting"})
    for _ in range(7):
        client.post(reverse("review_meeting_agenda", args=[review.pk]), {"step": "next"})
    review.refresh_from_db()
    assert review.current_section == AgendaSection.ACTIONS  # stops at the last section
    ContributingFactorFactory(review=review)
    ActionItemFactory(review=review, incident=review.incident, title="Check pool sizes against the database limit")
    client.post(reverse("review_status", args=[review.pk]), {"action": "end_meeting"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW

    response = client.post(reverse("review_publish", args=[review.pk]))
    assert response.url == review.get_absolute_url()
    review.refresh_from_db()
    review.incident.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED and review.published_at
    assert review.incident.status == Status.REVIEWED
    assert "connection pool" in review.search_document

    # Published means read-only, for everyone.
    page = client.get(review.get_absolute_url())
    assert reverse("review_section", args=[review.pk, "summary"]) not in page.text
    assert "Download as Markdown" in page.text
    client.force_login(engineer)
    refused = client.post(
        reverse("review_section", args=[review.pk, "summary"]), {"summary-text": "x", "summary-version": 0}
    )
    assert refused.status_code == 403


def test_admin_facilitator_role_counts_in_any_team(review, org_admin, manager):
    from postmortems.access import get_review_for_user

    assert get_review_for_user(org_admin, review.pk).can_facilitate
    _, can_edit, can_facilitate = get_review_for_user(manager, review.pk)
    assert (can_edit, can_facilitate) == (True, False)  # a Payments member, but not the facilitator


def test_another_team_facilitator_cannot_take_on_a_review(review, platform):
    from postmortems.access import get_review_for_user
    from tests.factories import MembershipFactory, UserFactory

    other = UserFactory(username="fran")
    MembershipFactory(user=other, team=platform, role=Role.FACILITATOR)
    review.facilitator = None
    review.save()
    assert not get_review_for_user(other, review.pk).can_facilitate


def test_perspective_authors_are_not_counted_per_person(client, review, engineer, facilitator):
    PerspectiveFactory(review=review, author=engineer)
    client.force_login(facilitator)
    page = client.get(review.get_absolute_url())
    # Progress is a single count, never who has or has not written.
    assert "1 of 3 participants" in page.text


def test_incident_page_shows_the_review_panel(client, incident, facilitator):
    client.force_login(facilitator)
    page = client.get(incident.get_absolute_url())
    assert page.status_code == 200
    assert "Start the review" in page.text
    client.post(reverse("review_start", args=[incident.pk]))
    page = client.get(incident.get_absolute_url())
    assert "Open the review" in page.text and "Draft" in page.text


def test_perspective_page_checks_each_answer_as_you_type(client, review, engineer):
    client.force_login(engineer)
    page = client.get(reverse("review_perspective", args=[review.pk]))
    assert page.status_code == 200
    for name in ("saw", "knew", "assumed", "pressure"):
        assert f'id="notes-{name}"' in page.text
        assert f"&quot;field&quot;: &quot;{name}&quot;" in page.text
    assert "Nobody else sees it until the facilitator opens perspectives" in page.text
    response = client.post(
        reverse("review_check", args=[review.pk]), {"field": "knew", "knew": "It was obvious the pool was too small."}
    )
    assert "Hindsight" in response.text


def test_meeting_sections_all_render(client, review, facilitator):
    client.force_login(facilitator)
    meeting.start_meeting(review)
    for section in AgendaSection:
        meeting.move_agenda(review, section)
        page = client.get(reverse("review_meeting", args=[review.pk]))
        assert page.status_code == 200
        assert f'id="stage-heading">{section.label}<' in page.text
