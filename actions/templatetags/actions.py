"""The actions app's template tag for the page header: the unread notifications."""

from django import template
from django.core.cache import cache

from actions.models import Notification
from fragments.conditional import inbox_version
from fragments.versions import current

register = template.Library()

# A count is kept under its inbox's version, which every new notification and every reading raises.
UNREAD_SECONDS = 60 * 60


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return 0
    name = inbox_version(user)
    known = getattr(request, "versions", {})  # read with the page's ETag
    number = known[name] if name in known else current([name])[name]
    key = f"unread:{user.pk}:{number}"
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user).unread().count()
        cache.set(key, count, UNREAD_SECONDS)
    return count
