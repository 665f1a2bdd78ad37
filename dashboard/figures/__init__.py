"""The dashboard's numbers: aggregates computed in PostgreSQL, cached in Redis, never per person.

Every figure starts from ``Incident.objects.visible_to(user)``, so a restricted incident
counts only for the people who may see it. Cached results are shared between people
who see exactly the same incidents (a *visibility class*): admins see everything, most
people see the unrestricted incidents, and the responders and facilitators of restricted
incidents share one entry with everyone on exactly the same restricted incidents
(``incidents.access.visibility_class``).

One module per reason to change: ``common`` (filters, percentiles), ``action_items`` (action
items, the 48-hour obligation), ``response`` (time to detect and mitigate), ``factors`` (contributing
factors, recurrences after a fix), ``learning`` (near misses, review quality) and ``store`` (keeping
and refreshing them). The follow-through after the 48 hours lives in ``dashboard.follow_through``.

Nothing here groups by a person: the units are teams, kinds, categories, months and weeks.
"""

from dashboard.figures.common import (
    CACHE_SECONDS,
    RECURRENCE_THRESHOLD,
    RECURRENCE_WINDOW_DAYS,
    Filters,
    Percentile,
    make_filters,
)
from dashboard.figures.store import (
    compute,
    compute_directly,
    current_state,
    dashboard_data,
    figures_of,
    refresh,
    visibility_class,
)

__all__ = [
    "CACHE_SECONDS",
    "RECURRENCE_THRESHOLD",
    "RECURRENCE_WINDOW_DAYS",
    "Filters",
    "Percentile",
    "compute",
    "compute_directly",
    "current_state",
    "dashboard_data",
    "figures_of",
    "make_filters",
    "refresh",
    "visibility_class",
]
