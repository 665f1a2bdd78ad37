"""Times in the viewer's own zone with the zone named, and durations in words.

Inside a shared fragment the times are kept as instants and each viewer's own text is put in when the
fragment is served (``fragments.times``).
"""

from datetime import UTC, datetime, timedelta

from django import template
from django.utils.safestring import mark_safe

from fragments import times

register = template.Library()


@register.filter
def when(value: datetime | None, style: str = "full") -> str:
    """``Sat 21 Nov 2026, 14:02 CET``; ``style="time"`` gives ``14:02 CET``, ``style="date"`` ``Sat 21 Nov 2026``."""
    if not value:
        return ""
    return times.shown(value, style)


@register.filter
def instant(value: datetime | None) -> str:
    """The moment in ISO 8601 and UTC, the same for every viewer: a ``<time datetime>`` attribute."""
    if not value:
        return ""
    return value.astimezone(UTC).isoformat()


class NewDayNode(template.Node):
    def __init__(self, moment, nodelist):
        self.moment = moment
        self.nodelist = nodelist

    def render(self, context) -> str:
        moment = self.moment.resolve(context)
        if not moment:
            return ""
        # Like ``{% ifchanged %}``: compared with the heading before it in the same loop.
        frame = context.get("forloop") or context.render_context
        html, frame[self] = times.new_day(moment, self.nodelist.render(context), frame.get(self))
        return mark_safe(html)  # noqa: S308 - the block's own output, escaped as it rendered


@register.tag("ifnewday")
def do_ifnewday(parser, token):
    """``{% ifnewday entry.occurred_at %}<li>…</li>{% endifnewday %}``: the block only when the moment's day in
    the viewer's zone differs from the one before it in the loop. Inside a shared fragment it is decided when
    the fragment is served, against the heading before it in the fragment: one such loop to a fragment."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("ifnewday takes one moment: {% ifnewday entry.occurred_at %}.")
    nodelist = parser.parse(("endifnewday",))
    parser.delete_first_token()
    return NewDayNode(parser.compile_filter(bits[1]), nodelist)


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
