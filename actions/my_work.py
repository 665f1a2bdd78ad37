"""What needs one person now ("my work" on the home page), read in one statement.

Six short lists of this person's own rows, each limited to a few: open action items they own, systemic
fixes due on incidents near them, unpublished reviews they take part in or facilitate, published reviews
they facilitated, published reviews that ask them how it went, and their teams. One ``UNION ALL`` of six
indexed lookups, each ordered and limited on its own, instead of six ORM queries: building those queries
cost more CPU than PostgreSQL spent answering them.

Every list holds only rows of incidents this person may see: no incident (a near miss), or an incident
not deleted that is unrestricted, among the few restricted ones they are on (``restricted_incidents_on``),
or any incident for an admin. The same rule as ``Incident.objects.visible_to``, on this person's own rows.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import Role
from actions.models import ActionStatus, FixObligation, ObligationState
from incidents.access import MAY_SEE_SQL
from postmortems.models import ReviewStatus
from web.links import links_to
from web.sql import among, as_moment, rows_of

MY_WORK_LIMIT = 8
# PostgreSQL puts a missing moment first when newest come first.
NEWEST = datetime.max.replace(tzinfo=UTC)
FEEDBACK_ASK_FOR = timedelta(days=60)

ITEMS, FIXES, REVIEWS, FACILITATED, FEEDBACK, TEAMS = range(6)

# Typed empty columns: each list is a derived table, so PostgreSQL types its columns before the union.
DAY, MOMENT, WORD, ID, FLAG = (f"CAST(NULL AS {kind})" for kind in ("date", "timestamptz", "text", "bigint", "boolean"))

# Each list is ordered and limited on its own (and ordered again in Python: a union keeps no order). Statuses and
# the limit are written into the text, so that the plan PostgreSQL keeps for it knows them (``web.sql``).
# Columns: list, id, title, day, moment, other_moment, word, incident_id, incident_title, person, flag.
SQL = f"""
SELECT * FROM (
  SELECT {ITEMS}, a.id, a.title, a.due_on, {MOMENT}, {MOMENT}, {WORD}, a.incident_id, i.title, {ID}, {FLAG}
    FROM actions_actionitem a LEFT JOIN incidents_incident i ON i.id = a.incident_id
   WHERE a.owner_id = %(me)s AND a.deleted_at IS NULL AND a.status IN ('{ActionStatus.OPEN}', '{ActionStatus.IN_PROGRESS}') AND {MAY_SEE_SQL}
   ORDER BY a.due_on ASC NULLS LAST, a.id LIMIT {MY_WORK_LIMIT}) AS items
UNION ALL
SELECT * FROM (
  SELECT {FIXES}, o.id, {WORD}, {DAY}, o.deadline, o.breached_at, o.state, o.incident_id, i.title, {ID}, {FLAG}
    FROM actions_fixobligation o JOIN incidents_incident i ON i.id = o.incident_id
   WHERE o.state IN ('{ObligationState.PENDING}', '{ObligationState.BREACHED}') AND {MAY_SEE_SQL}
     AND (i.facilitator_id = %(me)s OR i.team_id {{teams}} OR EXISTS (
          SELECT 1 FROM incidents_incident_responders r WHERE r.incident_id = o.incident_id AND r.user_id = %(me)s))
   ORDER BY o.deadline, o.id LIMIT {MY_WORK_LIMIT}) AS fixes
UNION ALL
SELECT * FROM (
  SELECT {REVIEWS}, v.id, v.title, {DAY}, {MOMENT}, v.created_at, v.status, v.incident_id, {WORD}, v.facilitator_id,
         EXISTS (SELECT 1 FROM postmortems_perspective p WHERE p.review_id = v.id AND p.author_id = %(me)s)
    FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
   WHERE v.id IN (SELECT review_id FROM postmortems_review_participants WHERE user_id = %(me)s
                  UNION SELECT id FROM postmortems_review
                         WHERE facilitator_id = %(me)s AND status <> '{ReviewStatus.PUBLISHED}')
     AND v.status <> '{ReviewStatus.PUBLISHED}' AND {MAY_SEE_SQL}
   ORDER BY v.created_at DESC, v.id LIMIT {MY_WORK_LIMIT}) AS reviews
UNION ALL
SELECT * FROM (
  SELECT {FACILITATED}, v.id, v.title, {DAY}, v.published_at, {MOMENT}, v.status, v.incident_id, {WORD}, {ID}, {FLAG}
    FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
   WHERE v.facilitator_id = %(me)s AND v.status = '{ReviewStatus.PUBLISHED}' AND {MAY_SEE_SQL}
   ORDER BY v.published_at DESC, v.id LIMIT {MY_WORK_LIMIT}) AS facilitated
UNION ALL
SELECT * FROM (
  SELECT {FEEDBACK}, v.id, v.title, {DAY}, v.published_at, {MOMENT}, v.status, v.incident_id, {WORD}, {ID}, {FLAG}
    FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
   WHERE v.id IN (SELECT review_id FROM postmortems_review_participants WHERE user_id = %(me)s)
     AND v.status = '{ReviewStatus.PUBLISHED}' AND v.published_at >= %(asked_since)s AND {MAY_SEE_SQL}
     AND NOT EXISTS (SELECT 1 FROM postmortems_reviewfeedback f WHERE f.review_id = v.id AND f.author_id = %(me)s)
   ORDER BY v.published_at DESC, v.id LIMIT {MY_WORK_LIMIT}) AS feedback
UNION ALL
SELECT * FROM (
  SELECT {TEAMS}, t.id, t.name, {DAY}, {MOMENT}, {MOMENT}, m.role, {ID}, t.slug, {ID}, {FLAG}
    FROM accounts_membership m JOIN accounts_team t ON t.id = m.team_id
   WHERE m.user_id = %(me)s) AS teams
"""


def _day(value) -> date | None:
    return parse_date(value) if isinstance(value, str) else value


@dataclass(slots=True)
class Row:
    """One line of a list: what the page shows of it, without a model instance (building those cost more
    than reading the rows)."""

    kind: int
    pk: int
    title: str
    incident_id: int | None = None
    incident_title: str | None = None
    due_on: date | None = None  # an action item's
    deadline: datetime | None = None  # a fix's
    breached_at: datetime | None = None
    state: str = ""  # a fix's state, a review's status, a membership's role
    published_at: datetime | None = None
    created_at: datetime | None = None  # a review's, for its order
    facilitator_id: int | None = None
    has_my_perspective: bool = False
    slug: str = ""  # a team's
    overdue: bool = False  # an action item's, due before the viewer's today
    due_label: str = ""  # an action item's badge: "Due 3 Dec" or "Overdue since 3 Dec"
    url: str = ""
    incident_url: str = ""  # an action item's incident
    perspective_url: str = ""  # a review's form for this person's account

    def __getitem__(self, name: str):
        # A template looks ``row.title`` up as ``row["title"]`` first: answered here, without raising first.
        return getattr(self, name)

    @property
    def incident_label(self) -> str:
        """``#42 Checkout errors``: one value for the page, not two."""
        return f"#{self.incident_id} {self.incident_title}"

    def get_status_display(self) -> str:
        return ReviewStatus(self.state).label

    def get_role_display(self) -> str:
        return Role(self.state).label

    # The fix's rules, read from the same three fields (a pending fix past its deadline shows as breached).
    display_state = FixObligation.display_state
    breached_since = FixObligation.breached_since
    time_left = FixObligation.time_left


@dataclass
class MyWork:
    my_items: list[Row] = field(default_factory=list)
    obligations: list[Row] = field(default_factory=list)
    reviews: list[Row] = field(default_factory=list)
    facilitated: list[Row] = field(default_factory=list)
    feedback_asks: list[Row] = field(default_factory=list)
    memberships: list[Row] = field(default_factory=list)


def my_work(user, restricted: list[int], now: datetime) -> MyWork:
    """This person's lists; ``restricted`` are the restricted incidents they are on (ignored for an admin).

    What each row's badge says is worked out here, not in the page's loops: a template's filters and
    comparisons on every row cost more than the rest of the row."""
    among_restricted, restricted_params = among("restricted", list(restricted))
    among_teams, teams_params = among("team", list(user.team_ids))
    params = {
        "me": user.pk,
        "everything": bool(user.is_org_admin),
        "asked_since": connection.ops.adapt_datetimefield_value(now - FEEDBACK_ASK_FOR),
        **restricted_params,
        **teams_params,
    }
    rows = rows_of("my_work", SQL.format(restricted=among_restricted, teams=among_teams), params)
    today = timezone.localdate(now)
    to_item, to_incident, to_review, to_team = map(
        links_to, ("action_detail", "incident_detail", "review_detail", "team_detail")
    )
    to_perspective = links_to("review_perspective")
    work = MyWork()
    lists = {
        ITEMS: work.my_items,
        FIXES: work.obligations,
        REVIEWS: work.reviews,
        FACILITATED: work.facilitated,
        FEEDBACK: work.feedback_asks,
        TEAMS: work.memberships,
    }
    for kind, pk, title, day, moment, other_moment, word, incident_id, incident_title, person, flag in rows:
        row = Row(kind, pk, title or incident_title or "", incident_id, incident_title, state=word or "")
        if kind == ITEMS:
            row.url, row.due_on = to_item(pk), _day(day)
            if incident_id:
                row.incident_url = to_incident(incident_id)
            if row.due_on:
                row.overdue = row.due_on < today
                # Django's "j M", which the page showed before (the same in the languages the product speaks).
                shown = f"{row.due_on.day} {row.due_on:%b}"
                row.due_label = f"Overdue since {shown}" if row.overdue else f"Due {shown}"
        elif kind == FIXES:
            row.url, row.deadline, row.breached_at = (
                to_incident(incident_id),
                as_moment(moment),
                as_moment(other_moment),
            )
        elif kind == TEAMS:
            row.slug, row.incident_title = incident_title, None
            row.url = to_team(row.slug)
        else:
            row.url = to_review(pk)
            if kind == REVIEWS:
                row.perspective_url = to_perspective(pk)
            row.published_at, row.facilitator_id, row.has_my_perspective = as_moment(moment), person, bool(flag)
            row.created_at = as_moment(other_moment)
        lists[kind].append(row)
    work.my_items.sort(key=lambda row: (row.due_on is None, row.due_on or date.min, row.pk))
    work.obligations.sort(key=lambda row: (row.deadline, row.pk))
    work.reviews.sort(key=lambda row: (row.created_at or NEWEST, -row.pk), reverse=True)
    for published in (work.facilitated, work.feedback_asks):
        published.sort(key=lambda row: (row.published_at or NEWEST, -row.pk), reverse=True)
    work.memberships.sort(key=lambda row: row.title)
    return work
