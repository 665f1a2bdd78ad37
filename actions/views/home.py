from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from actions.models import ActionItem, FixObligation, ObligationState
from fragments.conditional import conditional_page
from incidents.models import Incident
from postmortems.models import Perspective, Review, ReviewStatus
from web.htmx import HtmxHttpRequest, render_page

MY_WORK_LIMIT = 8
FEEDBACK_ASK_FOR = timedelta(days=60)


@conditional_page(lambda request: ["incidents", "actions", "reviews"], clock_seconds=60)
def home(request: HtmxHttpRequest):
    """My work: what needs this person now, across incidents, reviews and action items."""
    user = request.user
    visible_incidents = Incident.objects.visible_to(user).values("pk")
    my_items = list(
        ActionItem.objects.visible_to(user)
        .still_open()
        .filter(owner=user)
        .select_related("incident", "team")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:MY_WORK_LIMIT]
    )
    close_to_me = Q(incident__responders=user) | Q(incident__facilitator=user) | Q(incident__team__in=user.team_ids)
    obligations = list(
        FixObligation.objects.filter(state__in=[ObligationState.PENDING, ObligationState.BREACHED])
        .filter(incident__in=visible_incidents)
        .filter(pk__in=FixObligation.objects.filter(close_to_me).values("pk"))
        .select_related("incident")
        .order_by("deadline")[:MY_WORK_LIMIT]
    )
    reviews = list(
        Review.objects.visible_to(user)
        .exclude(status=ReviewStatus.PUBLISHED)
        .filter(pk__in=Review.objects.filter(Q(participants=user) | Q(facilitator=user)).values("pk"))
        .annotate(has_my_perspective=Exists(Perspective.objects.filter(review=OuterRef("pk"), author=user)))
        .select_related("incident", "near_miss")
        .order_by("-created_at")[:MY_WORK_LIMIT]
    )
    # The library searches content, never people; a facilitator finds the reviews they ran here.
    facilitated = list(
        Review.objects.visible_to(user)
        .published()
        .filter(facilitator=user)
        .select_related("incident", "near_miss")
        .order_by("-published_at")[:MY_WORK_LIMIT]
    )
    now = timezone.now()
    # A published review leaves "reviews I take part in"; until they answer, its participants are asked
    # how it went (for two months; the inbox asks once too).
    feedback_asks = list(
        Review.objects.visible_to(user)
        .published()
        .filter(published_at__gte=now - FEEDBACK_ASK_FOR, participants=user)
        .exclude(feedback__author=user)
        .order_by("-published_at")[:MY_WORK_LIMIT]
    )
    return render_page(
        request,
        "home.html",
        {
            "memberships": user.memberships.select_related("team"),
            "my_items": my_items,
            "today": timezone.localdate(),
            "obligations": [
                (obligation, obligation.display_state(now), obligation.time_left(now)) for obligation in obligations
            ],
            "reviews": reviews,
            "facilitated": facilitated,
            "feedback_asks": feedback_asks,
        },
    )
