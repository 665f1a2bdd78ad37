"""A near miss can become a learning review from its own page."""

import pytest
from django.urls import reverse

from postmortems.models import Review
from tests.incidents.factories import NearMissFactory

pytestmark = pytest.mark.django_db


def test_the_near_miss_team_starts_a_review_from_its_page(client, engineer, payments):
    near_miss = NearMissFactory(team=payments, what_almost_happened="A migration almost locked the orders table")
    client.force_login(engineer)
    page = client.get(reverse("near_miss_detail", args=[near_miss.pk])).text
    assert "Start a review of this near miss" in page

    response = client.post(reverse("review_start_near_miss", args=[near_miss.pk]), follow=True)
    review = Review.objects.get(near_miss=near_miss)
    assert response.redirect_chain[-1][0] == review.get_absolute_url()
    page = client.get(reverse("near_miss_detail", args=[near_miss.pk])).text
    assert "Start a review of this near miss" not in page
    assert reverse("review_detail", args=[review.pk]) in page


def test_other_teams_see_no_start_button_and_cannot_start_one(client, outsider, payments):
    near_miss = NearMissFactory(team=payments)
    client.force_login(outsider)
    page = client.get(reverse("near_miss_detail", args=[near_miss.pk])).text
    assert "Start a review of this near miss" not in page
    assert "The team this near miss concerns can start a short review of it." in page
    assert client.post(reverse("review_start_near_miss", args=[near_miss.pk])).status_code == 403
    assert not Review.objects.exists()
