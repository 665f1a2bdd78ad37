"""Writing an open review changes its own page, not every list of reviews: the library and "my work" show a review's
title, status and people while it is open, and search the text of published reviews only."""

import pytest
from django.urls import reverse

from postmortems import edits
from postmortems.models import ReviewStatus

pytestmark = pytest.mark.django_db


def held_etag(client, url) -> str:
    client.get(url)  # the browser now holds the CSRF cookie, which the page's tag depends on
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    return etag


def test_writing_a_section_of_an_open_review_leaves_home_and_the_library_unchanged(client, review, engineer):
    client.force_login(engineer)
    home, library = reverse("home"), reverse("review_library")
    home_etag, library_etag = held_etag(client, home), held_etag(client, library)

    edits.save_section(review.pk, "went_well", "The alert fired within a minute.", base_version=0)

    assert client.get(home, headers={"If-None-Match": home_etag}).status_code == 304
    assert client.get(library, headers={"If-None-Match": library_etag}).status_code == 304
    assert "The alert fired within a minute." in client.get(review.get_absolute_url()).text


def test_a_new_title_shows_on_home_and_in_the_library_at_once(client, review, engineer):
    client.force_login(engineer)
    home, library = reverse("home"), reverse("review_library")
    home_etag, library_etag = held_etag(client, home), held_etag(client, library)

    review.title = "Checkout retries amplified the outage"
    review.save(update_fields=["title", "updated_at"])

    for url, etag in ((home, home_etag), (library, library_etag)):
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200 and "Checkout retries amplified the outage" in response.text


def test_a_published_reviews_text_makes_the_library_search_again(client, review, engineer):
    review.status = ReviewStatus.PUBLISHED
    review.save()
    client.force_login(engineer)
    search = reverse("review_library") + "?q=thundering"
    etag = held_etag(client, search)

    review.summary = "A thundering herd of retries took checkout down."
    review.save(update_fields=["summary", "summary_html", "language_notes", "updated_at"])

    assert client.get(search, headers={"If-None-Match": etag}).status_code == 200  # searched again, not a 304
