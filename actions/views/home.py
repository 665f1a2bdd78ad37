from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from actions.models import ActionItem, FixObligation, ObligationState
from fragments.conditional import conditional_page
from incidents.access import restricted_incidents_on
from incidents.models import Incident
from postmortems.models import Perspective, Review, ReviewStatus
from web.htmx import HtmxHttpRequest, render_page

MY_WORK_LIMIT = 8
FEEDBACK_ASK_FOR = timedelta(days=60)


@conditional_page(lambda request: ["incidents", "actions", "reviews"], clock_seconds=60)
def home(request: HtmxHttpRequest):
    """My work: what needs this person now, across incidents, reviews and action items."""
    user = request.user
    versions = getattr(request, "versions", None)
    # Each list is this person's own rows (a handful), of incidents they may see: live, and unrestricted or
    # among the few restricted ones they are on (remembered under the incidents version).
    may_see = Q(incident__isnull=True) | Q(incident__deleted_at__isnull=True)
    if not user.is_org_admin:
        may_see = Q(incident__isnull=True) | Q(
            Q(incident__restricted=False) | Q(incident__in=restricted_incidents_on(user, versions)),
            incident__deleted_at__isnull=True,
        )
    my_items = list(
        ActionItem.objects.filter(owner=user)
        .still_open()
        .filter(may_see)
        .select_related("incident")
        .only("title", "due_on", "incident__title")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:MY_WORK_LIMIT]
    )
    # Open fixes are few at any size: take them first and test each one's incident, rather than gather
    # every incident near this person (a team's can be hundreds).
    responding = Incident.responders.through.objects.filter(incident=OuterRef("incident_id"), user=user)
    close_to_me = Q(incident__facilitator=user) | Q(incident__team__in=user.team_ids) | Exists(responding)
    obligations = list(
        FixObligation.objects.filter(state__in=[ObligationState.PENDING, ObligationState.BREACHED])
        .filter(close_to_me)
        .filter(may_see)
        .select_related("incident")
        .only("state", "deadline", "breached_at", "incident__title")
        .order_by("deadline")[:MY_WORK_LIMIT]
    )
    # A union of two indexed lookups: "participant OR facilitator" would make PostgreSQL scan every review.
    taking_part = Review.participants.through.objects.filter(user=user).values("review_id")
    mine = taking_part.union(Review.objects.filter(facilitator=user).order_by().values("pk"))
    review_fields = ("title", "status", "facilitator_id", "published_at", "incident_id")
    reviews = list(
        Review.objects.filter(pk__in=mine)
        .exclude(status=ReviewStatus.PUBLISHED)
        .filter(may_see)
        .annotate(has_my_perspective=Exists(Perspective.objects.filter(review=OuterRef("pk"), author=user)))
        .only(*review_fields)
        .order_by("-created_at")[:MY_WORK_LIMIT]
    )
    # The library searches content, never people; a facilitator finds the reviews they ran here.
    facilitated = list(
        Review.objects.filter(facilitator=user)
        .published()
        .filter(may_see)
        .only(*review_fields)
        .order_by("-published_at")[:MY_WORK_LIMIT]
    )
    now = timezone.now()
    # A published review leaves "reviews I take part in"; until they answer, its participants are asked
    # how it went (for two months; the inbox asks once too).
    feedback_asks = list(
        Review.objects.filter(pk__in=taking_part)
        .published()
        .filter(published_at__gte=now - FEEDBACK_ASK_FOR)
        .filter(may_see)
        .exclude(feedback__author=user)
        .only(*review_fields)
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
