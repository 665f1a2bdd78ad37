"""The unpublished reviews that need one person, at the head of the library: those they take part in, and the
requests for a facilitator in the teams they facilitate (any team for an admin). Ten of each, newest first and
longest waiting first.

One statement written out by hand and prepared once per connection (``web.sql.rows_of``), each list ordered and
limited on its own: building the two ORM queries cost more than PostgreSQL spent answering them. Only reviews of no
incident (a near miss) or of one this person may see (``incidents.access.MAY_SEE_SQL``).
"""

from dataclasses import dataclass
from datetime import datetime

from accounts.models import Role
from incidents.access import MAY_SEE_SQL
from postmortems.models import ReviewStatus
from web.links import link
from web.sql import among, as_moment, rows_of

IN_PROGRESS_LIMIT = 10
MINE, REQUESTED = 0, 1


def _requests_for_a_facilitator(who: str, teams: str = "") -> str:
    """Reviews waiting for a facilitator, for ``who`` (an admin or not), in ``teams`` (all when not given)."""
    return f"""
  SELECT {REQUESTED}, v.id, v.title, v.status, v.facilitator_requested_at, v.created_at
    FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
   WHERE {who} AND v.facilitator_id IS NULL {teams}
     AND v.status <> '{ReviewStatus.PUBLISHED}' AND {MAY_SEE_SQL}
   ORDER BY v.facilitator_requested_at LIMIT {IN_PROGRESS_LIMIT}"""


# The requests in the teams someone facilitates, or in every team (and none) for an admin, are two statements of
# which only one runs: ``who`` alone decides, so PostgreSQL skips the other at once. One condition "every team or
# these" would leave the one plan kept for everyone (``web.sql``) reading every review waiting for a facilitator.
SQL = f"""
SELECT * FROM (
  SELECT {MINE}, v.id, v.title, v.status, v.facilitator_requested_at, v.created_at
    FROM postmortems_review v LEFT JOIN incidents_incident i ON i.id = v.incident_id
   WHERE v.id IN (SELECT review_id FROM postmortems_review_participants WHERE user_id = %(me)s)
     AND v.status <> '{ReviewStatus.PUBLISHED}' AND {MAY_SEE_SQL}
   ORDER BY v.created_at DESC LIMIT {IN_PROGRESS_LIMIT}) AS mine
UNION ALL
SELECT * FROM ({_requests_for_a_facilitator("NOT %(everything)s", "AND v.team_id {teams}")}) AS requested
UNION ALL
SELECT * FROM ({_requests_for_a_facilitator("%(everything)s")}) AS requested_of_all
"""


@dataclass(slots=True)
class InProgress:
    """One review of these lists: what the library shows of it, without a model instance."""

    pk: int
    title: str
    status: str
    facilitator_requested_at: datetime | None
    created_at: datetime

    def __getitem__(self, name: str):
        # A template looks ``review.title`` up as ``review["title"]`` first: answered here, without raising first.
        return getattr(self, name)

    def get_absolute_url(self) -> str:
        return link("review_detail", self.pk)

    def get_status_display(self) -> str:
        return ReviewStatus(self.status).label


def in_progress(user, restricted: list[int]) -> dict[str, list[InProgress]]:
    """``{"mine": …, "requested": …}``; ``restricted`` are the restricted incidents they are on (see above)."""
    facilitated = [team for team, role in user.memberships_by_team.items() if role == Role.FACILITATOR]
    among_restricted, restricted_params = among("restricted", list(restricted))
    among_teams, teams_params = among("team", facilitated)
    params = {"me": user.pk, "everything": bool(user.is_org_admin), **restricted_params, **teams_params}
    rows = rows_of("reviews_in_progress", SQL.format(restricted=among_restricted, teams=among_teams), params)
    lists = {MINE: [], REQUESTED: []}
    for kind, pk, title, status, requested_at, created_at in rows:
        lists[kind].append(InProgress(pk, title, status, as_moment(requested_at), as_moment(created_at)))
    # Ordered again: a union keeps no order.
    lists[MINE].sort(key=lambda review: (review.created_at, review.pk), reverse=True)
    lists[REQUESTED].sort(
        key=lambda review: (
            review.facilitator_requested_at is None,
            review.facilitator_requested_at or review.created_at,
            review.pk,
        )
    )
    return {"mine": lists[MINE], "requested": lists[REQUESTED]}
