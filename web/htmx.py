"""One way to answer: a view builds the whole page, and an htmx request gets only the named partial of it.

Templates keep the pieces htmx swaps as named partials inside the page (``{% partialdef timeline %}``), so
the page and its fragments cannot drift apart. A boosted navigation or a history restore wants the whole
page, so those get it.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_fragment(request: HtmxHttpRequest) -> bool:
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HtmxHttpRequest, template_name: str, context: dict, *, partial: str | None = None, status: int = 200
) -> TemplateResponse:
    """The page ``template_name``; for an htmx request that names a ``partial``, only that partial of it."""
    if partial and wants_fragment(request):
        template_name = f"{template_name}#{partial}"
    return TemplateResponse(request, template_name, context, status=status)
