from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_of(request: HttpRequest, items, per_page: int) -> Page:
    """The page of ``items`` the address asks for (the last one when past the end, the first when malformed)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def page_context(request: HttpRequest, items, per_page: int) -> dict:
    """One page of a filtered list, and whether any filter is set (its empty state reads differently then).

    The shared pagination template (``includes/pagination.html``) keeps the filters in its links.
    """
    return {
        "page": page_of(request, items, per_page),
        "filtered": any(value for name, value in request.GET.items() if name != "page"),
    }
