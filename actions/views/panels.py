"""The pieces other apps' pages include: the obligation panel (incident) and the action-item section (review)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from actions.forms import QuickActionItemForm
from actions.models import ActionItem, FixObligation
from actions.recurrence import flags_for_review, may_decide
from actions.services import tell_new_owner
from actions.views import HtmxHttpRequest
from incidents.access import get_incident_for_user
from postmortems.access import get_review_for_user


def obligation_status(incident) -> dict:
    """Owed (countdown or breached since when), committed, landed, held or did not hold: what the status shows."""
    obligation = (
        FixObligation.objects.filter(incident=incident)
        .select_related("met_by__owner")
        .prefetch_related("met_by__recurrence_flags")
        .first()
    )
    now = timezone.now()
    return {
        "incident": incident,
        "obligation": obligation,
        "state": obligation.display_state(now) if obligation else None,
        "stage": obligation.stage(now) if obligation else None,
        "landing_overdue": obligation.landing_overdue(now) if obligation else False,
        "poll_seconds": settings.OBLIGATION_POLL_SECONDS,
        "time_left": obligation.time_left(now) if obligation else None,
        "late_by": obligation.met_at - obligation.deadline if obligation and obligation.met_at else None,
        "overdue_by": now - obligation.breached_since() if obligation else None,
        "fix_hours": settings.SYSTEMIC_FIX_HOURS,
        "held_days": settings.FIX_HELD_AFTER_DAYS,
        "now": now,
    }


def obligation_context(incident, user, can_edit: bool, form=None) -> dict:
    """The incident page's panel: the obligation's status, the incident's action items and a quick form."""
    items = list(ActionItem.objects.filter(incident=incident).select_related("owner").order_by("created_at", "pk")[:20])
    review = getattr(incident, "review", None)
    if can_edit and form is None:
        form = QuickActionItemForm(
            instance=ActionItem(incident=incident, team=incident.team), incident=incident, initial={"owner": user.pk}
        )
        form.fields.pop("addresses", None)
    return {
        **obligation_status(incident),
        "with_items": True,
        "items": items,
        "review": review,
        "can_edit": can_edit,
        "fix_form": form if can_edit else None,
    }


def review_items_context(review, user, can_edit: bool, form=None) -> dict:
    items = list(
        ActionItem.objects.filter(Q(review=review) | (Q(incident_id=review.incident_id) & Q(incident__isnull=False)))
        .select_related("owner", "team")
        .prefetch_related("addresses")
        .order_by("created_at", "pk")
    )
    team = review.team or (review.incident.team if review.incident_id else None)
    if can_edit and form is None:
        form = QuickActionItemForm(
            instance=ActionItem(review=review, incident_id=review.incident_id, team=team),
            review=review,
            incident=review.incident if review.incident_id else None,
            initial={"owner": user.pk},
        )
    context = {
        "review": review,
        "items": items,
        "can_edit": can_edit,
        "item_form": form if can_edit else None,
        "heading": True,
    }
    if review.incident_id:
        context.update(obligation_status(review.incident))
    context["flags"] = flags_for_review(review)
    for flag in context["flags"]:
        flag.can_decide = may_decide(user, flag)
    return context


@require_http_methods(["GET", "POST"])
def obligation_panel(request: HtmxHttpRequest, incident_pk: int):
    """GET: the panel alone (polled to keep the countdown fresh). POST: add an action item from the panel."""
    access = get_incident_for_user(request.user, incident_pk)
    incident, status, form = access.incident, 200, None
    if request.method == "POST":
        if not access.can_edit:
            raise PermissionDenied("Responders, the facilitator and the teams involved add action items.")
        review = getattr(incident, "review", None)
        instance = ActionItem(incident=incident, review=review, team=incident.team, created_by=request.user)
        form = QuickActionItemForm(request.POST, instance=instance, incident=incident)
        form.fields.pop("addresses", None)
        if form.is_valid():
            tell_new_owner(form.save(), None, request.user)
            if not request.htmx:
                return redirect(incident)
            form = None
        else:
            status = 422
            if not request.htmx:
                context = {"form": form, "incident": incident, "review": review, "next": incident.get_absolute_url()}
                return render(request, "actions/new.html", context, status=status)
    context = obligation_context(incident, request.user, access.can_edit, form)
    part = "status" if request.method == "GET" and request.GET.get("part") == "status" else "panel"
    # The incident page's poll also refreshes the item list (a landed fix is done), out of band.
    context["with_items"] = context["oob"] = part == "status" and request.GET.get("items") == "1"
    if part == "panel":
        context["with_items"] = True
    return render(request, f"actions/panel.html#{part}", context, status=status)


@require_http_methods(["GET", "POST"])
def review_action_items(request: HtmxHttpRequest, review_pk: int):
    """The review's (and meeting's) action-item section: the list and one short inline create form."""
    access = get_review_for_user(request.user, review_pk)
    review, status, form = access.review, 200, None
    if request.method == "POST":
        if not access.can_edit:
            raise PermissionDenied("Participants, the facilitator and the teams involved add action items.")
        team = review.team or (review.incident.team if review.incident_id else None)
        instance = ActionItem(review=review, incident_id=review.incident_id, team=team, created_by=request.user)
        form = QuickActionItemForm(request.POST, instance=instance, review=review)
        if form.is_valid():
            tell_new_owner(form.save(), None, request.user)
            if not request.htmx:
                return redirect(review)
            form = None
        else:
            status = 422
    context = review_items_context(review, request.user, access.can_edit, form)
    if not request.htmx and status == 422:
        return render(request, "actions/review_items.html", context, status=status)
    return render(request, "actions/review_section.html#section", context, status=status)
