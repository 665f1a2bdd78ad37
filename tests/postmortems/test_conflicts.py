"""Two people editing the same text never silently lose either version."""

import pytest
from django.urls import reverse

from postmortems.models import Perspective
from tests.postmortems.factories import ContributingFactorFactory, category

pytestmark = pytest.mark.django_db


def test_the_later_section_save_is_told_and_shown_both_versions(client, review, engineer, teammate):
    url = reverse("review_section", args=[review.pk, "summary"])
    client.force_login(engineer)
    client.post(url, {"summary-text": "Priya's version: the pool shrank at 09:12.", "summary-version": 0})

    # Jonas opened the editor at version 0 too, and saves after Priya.
    client.force_login(teammate)
    conflict = client.post(
        url,
        {"summary-text": "Jonas's version: checkout failed for 38 min.", "summary-version": 0},
        headers={"HX-Request": "true"},
    )
    assert conflict.status_code == 409
    assert "Someone saved this section while you were editing" in conflict.text
    assert "Priya&#x27;s version: the pool shrank at 09:12." in conflict.text  # theirs, shown
    assert "Jonas&#x27;s version: checkout failed for 38 min." in conflict.text  # his, still in the box
    review.refresh_from_db()
    assert review.summary == "Priya's version: the pool shrank at 09:12."  # nothing overwritten

    # The form now carries the stored version, so saving the merged text goes through.
    assert 'name="summary-version" value="1"' in conflict.text
    merged = "The pool shrank at 09:12 and checkout failed for 38 min."
    saved = client.post(url, {"summary-text": merged, "summary-version": 1}, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    review.refresh_from_db()
    assert review.summary == merged and review.section_version("summary") == 2


def test_section_conflict_without_javascript_shows_the_full_page(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_section", args=[review.pk, "impact"])
    client.post(url, {"impact-text": "First.", "impact-version": 0})
    response = client.post(url, {"impact-text": "Second.", "impact-version": 0})
    assert response.status_code == 409
    assert "<html" in response.text and "First." in response.text and "Second." in response.text


def test_factor_edit_conflict_keeps_both(client, review, engineer, teammate):
    factor = ContributingFactorFactory(review=review, description="The pool size had no upper bound check.")
    url = reverse("review_factor_edit", args=[review.pk, factor.pk])

    def data(description, version):
        return {
            f"factor-{factor.pk}-description": description,
            f"factor-{factor.pk}-category": category("missing-guardrail").pk,
            f"factor-{factor.pk}-depth": "structure",
            f"factor-{factor.pk}-version": version,
        }

    client.force_login(engineer)
    first = client.post(
        url, data("Nothing compared pool size with the database limit.", 1), headers={"HX-Request": "true"}
    )
    assert first.status_code == 200
    client.force_login(teammate)
    second = client.post(url, data("Config review does not cover pool sizes.", 1), headers={"HX-Request": "true"})
    assert second.status_code == 409
    assert "Someone changed this factor while you were editing" in second.text
    assert "Nothing compared pool size with the database limit." in second.text
    assert "Config review does not cover pool sizes." in second.text
    factor.refresh_from_db()
    assert factor.description == "Nothing compared pool size with the database limit." and factor.version == 2


def test_perspective_saved_from_two_tabs_is_not_lost(client, review, engineer):
    client.force_login(engineer)
    url = reverse("review_perspective", args=[review.pk])
    client.post(url, {"saw": "Tab one.", "knew": "", "assumed": "", "pressure": "", "version": 0})
    client.post(url, {"saw": "Tab one, edited.", "knew": "", "assumed": "", "pressure": "", "version": 1})
    stale = client.post(url, {"saw": "Tab two.", "knew": "", "assumed": "", "pressure": "", "version": 1})
    assert stale.status_code == 409
    assert "Tab one, edited." in stale.text and "Tab two." in stale.text
    assert Perspective.objects.get(author=engineer).saw == "Tab one, edited."
