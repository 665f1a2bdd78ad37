"""Times in the viewer's own zone with the zone named, and durations in words."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def when(value: datetime | None, style: str = "full") -> str:
    """``Sat 21 Nov 2026, 14:02 CET``; ``style="time"`` gives ``14:02 CET``."""
    if not value:
        return ""
    local = timezone.localtime(value)
    zone = local.tzname() or ""
    if style == "time":
        return f"{local:%H:%M} {zone}".strip()
    if style == "date":
        return f"{local:%a} {local.day} {local:%b %Y}"
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {zone}".strip()


@register.filter
def duration(value: timedelta | None) -> str:
    """``38 min``, ``2 h 5 min``, ``3 days 4 h``; empty when unknown."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours} h {minutes} min" if minutes else f"{sign}{hours} h"
    days, hours = divmod(hours, 24)
    return f"{sign}{days} days {hours} h" if hours else f"{sign}{days} days"
