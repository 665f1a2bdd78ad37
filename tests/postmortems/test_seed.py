import pytest
from django.core.management import call_command

from postmortems.models import Review, ReviewStatus

pytestmark = pytest.mark.django_db


def test_demo_review_is_added_once_to_a_demo_incident(capsys):
    call_command("seed_demo_reviews")
    assert "seed_demo_incidents" in capsys.readouterr().out  # nothing to review yet: says what to run first

    call_command("seed_demo")
    call_command("seed_demo_incidents")
    call_command("seed_demo_reviews")
    review = Review.objects.get()
    # Every review owes a concrete change to the system before it is published.
    assert review.status == ReviewStatus.IN_REVIEW
    call_command("seed_demo_actions")
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED
    assert review.perspectives.count() == 2 and review.perspectives_revealed
    assert review.factors.count() == 3 and review.opportunities.count() == 2
    assert not review.incident.restricted

    call_command("seed_demo_reviews")
    assert Review.objects.count() == 1
