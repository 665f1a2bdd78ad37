"""The library of published reviews: full-text search, filters, and restricted reviews kept out."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from postmortems import lifecycle, search
from postmortems.models import ReviewStatus
from tests.conftest import require_postgres_and_redis
from tests.incidents.factories import IncidentFactory, ServiceFactory, TimelineEntryFactory
from tests.postmortems.factories import (
    ContributingFactorFactory,
    OpportunityFactory,
    PerspectiveFactory,
    ReviewFactory,
    category,
)

pytestmark = pytest.mark.django_db


def published_review(team, title, summary, *, factor_category="missing-guardrail", service=None, days_ago=1, **extra):
    incident = IncidentFactory(team=team, title=title, **extra)
    review = ReviewFactory(incident=incident, summary=summary, status=ReviewStatus.IN_REVIEW)
    ContributingFactorFactory(
        review=review, category=category(factor_category), service=service, description="A step had no check."
    )
    search.index_for_search(review)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now() - timedelta(days=days_ago)
    review.save()
    return review


@pytest.fixture
def library(payments, platform, engineer):
    checkout = ServiceFactory(name="checkout")
    return {
        "pool": published_review(
            payments, "Checkout returns 502", "The connection pools were exhausted after a configuration change.",
            service=checkout,
        ),
        "cert": published_review(
            platform, "Expired certificate on the API gateway", "A certificate expired because renewal was manual.",
            factor_category="process-gap", days_ago=200,
        ),
        "secret": published_review(
            payments, "Leaked signing key", "A signing key was printed by a build step with connection details.",
            restricted=True, responders=[engineer],
        ),
        "draft": ReviewFactory(incident=IncidentFactory(team=payments), summary="connection pool draft"),
    }  # fmt: skip


def titles(response):
    """The results' titles in order, as the page shows them (each result is a kept row of HTML)."""
    return [
        html.unescape(title) for title in re.findall(r'<h2><a href="/reviews/\d+/">([^<]*)</a></h2>', response.text)
    ]


def test_library_lists_published_reviews_with_summary_and_categories(client, library, outsider):
    client.force_login(outsider)
    response = client.get(reverse("review_library"))
    assert titles(response) == ["Checkout returns 502", "Expired certificate on the API gateway"]
    assert "connection pools were exhausted" in response.text
    assert "Missing guardrail" in response.text and "Process gap" in response.text
    assert "Leaked signing key" not in response.text


def test_full_text_search_uses_postgresql_and_stems_words(client, library, outsider, engineer):
    require_postgres_and_redis()
    client.force_login(outsider)
    # "pool" matches "pools" (stemmed), and the restricted review never appears for those who cannot see it.
    found = client.get(reverse("review_library"), {"q": "pool"})
    assert titles(found) == ["Checkout returns 502"]
    # The words found show in their sentence, marked; the writers' text around them stays escaped.
    assert "<mark>pools</mark>" in found.text and '<p class="prose snippet">' in found.text
    assert titles(client.get(reverse("review_library"), {"q": "connection"})) == ["Checkout returns 502"]
    assert titles(client.get(reverse("review_library"), {"q": "certificates renewal"})) == [
        "Expired certificate on the API gateway"
    ]
    client.force_login(engineer)  # a responder of the restricted incident
    assert set(titles(client.get(reverse("review_library"), {"q": "connection"}))) == {
        "Checkout returns 502",
        "Leaked signing key",
    }


def test_search_ranks_title_matches_first(engineer, library, payments):
    require_postgres_and_redis()
    published_review(payments, "Slow search", "The gateway certificate cache was cold.")
    results = list(search.search_reviews(engineer, query="certificate"))
    assert results[0].title == "Expired certificate on the API gateway"


def test_filters(client, library, outsider):
    client.force_login(outsider)
    url = reverse("review_library")
    assert titles(client.get(url, {"category": "process-gap"})) == ["Expired certificate on the API gateway"]
    service = library["pool"].factors.get().service
    assert titles(client.get(url, {"service": service.pk})) == ["Checkout returns 502"]
    assert titles(client.get(url, {"team": "platform"})) == ["Expired certificate on the API gateway"]
    assert titles(client.get(url, {"period": "30d"})) == ["Checkout returns 502"]
    nothing = client.get(url, {"q": "zebra"})
    assert titles(nothing) == [] and "No published review matches" in nothing.text


def test_library_search_over_htmx_returns_only_results(client, library, outsider):
    client.force_login(outsider)
    response = client.get(reverse("review_library"), {"q": "pool"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="library-results"')


def test_empty_library_explains_itself(client, engineer):
    client.force_login(engineer)
    response = client.get(reverse("review_library"))
    assert "No reviews have been published yet" in response.text
    assert reverse("incident_list") in response.text


def test_library_query_count_does_not_grow_with_results(client, library, payments, outsider, every_page_rendered):
    client.force_login(outsider)
    url = reverse("review_library")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(6):
        published_review(payments, f"Another outage {n}", "Something else.", factor_category="capacity")
    client.get(url)  # publishing raises the incidents' version: who sees which incidents is asked once again
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(titles(response)) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


def test_review_page_query_count_does_not_grow_with_content(
    client, review, engineer, facilitator, teammate, django_assert_num_queries, every_page_rendered
):
    url = review.get_absolute_url()
    client.force_login(facilitator)
    ContributingFactorFactory(review=review)
    OpportunityFactory(review=review)
    PerspectiveFactory(review=review, author=engineer)
    # Perspectives are read one way before they are revealed (yours, and how many) and another after: both
    # counts are of the page after.
    review.perspectives_revealed_at = timezone.now()
    review.save()
    client.get(url)  # warms the directory of names used by the language guide
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    for _ in range(10):
        factor = ContributingFactorFactory(review=review)
        factor.timeline_entries.add(TimelineEntryFactory(incident=review.incident))
        OpportunityFactory(review=review)
    PerspectiveFactory(review=review, author=teammate)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count('class="factor"') == 11


def test_library_shows_my_open_reviews_and_requests_for_a_facilitator(
    client, incident, engineer, facilitator, outsider
):
    review = lifecycle.start_review(by=engineer, incident=incident)  # an engineer asks for a facilitator
    client.force_login(engineer)
    page = client.get(reverse("review_library"))
    assert "Reviews you take part in" in page.text and review.title in page.text
    assert "Waiting for a facilitator" not in page.text
    client.force_login(facilitator)
    assert "Waiting for a facilitator" in client.get(reverse("review_library")).text
    client.force_login(outsider)
    assert review.title not in client.get(reverse("review_library")).text


def test_the_reviews_i_take_part_in_follow_every_change_at_once(
    client, library, incident, engineer, facilitator, payments
):
    """The reviews in progress at the head of the library: a change anyone makes to them shows on the next view."""
    from accounts.models import Membership, Role
    from fragments.versions import bump

    url = reverse("review_library")
    client.force_login(facilitator)
    client.get(url)
    review = lifecycle.start_review(by=engineer, incident=incident)  # an engineer asks for a facilitator
    assert review.title in client.get(url).text
    review.facilitator = facilitator
    review.save()
    assert review.title not in client.get(url).text  # neither waiting nor one they take part in
    review.participants.add(facilitator)
    assert review.title in client.get(url).text
    review.title = "Review of the checkout errors, renamed"
    review.save()
    assert "Review of the checkout errors, renamed" in client.get(url).text

    review.facilitator = None
    review.save()
    client.force_login(engineer)  # asked for it, so takes part; of the same team, but facilitates none of them
    review.participants.remove(engineer)
    assert review.title not in client.get(url).text
    Membership.objects.filter(user=engineer, team=payments).update(role=Role.FACILITATOR)
    bump("people")  # an update sends no signal
    assert review.title in client.get(url).text


def test_the_library_searches_content_never_people(client, payments, engineer, teammate, facilitator, outsider):
    """A name finds nothing (the index holds roles), the content still does; the facilitator's own page lists theirs."""
    review = ReviewFactory(
        incident=IncidentFactory(team=payments, title="Jonas Berg's deploy stalled the refunds queue"),
        facilitator=facilitator,
        participants=[facilitator, engineer, teammate],
        summary="Priya Raman and @jonas watched the refunds queue grow; sam asked for a rollback.",
        status=ReviewStatus.IN_REVIEW,
    )
    ContributingFactorFactory(review=review, description="Jonas had no staging queue to try the change on.")
    search.index_for_search(review)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.save()

    for text in (review.search_title, review.search_document):
        for name in ("Jonas", "jonas", "Berg", "Priya", "Raman", "sam"):
            assert name not in text, (name, text)
    client.force_login(outsider)
    url = reverse("review_library")
    for name in ("Jonas", "jonas", "Berg", "Priya Raman", "@jonas", "Sam Lindqvist", "sam"):
        assert titles(client.get(url, {"q": name})) == [], name
    assert titles(client.get(url, {"q": "refunds queue"})) == [review.title]
    assert titles(client.get(url, {"q": "staging"})) == [review.title]

    client.force_login(facilitator)
    home = client.get(reverse("home")).text
    assert "Published reviews I facilitated" in home and review.get_absolute_url() in home


def test_a_snippet_marks_the_words_found_and_escapes_the_rest():
    from postmortems.templatetags.reviews import marked_snippet

    assert marked_snippet("<b>we</b> sized the \x02pools\x03") == "&lt;b&gt;we&lt;/b&gt; sized the <mark>pools</mark>"


def test_someone_who_joins_after_publishing_is_not_found_by_name(client, payments, facilitator, outsider):
    """A review names a contractor who had no account yet; once they join, their name finds nothing."""
    from tests.factories import UserFactory

    review = ReviewFactory(
        incident=IncidentFactory(team=payments, title="Refunds stalled behind a schema change"),
        facilitator=facilitator,
        summary="Tomasz Kowalski ran the schema change on the refunds table.",
        status=ReviewStatus.IN_REVIEW,
    )
    search.index_for_search(review)
    review.status, review.published_at = ReviewStatus.PUBLISHED, timezone.now()
    review.save()
    client.force_login(outsider)
    url = reverse("review_library")
    assert titles(client.get(url, {"q": "Kowalski"})) == [review.title]  # not in the directory yet: a word

    UserFactory(username="tkowalski", display_name="Tomasz Kowalski")

    assert titles(client.get(url, {"q": "Kowalski"})) == []
    assert titles(client.get(url, {"q": "Tomasz"})) == []
    assert titles(client.get(url, {"q": "schema change"})) == [review.title]


def test_open_reviews_of_restricted_or_deleted_incidents_stay_hidden_from_people_not_on_them(
    client, payments, engineer, teammate, facilitator, restricted_incident
):
    from incidents.models import Incident

    secret = lifecycle.start_review(by=engineer, incident=restricted_incident)
    secret.participants.add(engineer, teammate)
    gone_incident = IncidentFactory(team=payments, title="Incident opened by mistake")
    gone = ReviewFactory(incident=gone_incident, title="Review opened by mistake", participants=[engineer])
    client.force_login(teammate)  # asked in, but not on the restricted incident
    assert secret.title not in client.get(reverse("review_library")).text
    client.force_login(engineer)
    page = client.get(reverse("review_library")).text
    assert secret.title in page and gone.title in page
    Incident.all_objects.filter(pk=gone_incident.pk).update(deleted_at=timezone.now())
    from fragments.versions import bump

    bump("incidents")
    assert gone.title not in client.get(reverse("review_library")).text


def test_a_renamed_category_shows_in_the_filters_on_the_next_view_not_a_304(client, library, outsider):
    client.force_login(outsider)
    url = reverse("review_library")
    client.get(url)  # the browser now holds the CSRF cookie, which the page's tag depends on
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    renamed = category("process-gap")
    renamed.name = "Gaps in how we work"
    renamed.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Gaps in how we work" in response.text
