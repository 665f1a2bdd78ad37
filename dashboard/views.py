import csv
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.models import Team
from accounts.privacy import too_few_people_message
from dashboard import panels
from dashboard.body import dashboard_body
from dashboard.figures import CACHE_SECONDS, Filters, dashboard_data, make_filters
from dashboard.fixes import earlier_incidents
from dashboard.forms import PERIODS, chosen_filters
from dashboard.freshness import ANY_FIGURES, VERSION
from fragments.conditional import conditional_page
from incidents.models import Severity
from postmortems.access import get_review_for_user
from web.htmx import HtmxHttpRequest, render_page

PERIOD_CHOICES = [(key, label) for key, (label, _) in PERIODS.items()]
SEVERITY_CHOICES = Severity.choices


def _filters(request: HttpRequest) -> tuple[Filters, str]:
    """The filters from the address (anything stale or malformed falls back to the default) and their query."""
    chosen = chosen_filters(request.GET)
    filters = make_filters(chosen["team"], chosen["period"], chosen["severity"])
    effective = {
        "team": filters.team.slug if filters.team else "",
        "period": filters.period,
        "severity": filters.severity,
    }
    return filters, urlencode({key: value for key, value in effective.items() if value})


def _shown_versions(request: HttpRequest) -> list[str]:
    """What the page's figures depend on: the data, who may see which incidents, and new figures of any part
    (which change what is shown without a change to the data, when a part is computed again)."""
    return [VERSION, "incidents", ANY_FIGURES]


@require_GET
@conditional_page(_shown_versions, clock_seconds=CACHE_SECONDS)
def dashboard(request: HtmxHttpRequest):
    """Follow-through and learning for a team (or all teams) over a period; the address carries the filters."""
    filters, query = _filters(request)
    context = {
        "filters": filters,
        "body": dashboard_body(request, filters, query),
        # Called only when the filters' kept fragment is rendered afresh: no queryset built on a warm view.
        "teams": lambda: Team.objects.values_list("slug", "name"),
        "periods": PERIOD_CHOICES,
        "severities": SEVERITY_CHOICES,
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
