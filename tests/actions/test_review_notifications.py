"""Review events reach people: a facilitator is needed, a perspective is asked for, feedback after publishing."""

import pytest

from actions.models import Delivery, DeliveryChannel, Notification, NotificationKind
from postmortems import edits, events, lifecycle, meeting
from postmortems.models import Review
from tests.actions.factories import TeamChatHookFactory
from tests.incidents.factories import IncidentFactory
from tests.postmortems.factories import ReviewFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_review_without_facilitator_tells_the_teams_facilitators_by_inbox_mail_and_chat(
    payments, engineer, facilitator, teammate
):
    TeamChatHookFactory(team=payments, url="http://chat.invalid/hook")
    incident = IncidentFactory(title="Checkout returns 502", team=payments, responders=[engineer])
    review = lifecycle.start_review(by=engineer, incident=incident)
    assert review.facilitator is None

    notes = Notification.objects.filter(kind=NotificationKind.FACILITATOR_NEEDED)
    assert [note.recipient for note in notes] == [facilitator]
    assert notes[0].url == f"/reviews/{review.pk}/" and "Checkout returns 502" in notes[0].title
    mail = Delivery.objects.get(channel=DeliveryChannel.EMAIL, notification=notes[0])
    assert mail.address == facilitator.email
    chat = Delivery.objects.get(channel=DeliveryChannel.CHAT)
    assert "needs a facilitator" in chat.body and chat.team == payments


def test_the_facilitator_asks_for_missing_perspectives_and_published_reviews_ask_for_feedback(
    payments, engineer, facilitator, teammate
):
    incident = IncidentFactory(team=payments, responders=[engineer])
    review = ReviewFactory(incident=incident, facilitator=facilitator, participants=[facilitator, engineer, teammate])
    edits.save_perspective(review, engineer, {"saw": "Only the web tier's errors."}, base_version=0)
    assert set(meeting.missing_perspectives(review)) == {facilitator, teammate}

    asked = meeting.ask_for_perspectives(review, facilitator)
    assert asked == [teammate]
    note = Notification.objects.get(kind=NotificationKind.PERSPECTIVE_ASKED)
    assert note.recipient == teammate and note.url == f"/reviews/{review.pk}/perspective/"

    # Publishing asks each participant once, in the inbox only (no e-mail for a question this small).
    events.review_published.send(sender=Review, review=review)
    asks = Notification.objects.filter(kind=NotificationKind.FEEDBACK_ASKED)
    assert {note.recipient for note in asks} == {facilitator, engineer, teammate}
    assert not Delivery.objects.filter(notification__in=asks).exists()
