"""One version for everything the dashboard summarises: ``dashboard`` among the page versions.

Cached aggregates carry its number in their key; a change to the underlying data raises it
(``dashboard.signals``), so the next request computes afresh and old entries simply expire. It is kept
and raised like every other version a page shows (``fragments.versions``), so the dashboard's ETag and
its figures go stale together.
"""

from fragments.versions import bump, current, key

VERSION = "dashboard"
VERSION_KEY = key(VERSION)
# Raised with every part's own: the page's ETag names it, as it is known before the viewer's class (and so their
# parts) is, and new figures of any part arrive only after a change to the data, which stales every tag anyway.
ANY_FIGURES = "dashboard-figures"


def data_version() -> int:
    return current([VERSION])[VERSION]


def bump_version() -> None:
    """Mark every cached aggregate stale."""
    bump(VERSION)


def figures_version(part: str) -> str:
    """Raised when a part of the figures has been computed again (``dashboard.figures.store``): the figures a
    viewer gets can change without a change to the data, when the last ones were served meanwhile."""
    return f"dashboard-figures:{part}"


def figures_refreshed(part: str) -> None:
    """A part of the figures is new: pages showing figures merged from the last one are stale."""
    bump(figures_version(part), ANY_FIGURES)
