from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actions.models import ActionItem, FixObligation, ObligationState
from config.celery import app as celery_app
from config.tasks import WORKER_HEARTBEAT_KEY
from fragments.conditional import conditional_page
from incidents.models import Incident
from postmortems.models import Perspective, Review, ReviewStatus

MY_WORK_LIMIT = 8


def database_is_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, type(exc).__name__
    return True, "ok"


def broker_is_reachable() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = database_is_reachable()
    broker_ok, broker_detail = broker_is_reachable()
    try:
        worker_seen = cache.get(WORKER_HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001 - the cache being down is reported by the broker check
        worker_seen = None
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": db_detail,
            "broker": broker_detail,
            "worker_last_seen": worker_seen,
        },
        status=200 if healthy else 503,
    )


@conditional_page(lambda request: ["incidents", "actions", "reviews"], clock_seconds=60)
def home(request: HttpRequest):
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
    return render(
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
        },
    )
