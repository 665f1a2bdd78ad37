from django.http import Http404

from audit.history import events_for, lines_for, recent_history
from audit.registry import tracked_by_label
from web.htmx import HtmxHttpRequest, render_page
from web.pagination import page_of

PER_PAGE = 50


def history(request: HtmxHttpRequest, label: str, pk: int):
    """The whole history of one page (an incident, a review, an action item), newest first.

    Who may read it is decided by the owning app's own access helper, given at registration.
    """
    config = tracked_by_label(label)
    if config is None or config.access is None:
        raise Http404("No history here")
    obj = config.access(request.user, pk)
    if request.GET.get("recent"):
        lines, more = recent_history(obj)
        context = {"lines": lines, "more": more, "history_url": request.path}
        return render_page(request, "audit/history.html#body", context)
    page = page_of(request, events_for(obj), PER_PAGE)
    context = {"object": obj, "page": page, "lines": lines_for(obj, page.object_list), "full_page": True}
    return render_page(request, "audit/history_page.html", context)
