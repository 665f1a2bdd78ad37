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
    return times.in_words(value)


@register.filter
def time_until(value: datetime | None) -> str:
    """How long from now until the moment, as ``duration`` says it: right whenever a shared fragment is served."""
    if not value:
        return ""
    return times.time_until(value)


@register.filter
def time_since(value: datetime | None) -> str:
    """How long since the moment, as ``duration`` says it: right whenever a shared fragment is served."""
    if not value:
        return ""
    return times.time_since(value)


class UntilNode(template.Node):
    def __init__(self, moment, before, after):
        self.moment, self.before, self.after = moment, before, after

    def render(self, context) -> str:
        html = times.until(
            self.moment.resolve(context), lambda: self.before.render(context), lambda: self.after.render(context)
        )
        return mark_safe(html)  # noqa: S308 - the blocks' own output, escaped as they rendered


@register.tag("until")
def do_until(parser, token):
    """``{% until obligation.deadline %}Due in …{% after %}Past its deadline …{% enduntil %}``: the first block
    until the moment, the second from then on (the first for ever when the moment is empty). Inside a shared
    fragment both are kept and the one to show is chosen when the fragment is served; neither holds another
    ``until``."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("until takes one moment: {% until obligation.deadline %}.")
    before = parser.parse(("after",))
    parser.delete_first_token()
    after = parser.parse(("enduntil",))
    parser.delete_first_token()
    return UntilNode(parser.compile_filter(bits[1]), before, after)
