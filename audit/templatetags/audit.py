"""``{% history_for obj %}``: the collapsible history of a page, latest changes first."""

from django import template
from django.urls import reverse

from accounts.templatetags.timefmt import when
from audit.history import recent_history
from audit.registry import tracked

register = template.Library()


@register.inclusion_tag("audit/history.html", takes_context=True)
def history_for(context, obj) -> dict:
    """The last changes to ``obj`` and the rows on its page, with a link to the full history."""
    config = tracked(obj)
    if config is None or config.scope is not None:
        # Only pages of tracked objects have a history (never a near miss: its reporter may be anonymous).
        return {"untracked": True}
    lines, more = recent_history(obj)
    history_url = recent_url = ""
    if config is not None and config.access is not None:
        history_url = reverse("audit_history", args=[obj._meta.label_lower, obj.pk])
        # Opening the section fetches the latest lines: edits made inline since the page loaded show too.
        recent_url = f"{history_url}?recent=1"
    return {"lines": lines, "more": more, "history_url": history_url, "recent_url": recent_url}


@register.filter
def history_value(value, kind: str = "text") -> str:
    """One recorded value as people read it: times in the viewer's zone, yes/no for switches."""
    if value is None or value == "":
        return "nothing"
    if kind == "datetime":
        return when(value)
    if kind == "date":
        return f"{value:%a} {value.day} {value:%b %Y}" if hasattr(value, "year") else str(value)
    if kind == "bool":
        return "yes" if value else "no"
    return str(value)
