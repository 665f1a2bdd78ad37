"""The actions app's template tag for the page header: the unread notifications."""

from django import template

from actions.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()
