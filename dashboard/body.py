"""The figures as the page shows them, drawn once for everyone of a viewer class and kept.

Two kept pieces, each shared by everyone whose figures come from the same parts (their viewer class), never one
person's:

- **the charts** (headline figures, charts, tables, lists), kept under the figures they draw: the parts merged
  and when each was computed (``State.key``), the severity shown, for as long as figures are. After a write the
  page shows the same charts, said to be from before it; they are drawn again only when a part is new.
- **the body** as served: the charts inside the note on how fresh they are. Kept under the class and the
  filters with the numbers of the versions it was made under (the data's and each of its parts' figures), and
  by each process for the bodies it served lately. While the numbers are unchanged and its figures current by
  the clock, a view serves it as it is: no state read, no figures, no template, and from a process that served
  it before, no cache round trip (the numbers come with the page's versions).

Neither is read early with the page's versions (``fragments.remembered``): the address is everyone's, and what its
last requests read is the bodies of other classes, a tenth of a megabyte each.

Only current figures are kept as a body: figures from before the latest changes are served through the state of
their parts on every view, so that each such view queues the refresh of what is out of date
(``dashboard.figures.store.current_state``).
"""

import threading

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.privacy import too_few_people_message
from dashboard import panels
from dashboard.figures import CACHE_SECONDS, Filters, current_state, figures_of
from dashboard.figures.store import filters_key, part_names
from dashboard.freshness import VERSION, figures_version
from fragments.kept import kept_render, serve, versions_of
from fragments.release import release
from incidents.access import visibility_class

TEMPLATE = "dashboard/dashboard.html"


def body_key(visibility: str, filters: Filters) -> str:
    return f"dashboard:body:{release()}:{visibility}:{filters_key(filters)}:{filters.severity}"


def dashboard_body(request: HttpRequest, filters: Filters, query: str) -> SafeString:
    """The figures, charts and tables for this viewer and these filters, with how fresh they are.

    While the parts of the figures are recomputed after a change, everyone gets the figures of the last ones,
    said to be so, and the page fetches itself again a few seconds later.
    """
    visibility = visibility_class(request.user, getattr(request, "versions", None))
    names = [VERSION, *(figures_version(part) for part in part_names(visibility))]
    key = body_key(visibility, filters)
    # The parts' numbers come with the page's versions once this address has read them (``fragments.remembered``).
    numbers = versions_of(names, request)
    made_under = [numbers[name] for name in names]
    kept = _served_here.get(key)
    if not _current(kept, made_under, filters):
        kept = cache.get(key)
        if _current(kept, made_under, filters):
            _keep_here(key, kept)
    if _current(kept, made_under, filters):
        return mark_safe(serve(kept[2]))  # noqa: S308 - our own template's output, escaped when it was rendered
    html, current_until = _body(request, filters, query)
    if current_until is not None:
        kept = (made_under, current_until, html)
        cache.set(key, kept, CACHE_SECONDS)
        _keep_here(key, kept)
    return mark_safe(serve(html))  # noqa: S308 - our own template's output, escaped when it was rendered


# The bodies this process served lately, by their key (a viewer class's, never a person's), with the numbers they
# were made under: a warm view serves one with no cache round trip, instead of reading and unpickling a tenth of a
# megabyte each time. Used only while those numbers are the current ones, as the kept body in the cache is.
SERVED_HERE = 32
_served_here: dict[str, tuple] = {}
_served_here_lock = threading.Lock()


def forget_served_bodies() -> None:
    """For tests: the cache emptied under a frozen clock gives the same numbers again, to other figures."""
    with _served_here_lock:
        _served_here.clear()


def _current(kept: tuple | None, made_under: list, filters: Filters) -> bool:
    return kept is not None and kept[0] == made_under and filters.now.timestamp() < kept[1]


def _keep_here(key: str, kept: tuple) -> None:
    with _served_here_lock:
        _served_here.pop(key, None)
        while len(_served_here) >= SERVED_HERE:
            del _served_here[next(iter(_served_here))]
        _served_here[key] = kept


def _body(request: HttpRequest, filters: Filters, query: str) -> tuple[str, float | None]:
    """The body rendered for every viewer of the class alike, and until when it may be served as it is (None: not
    kept, its figures being from before the latest changes or this viewer's alone)."""
    state = current_state(request.user, filters, request)
    charts_key = f"{state.key}:charts:{filters.severity}" if state.key else None
    charts = cache.get(charts_key) if charts_key else None
    fresh, computed_at, kept_as = not state.stale, state.computed_at, charts_key
    if charts is None:
        data, fresh, figures_key = figures_of(request.user, state)
        computed_at = data["computed_at"]
        charts = kept_render(render_to_string, f"{TEMPLATE}#charts", _charts_context(data, filters, query))
        kept_as = f"{figures_key}:charts:{filters.severity}" if figures_key else None
        if kept_as:
            cache.set(kept_as, charts, CACHE_SECONDS)
    context = {
        "filters": filters,
        "query": query,
        "path": request.path,
        "fresh": fresh,
        "computed_at": computed_at,
        "charts": mark_safe(charts),  # noqa: S308 - our own template's output, escaped when it was rendered
    }
    html = kept_render(render_to_string, f"{TEMPLATE}#body", context)
    # Kept only when drawn from the parts of the state read (not from parts computed or refreshed meanwhile).
    return html, state.current_until if kept_as is not None and kept_as == charts_key else None


def _charts_context(data: dict, filters: Filters, query: str) -> dict:
    context = {"filters": filters, "query": query, "data": data}
    if data.get("withheld"):
        return context | {"too_few_people": too_few_people_message()}
    return context | {
        "view": panels.build(data, filters),
        "follow_through": data["follow_through"],
        "is_empty": not (
            data["response"]["overall"]["count"] or data["actions"]["open"] or data["near_misses"]["total"]
        ),
    }
