import csv
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from accounts.models import Team
from accounts.privacy import too_few_people_message
from dashboard import panels
from dashboard.figures import CACHE_SECONDS, Filters, current_state, dashboard_data, figures_of, make_filters
from dashboard.figures.store import part_names
from dashboard.fixes import earlier_incidents
from dashboard.forms import PERIODS, DashboardFilterForm
from dashboard.freshness import VERSION, figures_version
from fragments.conditional import conditional_page
from fragments.kept import kept_render, kept_value, serve
from incidents.access import visibility_class
from incidents.models import Severity
from postmortems.access import get_review_for_user
from web.htmx import HtmxHttpRequest, render_page


def _filters(request: HttpRequest) -> tuple[Filters, str]:
    """The filters from the address (anything stale or malformed falls back to the default) and their query."""
    chosen = DashboardFilterForm(request.GET).filters()
    filters = make_filters(chosen["team"], chosen["period"], chosen["severity"])
    effective = {
        "team": filters.team.slug if filters.team else "",
        "period": filters.period,
        "severity": filters.severity,
    }
    return filters, urlencode({key: value for key, value in effective.items() if value})


def dashboard_body(request: HttpRequest, filters: Filters, query: str) -> SafeString:
    """The figures, charts and tables, rendered once per set of figures and filters for viewers in every zone.

    While the parts of the figures are recomputed after a change, everyone gets the figures of the last ones,
    said to be so, and the page fetches itself again a few seconds later.
    """
    state = current_state(request.user, filters, request)
    view = filters.severity
    html = kept_value(f"{state.key}:html:{view}", request) if state.key else None
    if html is None:
        data, fresh, key = figures_of(request.user, state)
        context = {"filters": filters, "query": query, "data": data, "fresh": fresh}
        if data.get("withheld"):
            context["too_few_people"] = too_few_people_message()
        else:
            context |= {
                "view": panels.build(data, filters),
                "follow_through": data["follow_through"],
                "is_empty": not (
                    data["response"]["overall"]["count"] or data["actions"]["open"] or data["near_misses"]["total"]
                ),
            }
        html = kept_render(render_to_string, "dashboard/dashboard.html#body", context, request=request)
        if key:
            cache.set(f"{key}:html:{view}", html, CACHE_SECONDS)
    return mark_safe(serve(html))  # our own template's output, escaped when it was rendered


def _shown_versions(request: HttpRequest) -> list[str]:
    """What the page's figures depend on: the data, who may see which incidents, and the parts they are
    merged from (which change without a change to the data when one is computed again)."""
    parts = part_names(visibility_class(request.user))
    return [VERSION, "incidents", *(figures_version(part) for part in parts)]


@require_GET
@conditional_page(_shown_versions, clock_seconds=CACHE_SECONDS)
def dashboard(request: HtmxHttpRequest):
    """Follow-through and learning for a team (or all teams) over a period; the address carries the filters."""
    filters, query = _filters(request)
    context = {
        "filters": filters,
        "body": dashboard_body(request, filters, query),
        "teams": Team.objects.values_list("slug", "name"),
        "periods": [(key, label) for key, (label, _) in PERIODS.items()],
        "severities": Severity.choices,
    }
    return render_page(request, "dashboard/dashboard.html", context, partial="figures")


@require_GET
def export_csv(request: HttpRequest, name: str):
    """One chart's or table's numbers as CSV, for the same filters as the page."""
    filters, _ = _filters(request)
    data = dashboard_data(request.user, filters)[0]
    if data.get("withheld"):
        rows = [[too_few_people_message()]]
    else:
        exports = panels.build(data, filters)["exports"]
        if name not in exports:
            raise Http404("No such export")
        rows = exports[name].csv_rows()
    team = filters.team.slug if filters.team else "all-teams"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{team}-{filters.period}.csv"'
    csv.writer(response).writerows(rows)
    return response


@require_GET
def earlier_fixes(request: HtmxHttpRequest, pk: int):
    """Earlier incidents with the same weakness (factor category and service) and whether their fixes held.

    The review page asks for this part; it is the dashboard's because it reads across incidents and fixes.
    """
    review = get_review_for_user(request.user, pk).review
    context = {"earlier": earlier_incidents(review, request.user), "review": review}
    return render_page(request, "dashboard/earlier_fixes.html", context, partial="earlier")
