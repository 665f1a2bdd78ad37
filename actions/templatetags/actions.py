"""Pieces of the actions app that other apps' pages include."""

from django import template

from actions.models import Notification
from actions.views.panels import obligation_context, review_items_context
from incidents.access import can_edit_incident

register = template.Library()


@register.inclusion_tag("actions/panel.html", takes_context=True)
def fix_obligation_panel(context, incident):
    """The systemic-fix obligation on the incident page: countdown, met by which item, or breached since when."""
    user = context["request"].user
    return {**obligation_context(incident, user, can_edit_incident(user, incident)), "request": context["request"]}


@register.inclusion_tag("actions/review_section.html", takes_context=True)
def review_action_items(context, review, can_edit=None, heading=True):
    """The action-item section of the review and meeting pages."""
    if can_edit is None:
        from postmortems.access import get_review_for_user

        can_edit = get_review_for_user(context["request"].user, review.pk).can_edit
    items = review_items_context(review, context["request"].user, can_edit)
    return {**items, "request": context["request"], "heading": heading}


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()


@register.inclusion_tag("actions/my_work.html", takes_context=True)
def my_follow_up(context, limit: int = 5):
    """For the "My work" page: my open action items and the open obligations of incidents I respond to."""
    from django.db.models import F, Q
    from django.utils import timezone

    from actions.models import OPEN_STATUSES, ActionItem, FixObligation, ObligationState
    from incidents.models import Incident

    user = context["request"].user
    items = list(
        ActionItem.objects.visible_to(user)
        .filter(owner=user, status__in=OPEN_STATUSES)
        .select_related("incident")
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )
    mine = Incident.objects.visible_to(user).filter(Q(responders=user) | Q(facilitator=user)).values("pk")
    obligations = list(
        FixObligation.objects.filter(incident__in=mine, state__in=[ObligationState.PENDING, ObligationState.BREACHED])
        .select_related("incident")
        .order_by("deadline")[:limit]
    )
    now = timezone.now()
    return {
        "items": items,
        "obligations": [(o, o.display_state(now), o.time_left(now)) for o in obligations],
        "today": timezone.localdate(),
        "request": context["request"],
    }
