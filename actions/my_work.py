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

from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from django.db import connection
from django.utils.safestring import SafeString

from actions.models import ActionStatus, ObligationState
from actions.my_work_lines import Lines
from incidents.access import MAY_SEE_SQL
from postmortems.models import ReviewStatus
from web.sql import among, rows_of

MY_WORK_LIMIT = 8
FEEDBACK_ASK_FOR = timedelta(days=60)

ITEMS, FIXES, REVIEWS, FACILITATED, FEEDBACK, TEAMS = range(6)
NEWEST_FIRST = (REVIEWS, FACILITATED, FEEDBACK)

# Typed empty columns: each list is a derived table, so PostgreSQL types its columns before the union.
DAY, MOMENT, WORD, ID, FLAG = (f"CAST(NULL AS {kind})" for kind in ("date", "timestamptz", "text", "bigint", "boolean"))

# Each list is ordered and limited on its own (and ordered again as its lines are written: a union keeps no
# order). Statuses and the limit are written into the text, so that the plan PostgreSQL keeps for it knows them
# (``web.sql``).
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


@dataclass(slots=True)
class MyWork:
    """Each list written out: the ``<li>`` lines of its ``<ul>`` (``actions.my_work_lines``), empty for none."""

    my_items: SafeString
    obligations: SafeString
    reviews: SafeString
    facilitated: SafeString
    feedback_asks: SafeString
    memberships: SafeString
    feedback_count: int

    def __getitem__(self, name: str):
        # A template looks ``work.reviews`` up as ``work["reviews"]`` first: answered here, without raising first.
        return getattr(self, name)


def my_work(user, restricted: list[int], now: datetime) -> MyWork:
    """This person's lists; ``restricted`` are the restricted incidents they are on (ignored for an admin).

    Each row is written as its line as it is read (what its badge says included), and each list put in its
    order: a model instance, a template loop or a filter per row cost more than the rest of the row."""
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
    lines = Lines(user.pk, now)
    write = (lines.item, lines.fix, lines.review, lines.facilitated, lines.feedback_ask, lines.team)
    lists: tuple[list, ...] = ([], [], [], [], [], [])
    for row in rows:
        lists[row[0]].append(write[row[0]](row))
    return MyWork(
        *(_in_order(lists[kind], newest_first=kind in NEWEST_FIRST) for kind in range(len(lists))),
        feedback_count=len(lists[FEEDBACK]),
    )


def _in_order(listed: list[tuple], newest_first: bool) -> SafeString:
    listed.sort(key=itemgetter(0), reverse=newest_first)
    return SafeString("".join(line for _, line in listed))
