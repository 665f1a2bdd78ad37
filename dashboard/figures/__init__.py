"""The dashboard's numbers: aggregates computed in PostgreSQL, cached in Redis, never per person.

The figures are kept in parts that add up, each about its own set of incidents (``parts``): the public
part (every unrestricted incident, shared by everyone), the part of every restricted incident (for admins)
and, for people on restricted incidents, the small part of exactly those. A viewer's figures are their
parts merged (``sums``) and then finished (``finish``: medians, shares, and the rules on small groups), so
a restricted incident counts only for the people who may see it and no viewer computes everything.

One module per reason to change: ``common`` (filters, percentiles), ``parts`` and ``sums`` (what a part
holds and how parts add up), ``finish`` (the figures from merged parts), ``action_items`` (the 48-hour
obligation), ``factors`` (the first fix of each weakness), ``learning`` (near misses, review quality) and
``store`` (keeping and refreshing parts). The follow-through after the 48 hours lives in
``dashboard.follow_through``.

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
    "current_state",
    "dashboard_data",
    "figures_of",
    "make_filters",
    "refresh",
    "visibility_class",
]
