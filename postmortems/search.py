"""The library's search: over what reviews say, never over who took part.

The text indexed for a review is its write-up with every person replaced by a role (the title
included), so searching someone's name finds nothing and no one can list the reviews a person took
part in. Facilitators find the reviews they ran from their own page ("my work"), not through search.
"""

from datetime import timedelta

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from incidents.models import Incident
from postmortems.anonymising import Anonymiser, people_of
from postmortems.models import SECTION_TEXTS, ContributingFactor, Review

# The words found are marked with control characters, since the text is the writers' own: the template
# escapes it and only then turns the marks into <mark>.
SNIPPET_START, SNIPPET_STOP = "\x02", "\x03"

PERIODS = {"30d": ("Last 30 days", 30), "90d": ("Last 3 months", 90), "365d": ("Last year", 365)}
# Kept in step with the expression index of migration 0006_search_without_people.
SEARCH_CONFIG = "english"


def index_for_search(review: Review) -> None:
    """Set the texts the library searches (not saved): the title, and the sections, factors and
    opportunities, with people replaced by roles."""
    parts = [getattr(review, name) for name in SECTION_TEXTS]
    for factor in review.factors.select_related("category", "service"):
        parts += [factor.description, factor.category.name, factor.service.name if factor.service else ""]
    parts += [o.question for o in review.opportunities.all()]
    anonymise = Anonymiser(people_of(review), facilitator_key=review.facilitator_id)
    review.search_title = anonymise(review.title)
    review.search_document = anonymise("\n".join(part for part in parts if part))


def index_again_for(person: User) -> int:
    """A person who joins the directory (or is renamed) after a review naming them was published: index the
    reviews that may name them again, so that their name finds nothing from now on. Returns how many."""
    words = {
        word
        for text in (person.display_name, person.get_full_name(), person.username, person.email)
        for word in text.split()
        if len(word) >= 3
    }
    if not words:
        return 0
    naming = Q()
    for word in words:
        naming |= Q(search_document__icontains=word) | Q(search_title__icontains=word)
    reviews = list(Review.objects.published().filter(naming))
    for review in reviews:
        index_for_search(review)
        review.save(update_fields=["search_title", "search_document"])
    return len(reviews)


def search_reviews(user: User, *, among: list[int] | None = None, **filters):
    """Published reviews this person may see, matching the search and the filters (``matching_reviews``), best
    match first.

    ``among``: only the reviews of these incidents, which the person may see (the restricted incidents they are
    on, ``incidents.access.restricted_incidents_on``), so that who may see what is not asked again."""
    return seen_by(matching_reviews(**filters), user, among)


def seen_by(reviews, user: User, among: list[int] | None = None):
    """``reviews`` narrowed to those this person may see, or to those of ``among`` (see ``search_reviews``)."""
    return reviews.visible_to(user) if among is None else reviews.filter(incident__in=among)


def matching_reviews(*, query: str = "", category: str = "", service: str = "", team: str = "", period: str = ""):
    """Published reviews of any incident matching the search and the filters, best match first: built once for a
    page, narrowed to what each list on it may show (``seen_by``)."""
    reviews = Review.objects.published()
    if category:
        reviews = reviews.filter(
            Exists(ContributingFactor.objects.filter(review=OuterRef("pk"), category__slug=category))
        )
    if service.isdigit():
        reviews = reviews.filter(
            Exists(ContributingFactor.objects.filter(review=OuterRef("pk"), service_id=int(service)))
            | Exists(
                Incident.services.through.objects.filter(incident=OuterRef("incident_id"), service_id=int(service))
            )
        )
    if team:
        reviews = reviews.filter(team__slug=team)
    if period in PERIODS:
        reviews = reviews.filter(published_at__gte=timezone.now() - timedelta(days=PERIODS[period][1]))
    query = query.strip()
    if query:
        if connection.vendor == "postgresql":
            vector = SearchVector("search_title", weight="A", config=SEARCH_CONFIG) + SearchVector(
                "search_document", weight="B", config=SEARCH_CONFIG
            )
            search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
            reviews = (
                reviews.annotate(
                    document=vector,
                    rank=SearchRank(vector, search),
                    snippet=SearchHeadline(
                        "search_document",
                        search,
                        config=SEARCH_CONFIG,
                        start_sel=SNIPPET_START,
                        stop_sel=SNIPPET_STOP,
                        max_words=28,
                        min_words=12,
                        max_fragments=2,
                        fragment_delimiter=" … ",
                    ),
                )
                .filter(document=search)
                .order_by("-rank", "-published_at")
            )
        else:
            reviews = reviews.filter(Q(search_title__icontains=query) | Q(search_document__icontains=query))
            reviews = reviews.order_by("-published_at")
    else:
        reviews = reviews.order_by("-published_at", "-pk")
    return reviews.select_related("team", "incident")
