from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from actions.my_work import MY_WORK_SHOWS, my_work, read_for
from fragments.conditional import conditional_page
from fragments.kept import kept_render, serve
from fragments.own import kept_own
from fragments.release import release
from incidents.access import restricted_incidents_on
from web.htmx import HtmxHttpRequest, render_page

# "Due in 3 h 5 min" and a fix breached at its deadline move with the clock: the lists as shown are kept for a
# minute at most, as the page's ETag is.
CLOCK_SECONDS = 60


@conditional_page(
    lambda request: ["incidents", "actions", "reviews"], clock_seconds=CLOCK_SECONDS, own=["my-work", "my-work-shown"]
)
def home(request: HtmxHttpRequest):
    """My work: what needs this person now, across incidents, reviews and action items."""
    user = request.user
    now = timezone.now()
    versions = getattr(request, "versions", None)
    restricted = [] if user.is_org_admin else restricted_incidents_on(user, versions)
    today = timezone.localdate(now)

    def lists() -> str:
        work = my_work(user, restricted, now, versions)
        context = {
            "memberships": work.memberships,
            "my_items": work.my_items,
            "obligations": [
                (obligation, obligation.display_state(now), obligation.time_left(now))
                for obligation in work.obligations
            ],
            "reviews": work.reviews,
            "facilitated": work.facilitated,
            "feedback_asks": work.feedback_asks,
        }
        return kept_render(get_template("home.html#lists").render, context, request)

    # Kept for this person alone (their times as instants, shown in their zone when served): what the rows are
    # kept under, and the day (what is overdue) and minute it was shown for.
    shown_for = (*read_for(user, restricted), release(), translation.get_language(), today.isoformat())
    shown_for += (int(now.timestamp()) // CLOCK_SECONDS,)
    html = kept_own(user, "my-work-shown", MY_WORK_SHOWS, versions, lists, shown_for)
    return render_page(request, "home.html", {"my_work": mark_safe(serve(html))})  # noqa: S308 - our template's output
