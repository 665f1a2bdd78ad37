"""Pieces of the actions app that other apps' pages include."""

from django import template

from actions.models import Notification
from actions.panels import obligation_context, review_items_context
from incidents.access import can_edit_incident
from postmortems.access import get_review_for_user

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
        can_edit = get_review_for_user(context["request"].user, review.pk).can_edit
    items = review_items_context(review, context["request"].user, can_edit)
    return {**items, "request": context["request"], "heading": heading}


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()
