from django.utils import timezone

from actions.my_work import my_work
from actions.my_work_lines import lines
from fragments.conditional import conditional_page
from incidents.access import restricted_incidents_on
from web.htmx import HtmxHttpRequest, render_page


@conditional_page(lambda request: ["incidents", "actions", "reviews"], clock_seconds=60)
def home(request: HtmxHttpRequest):
    """My work: what needs this person now, across incidents, reviews and action items."""
    user = request.user
    now = timezone.now()
    restricted = [] if user.is_org_admin else restricted_incidents_on(user, getattr(request, "versions", None))
    work = my_work(user, restricted, now)
    return render_page(
        request,
        "home.html",
        {
            "work": work,
            "lines": lines(work, user.pk, now),
        },
    )
