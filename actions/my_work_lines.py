"""The lines of the home page's lists, written straight from the rows ``actions.my_work`` reads.

A person's home page is theirs alone, so nothing of it is kept for other viewers; its lists are most of what
the page renders. Each row becomes its ``<li>`` in one f-string, with the order it is listed in, as it is read:
no object per row, no template loop, no ``format_html`` (whose check of every value for a lazy translation
cost more than the line). Text from the database is escaped with ``html.escape``, which is what Django's
``escape`` does to a plain string; addresses are made of ids and slugs and need none.
"""

from datetime import UTC, date, datetime
from html import escape

from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import Role
from actions.models import FixObligation, ObligationState
from fragments import times
from postmortems.models import ReviewStatus
from web.links import links_to
from web.sql import as_moment

# PostgreSQL puts a missing moment first when newest come first.
NEWEST = datetime.max.replace(tzinfo=UTC)


def _day(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


class _Fix:
    """A fix's three fields its rules read (a pending fix past its deadline shows as breached)."""

    __slots__ = ("state", "deadline", "breached_at")

    def __init__(self, state: str, deadline: datetime, breached_at: datetime | None):
        self.state, self.deadline, self.breached_at = state, deadline, breached_at

    display_state = FixObligation.display_state
    breached_since = FixObligation.breached_since
    time_left = FixObligation.time_left


class Lines:
    """Writes one person's lines as of ``now``. Each method takes a row of ``actions.my_work.SQL`` (columns: list,
    id, title, day, moment, other_moment, word, incident_id, incident_title, person, flag) and gives what it is
    listed by and its ``<li>``."""

    def __init__(self, viewer_id: int, now: datetime):
        # The viewer's zone, looked up once: the page is theirs alone, never kept, so its times are their local
        # text straight away (``times.local_text``), never placeholders.
        self.zone = timezone.get_current_timezone()
        self.viewer_id, self.now, self.today = viewer_id, now, timezone.localdate(now, self.zone)
        self.to_item, self.to_incident, self.to_review, self.to_team, self.to_perspective = map(
            links_to, ("action_detail", "incident_detail", "review_detail", "team_detail", "review_perspective")
        )

    def item(self, row: tuple) -> tuple:
        """An open action item of theirs, soonest due first (none due last)."""
        _, pk, title, day, _, _, _, incident_id, incident_title, _, _ = row
        due_on, title = _day(day), title or incident_title or ""
        due = origin = ""
        if due_on:
            # Django's "j M", which the page showed before (the same in the languages the product speaks).
            shown = f"{due_on.day} {due_on:%b}"
            if due_on < self.today:
                due = f'<span class="badge state-breached">Overdue since {shown}</span>'
            else:
                due = f'<span class="badge">Due {shown}</span>'
        if incident_id:
            origin = (
                f'<br><span class="help">From <a href="{self.to_incident(incident_id)}">'
                f"#{incident_id} {escape(str(incident_title))}</a></span>"
            )
        line = f'<li><a href="{self.to_item(pk)}">{escape(title)}</a> {due}{origin}</li>'
        return (due_on is None, due_on or date.min, pk), line

    def fix(self, row: tuple) -> tuple:
        """A systemic fix due on an incident near them, nearest deadline first."""
        _, pk, _, _, deadline, breached_at, state, incident_id, incident_title, _, _ = row
        deadline = as_moment(deadline)
        fix = _Fix(state, deadline, as_moment(breached_at))
        if fix.display_state(self.now) == ObligationState.BREACHED:
            badge = f'<span class="badge state-breached">Breached since {escape(times.local_text(fix.breached_since(), zone=self.zone))}</span>'
        else:
            badge = f'<span class="badge state-pending">Due in {escape(times.in_words(fix.time_left(self.now)))}</span>'
        line = f'<li><a href="{self.to_incident(incident_id)}">#{incident_id} {escape(str(incident_title))}</a> {badge}</li>'
        return (deadline, pk), line

    def review(self, row: tuple) -> tuple:
        """An unpublished review they take part in or facilitate, newest first (sorted in reverse)."""
        _, pk, title, _, _, created_at, status, _, _, facilitator_id, has_my_perspective = row
        if facilitator_id == self.viewer_id:
            mine = '<span class="badge">You facilitate</span>'
        elif not has_my_perspective:
            mine = f'<br><a href="{self.to_perspective(pk)}">Write your account</a>'
        else:
            mine = ""
        status = escape(str(ReviewStatus(status).label))
        line = f'<li><a href="{self.to_review(pk)}">{escape(title or "")}</a> <span class="badge state-info">{status}</span>{mine}</li>'
        return (as_moment(created_at) or NEWEST, -pk), line

    def facilitated(self, row: tuple) -> tuple:
        """A published review they facilitated, newest first (sorted in reverse)."""
        return self._published(row, "")

    def feedback_ask(self, row: tuple) -> tuple:
        """A published review that asks them how it went, newest first (sorted in reverse)."""
        return self._published(row, "#feedback")

    def _published(self, row: tuple, anchor: str) -> tuple:
        _, pk, title, _, published_at, _, _, _, _, _, _ = row
        title, published_at = title or "", as_moment(published_at)
        published = escape(times.local_text(published_at, "date", self.zone)) if published_at else ""
        line = (
            f'<li><a href="{self.to_review(pk)}{anchor}">{escape(title)}</a> '
            f'<span class="help">published {published}</span></li>'
        )
        return (published_at or NEWEST, -pk), line

    def team(self, row: tuple) -> tuple:
        """A team of theirs with their role in it, by name."""
        _, _, name, _, _, _, role, _, slug, _, _ = row
        name, role = name or "", escape(str(Role(role).label))
        line = f'<li><a href="{self.to_team(slug)}">{escape(name)}</a> <span class="badge">{role}</span></li>'
        return name, line
