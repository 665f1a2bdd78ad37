from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def page_of(request: HttpRequest, items, per_page: int, count: int | None = None) -> Page:
    """The page of ``items`` the address asks for (the last one when past the end, the first when malformed).

    ``count``, when known (kept for a list everyone sees alike), saves the paginator's count query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never asked of the database
    return paginator.get_page(request.GET.get("page"))


def page_context(request: HttpRequest, items, per_page: int, count=None) -> dict:
    """One page of a filtered list, and whether any filter is set (its empty state reads differently then).

    The shared pagination template (``includes/pagination.html``) keeps the filters in its links. The page
    is read from the database on first use: not at all when the list comes from a kept fragment. ``items``
    may be a callable giving the rows, so that building them (a filter form's validation) waits too, and
    ``count`` a callable giving their number (see ``page_of``).
    """

    def page():
        return page_of(request, items() if callable(items) else items, per_page, count() if count else None)

    return {
        "page": SimpleLazyObject(page),
        "filtered": any(value for name, value in request.GET.items() if name != "page"),
    }
