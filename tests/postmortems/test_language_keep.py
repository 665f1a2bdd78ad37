"""Keeping one's wording against a language note, with a reason that is stored and shown before publishing."""

import html

import pytest
from django.urls import reverse

from postmortems import review_language
from postmortems.language import check_text
from postmortems.models import FlagDismissal, ReviewStatus

pytestmark = pytest.mark.django_db

SENTENCE = "Jonas broke the deploy when the pool filled up."
REASON = "Jonas wrote this account himself and asked to be named."


def _note(text=SENTENCE):
    return check_text(text, ["Jonas Berg", "jonas"])[0]


def test_notes_typed_in_a_review_offer_to_keep_the_wording_there(client, review, engineer):
    client.force_login(engineer)
    answer = client.post(reverse("language_check"), {"text": SENTENCE, "review": str(review.pk)})
    page = html.unescape(answer.text)
    assert "Keep my wording" in page
    assert f'data-keep-url="{reverse("review_flag_keep", args=[review.pk])}"' in page
    assert f'data-excerpt="{_note().excerpt}"' in page
    # Outside a review the writer can still keep their wording; there is nowhere to store it.
    elsewhere = client.post(reverse("language_check"), {"text": SENTENCE})
    assert "Keep my wording" in elsewhere.text and "data-keep-url" not in elsewhere.text


def test_kept_wording_is_stored_closes_the_note_and_the_publish_check_says_who_and_why(
    client, review, engineer, facilitator
):
    client.force_login(engineer)
    note = _note()
    kept = client.post(
        reverse("review_flag_keep", args=[review.pk]), {"rule": note.rule, "excerpt": note.excerpt, "reason": REASON}
    )
    assert kept.status_code == 200 and "Kept your wording" in kept.text

    dismissal = FlagDismissal.objects.get(review=review)
    assert (dismissal.key, dismissal.reason, dismissal.dismissed_by) == (note.key, REASON, engineer)

    review.went_well = f"The rollback was quick. {SENTENCE}"
    review.status = ReviewStatus.IN_REVIEW
    review.save()
    assert [item.flag.excerpt for item in review_language.open_flags(review)] == []

    client.force_login(facilitator)
    gate = html.unescape(client.get(reverse("review_publish", args=[review.pk])).text)
    assert f"kept by Priya Raman: {REASON}" in gate
    assert "No open notes" in gate


def test_keeping_again_replaces_the_reason(client, review, engineer, teammate):
    note = _note()
    url = reverse("review_flag_keep", args=[review.pk])
    client.force_login(engineer)
    client.post(url, {"rule": note.rule, "excerpt": note.excerpt, "reason": "First thought."})
    client.force_login(teammate)
    client.post(url, {"rule": note.rule, "excerpt": note.excerpt, "reason": REASON})
    assert list(FlagDismissal.objects.values_list("reason", "dismissed_by")) == [(REASON, teammate.pk)]


def test_a_reason_is_required_and_only_the_guides_own_notes_can_be_kept(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_flag_keep", args=[review.pk])
    note = _note()
    without_reason = client.post(url, {"rule": note.rule, "excerpt": note.excerpt, "reason": "  "})
    assert without_reason.status_code == 422 and "Say why your wording is right here." in without_reason.text
    made_up = client.post(url, {"rule": "anything", "excerpt": note.excerpt, "reason": REASON})
    assert made_up.status_code == 422
    assert not FlagDismissal.objects.exists()


def test_only_people_who_may_edit_an_unpublished_review_keep_wording_in_it(client, review, outsider, engineer):
    note = _note()
    url = reverse("review_flag_keep", args=[review.pk])
    form = {"rule": note.rule, "excerpt": note.excerpt, "reason": REASON}
    client.force_login(outsider)
    assert client.post(url, form).status_code in (403, 404)
    review.status = ReviewStatus.PUBLISHED
    review.save()
    client.force_login(engineer)
    assert client.post(url, form).status_code == 403
    assert not FlagDismissal.objects.exists()
