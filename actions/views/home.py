from django.utils import timezone

from actions.my_work import my_work
from fragments.conditional import conditional_page
from incidents.access import restricted_incidents_on
from web.htmx import HtmxHttpRequest, render_page


@conditional_page(lambda request: ["incidents", "actions", "reviews"], clock_seconds=60)
def home(request: HtmxHttpRequest):
    """My work: what needs this person now, across incidents, reviews and action items."""
    user = request.user
    restricted = [] if user.is_org_admin else restricted_incidents_on(user, getattr(request, "versions", None))
    return render_page(request, "home.html", {"work": my_work(user, restricted, timezone.now())})
