from django.http import QueryDict

from accounts.models import Team
from incidents.models import Severity

PERIODS = {
    "3m": ("Last 3 months", 3),
    "6m": ("Last 6 months", 6),
    "12m": ("Last 12 months", 12),
    "36m": ("Last 3 years", 36),
}
DEFAULT_PERIOD = "12m"
DEFAULTS = {"team": None, "period": DEFAULT_PERIOD, "severity": ""}
SEVERITIES = frozenset(Severity.values)


def chosen_filters(query: QueryDict) -> dict:
    """Which part of the organisation and which stretch of time the address asks the dashboard to summarise.

    Anything that is not a choice there is (a team since removed, a mistyped period) makes the address fall back
    to the defaults rather than fail the page. Read by hand, not by a form: the page's options are written out in
    its template, and building a form cost more than the rest of a warm view.
    """
    period = query.get("period") or DEFAULT_PERIOD
    severity = query.get("severity") or ""
    if period not in PERIODS or (severity and severity not in SEVERITIES):
        return DEFAULTS
    team = None
    if slug := query.get("team"):
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            return DEFAULTS
    return {"team": team, "period": period, "severity": severity}
