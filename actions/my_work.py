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
from datetime import date, datetime, timedelta

from django.db import connection

from accounts.models import Role
from actions.models import OPEN_STATUSES, FixObligation, ObligationState
from postmortems.models import ReviewStatus
from web.links import link

MY_WORK_LIMIT = 8
FEEDBACK_ASK_FOR = timedelta(days=60)

ITEMS, FIXES, REVIEWS, FACILITATED, FEEDBACK, TEAMS = range(6)

# A row's incident: none, or one this person may see.
MAY_SEE = """(i.id IS NULL OR (i.deleted_at IS NULL AND (%(everything)s OR NOT i.restricted OR i.id = ANY(%(restricted)s))))"""

# Columns: list, id, title, day, moment, other_moment, word, incident_id, incident_title, person, flag.
SQL = f"""
(SELECT {ITEMS}, a.id, a.title, a.due_on, NULL::timestamptz, NULL::timestamptz, NULL::text, a.incident_id, i.title, NULL::bigint, NULL::bool
   FROM actions_actionitem a LEFT JOIN incidents_incident i ON i.id = a.incident_id
  WHERE a.owner_id = %(me)s AND a.deleted_at IS NULL AND a.status = ANY(%(open)s) AND {MAY_SEE}
  ORDER BY a.due_on ASC NULLS LAST, a.id LIMIT %(limit)s)
UNION ALL
(SELECT {FIXES}, o.id, NULL, NULL, o.deadline, o.breached_at, o.state, o.incident_id, i.title, NULL, NULL
   FROM actions_fixobligation o JOIN incidents_incident i ON i.id = o.incident_id
  WHERE o.state = ANY(%(owed)s) AND {MAY_SEE}
    AND (i.facilitator_id = %(me)s OR i.team_id = ANY(%(teams)s) OR EXISTS (
         SELECT 1 FROM incidents_incident_responders r WHERE r.incident_id = o.incident_id AND r.user_id = %(me)s))
  ORDER BY o.deadline LIMIT %(limit)s)
UNION ALL
(SELECT {REVIEWS}, v.id, v.title, NULL, NULL, NULL, v.status, v.incident_id, NULL, v.facilitator_id,
        EXISTS (
          SELECT 1 FROM postmortems_perspective p WHERE p.review_id = v.id AND p.author_id = %(me)s)
   FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
  WHERE v.id IN (SELECT review_id FROM postmortems_review_participants WHERE user_id = %(me)s
                 UNION SELECT id FROM postmortems_review WHERE facilitator_id = %(me)s)
    AND v.status <> %(published)s AND {MAY_SEE}
  ORDER BY v.created_at DESC LIMIT %(limit)s)
UNION ALL
(SELECT {FACILITATED}, v.id, v.title, NULL, v.published_at, NULL, v.status, v.incident_id, NULL, NULL, NULL
   FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
  WHERE v.facilitator_id = %(me)s AND v.status = %(published)s AND {MAY_SEE}
  ORDER BY v.published_at DESC LIMIT %(limit)s)
UNION ALL
(SELECT {FEEDBACK}, v.id, v.title, NULL, v.published_at, NULL, v.status, v.incident_id, NULL, NULL, NULL
   FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
  WHERE v.id IN (SELECT review_id FROM postmortems_review_participants WHERE user_id = %(me)s)
    AND v.status = %(published)s AND v.published_at >= %(asked_since)s AND {MAY_SEE}
    AND NOT EXISTS (SELECT 1 FROM postmortems_reviewfeedback f WHERE f.review_id = v.id AND f.author_id = %(me)s)
  ORDER BY v.published_at DESC LIMIT %(limit)s)
UNION ALL
(SELECT {TEAMS}, t.id, t.name, NULL, NULL, NULL, m.role, NULL, t.slug, NULL, NULL
   FROM accounts_membership m JOIN accounts_team t ON t.id = m.team_id
  WHERE m.user_id = %(me)s
  ORDER BY t.name)
"""


@dataclass(slots=True)
class Row:
    """One line of a list: what the page shows of it, without a model instance (building those cost more
    than reading the rows). ``url`` and ``incident_url`` are made only when the page shows them."""

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
    facilitator_id: int | None = None
    has_my_perspective: bool = False
    slug: str = ""  # a team's

    @property
    def url(self) -> str:
        if self.kind == FIXES:
            return link("incident_detail", self.incident_id)
        if self.kind == TEAMS:
            return link("team_detail", self.slug)
        return link("action_detail" if self.kind == ITEMS else "review_detail", self.pk)

    @property
    def incident_url(self) -> str:
        return link("incident_detail", self.incident_id)

    @property
    def perspective_url(self) -> str:
        return link("review_perspective", self.pk)

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
    """This person's lists; ``restricted`` are the restricted incidents they are on (ignored for an admin)."""
    params = {
        "me": user.pk,
        "teams": list(user.team_ids),
        "everything": bool(user.is_org_admin),
        "restricted": list(restricted),
        "open": list(OPEN_STATUSES),
        "owed": [ObligationState.PENDING, ObligationState.BREACHED],
        "published": ReviewStatus.PUBLISHED,
        "asked_since": now - FEEDBACK_ASK_FOR,
        "limit": MY_WORK_LIMIT,
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        rows = cursor.fetchall()
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
            row.due_on = day
        elif kind == FIXES:
            row.deadline, row.breached_at = moment, other_moment
        elif kind == TEAMS:
            row.slug, row.incident_title = incident_title, None
        else:
            row.published_at, row.facilitator_id, row.has_my_perspective = moment, person, bool(flag)
        lists[kind].append(row)
    return work
