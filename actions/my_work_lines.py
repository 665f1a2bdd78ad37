"""The lines of the home page's lists, written out here rather than in ``home.html``'s loops.

A person's home page is theirs alone, so nothing of it is kept for other viewers; its lists are most of what
the page renders. Django's template engine spent about as long on those few dozen lines (a variable look-up,
a filter and an escape per value) as the whole rest of the request: each line is one ``format_html`` here,
its values escaped as the template escaped them.
"""

from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from actions.models import ObligationState
from fragments import times


def _item(row) -> SafeString:
    due = (
        format_html('<span class="badge{}">{}</span>', " state-breached" if row.overdue else "", row.due_label)
        if row.due_label
        else ""
    )
    origin = (
        format_html('<br><span class="help">From <a href="{}">{}</a></span>', row.incident_url, row.incident_label)
        if row.incident_id
        else ""
    )
    return format_html('<li><a href="{}">{}</a> {}{}</li>', row.url, row.title, due, origin)


def _fix(row, now: datetime) -> SafeString:
    if row.display_state(now) == ObligationState.BREACHED:
        badge = format_html(
            '<span class="badge state-breached">Breached since {}</span>', times.shown(row.breached_since())
        )
    else:
        badge = format_html('<span class="badge state-pending">Due in {}</span>', times.in_words(row.time_left(now)))
    return format_html('<li><a href="{}">{}</a> {}</li>', row.url, row.incident_label, badge)


def _review(row, viewer_id: int) -> SafeString:
    if row.facilitator_id == viewer_id:
        mine = SafeString('<span class="badge">You facilitate</span>')
    elif not row.has_my_perspective:
        mine = format_html('<br><a href="{}">Write your account</a>', row.perspective_url)
    else:
        mine = ""
    return format_html(
        '<li><a href="{}">{}</a> <span class="badge state-info">{}</span>{}</li>',
        row.url,
        row.title,
        row.get_status_display(),
        mine,
    )


def _published(rows, anchor: str = "") -> SafeString:
    return format_html_join(
        "",
        '<li><a href="{}{}">{}</a> <span class="help">published {}</span></li>',
        (
            (row.url, anchor, row.title, times.shown(row.published_at, "date") if row.published_at else "")
            for row in rows
        ),
    )


def lines(work, viewer_id: int, now: datetime) -> dict[str, SafeString]:
    """Each of ``work``'s lists (``actions.my_work.MyWork``) as the ``<li>`` lines of its ``<ul>``."""
    return {
        "my_items": SafeString("".join(_item(row) for row in work.my_items)),
        "obligations": SafeString("".join(_fix(row, now) for row in work.obligations)),
        "reviews": SafeString("".join(_review(row, viewer_id) for row in work.reviews)),
        "facilitated": _published(work.facilitated),
        "feedback_asks": _published(work.feedback_asks, "#feedback"),
        "memberships": format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="badge">{}</span></li>',
            ((row.url, row.title, row.get_role_display()) for row in work.memberships),
        ),
    }
