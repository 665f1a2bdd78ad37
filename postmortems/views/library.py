"""Sharing the learning: the library of published reviews and the exports."""

from functools import cache

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from accounts.models import Team
from fragments.conditional import conditional_page
from fragments.kept import kept_rows
from fragments.lazy import once
from incidents.access import list_count, list_viewers, list_viewers_fact, restricted_incidents_on
from incidents.models import Service
from postmortems import exports, search
from postmortems.access import get_review_for_user
from postmortems.forms import LibraryFilterForm
from postmortems.in_progress import in_progress
from postmortems.models import ContributingFactor, FactorCategory
from web.htmx import HtmxHttpRequest, render_page
from web.pagination import page_of

PAGE_SIZE = 20
FILTERS = ("category", "service", "team", "period")


def _filter_form(data) -> LibraryFilterForm:
    # The choices are read when the form is rendered or validated: not at all while the filters come from a
    # kept fragment and none is chosen; and once each (rendering a select asks its choices twice).
    form = LibraryFilterForm(data)
    form.fields["category"].choices = once(
        lambda: [("", "Any category"), *FactorCategory.objects.values_list("slug", "name")]
    )
    form.fields["service"].choices = once(
        lambda: [("", "Any service"), *((str(pk), name) for pk, name in Service.objects.values_list("pk", "name"))]
    )
    form.fields["team"].choices = once(lambda: [("", "Any team"), *Team.objects.values_list("slug", "name")])
    form.fields["period"].choices = [("", "Any time")] + [(key, label) for key, (label, _) in search.PERIODS.items()]
    return form


def _matching(filters: dict):
    return search.matching_reviews(
        query=filters.get("q", ""),
        category=filters.get("category", ""),
        service=filters.get("service", ""),
        team=filters.get("team", ""),
        period=filters.get("period", ""),
    )


def _reviews_with_categories(reviews) -> dict:
    """These reviews by pk, each with the sorted names of its factors' categories."""
    found = reviews.prefetch_related(
        Prefetch(
            "factors",
            queryset=ContributingFactor.objects.select_related("category").only(
                "id", "review_id", "category__name", "category__slug"
            ),
            to_attr="factor_list",
        )
    ).in_bulk()
    for review in found.values():
        review.category_names = sorted({factor.category.name for factor in review.factor_list})
    return found


def _rows(request, filters: dict, matching, pks) -> list:
    """Each result's row, kept for everyone under its review's version (and the search: its snippet)."""
    row = get_template("postmortems/includes/library_row.html")
    return kept_rows(
        "library-row",
        [(pk, [f"review:{pk}", "people", "factor-choices"]) for pk in pks],
        request,
        lambda missing: _reviews_with_categories(matching().filter(pk__in=missing)),
        lambda review: row.render({"review": review}),
        values=[filters.get("q", "")],
    )


@require_GET
# The filters offer the categories and services ("factor-choices"): read with the rest, and a renamed one shows.
@conditional_page(
    lambda request: ["reviews", "incidents", "factor-choices"],
    own=lambda request: [list_viewers_fact(request, "library")],
)
def review_library(request: HtmxHttpRequest):
    # The form and the filters it cleans are built once, and only when no kept fragment serves the request.
    form = cache(lambda: _filter_form(request.GET or None))
    filters = cache(lambda: form().cleaned_data if form().is_bound and form().is_valid() else {})
    user = request.user
    # The results are kept per address (search, filters, page) for everyone who sees the same reviews here,
    # with their count; each review's row is kept for everyone.
    versions = ["reviews", "incidents"]
    everyone = cache(lambda: _matching(filters()))  # built once for both lists below
    matching = cache(lambda: search.seen_by(everyone(), user))
    viewers = list_viewers(request, "library", versions, lambda ids: search.seen_by(everyone(), user, ids).count())

    def page():
        count = list_count(request, "library", versions, viewers, lambda: matching().count())
        return page_of(request, matching().values_list("pk", flat=True), PAGE_SIZE, count)

    page = SimpleLazyObject(page)
    context = {
        "in_progress": SimpleLazyObject(lambda: _in_progress(request)),  # not shown in the results alone
        "form": form,
        "page": page,
        "rows": SimpleLazyObject(lambda: _rows(request, filters(), matching, page.object_list)),
        "searching": lambda: bool(filters() and any(filters().values())),
        "viewers": viewers.name,
        # The filters' lists are kept per choice made in them, whatever the search words and page (asked only when
        # the search is not kept whole).
        "chosen": lambda: "&".join(f"{name}={request.GET.get(name, '')}" for name in FILTERS),
    }
    return render_page(request, "postmortems/library.html", context, partial="results")


def _in_progress(request) -> dict:
    """Unpublished reviews that need this person: ones they take part in, and requests for a facilitator."""
    user = request.user
    restricted = [] if user.is_org_admin else restricted_incidents_on(user, getattr(request, "versions", None))
    return in_progress(user, restricted)


def _markdown_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def review_export_markdown(request: HtmxHttpRequest, pk: int):
    review, _, _ = get_review_for_user(request.user, pk)
    if not review.is_published:
        raise PermissionDenied("A review can be exported once it is published.")
    return _markdown_response(exports.export_markdown(review), exports.export_filename(review))


@require_GET
def review_export_anonymised(request: HtmxHttpRequest, pk: int):
    review, _, _ = get_review_for_user(request.user, pk)
    if not review.is_published:
        raise PermissionDenied("A review can be exported once it is published.")
    text = exports.export_markdown(review, anonymised=True)
    return _markdown_response(text, exports.export_filename(review, anonymised=True))
