"""No figure about fewer than ``PRIVACY_MIN_PEOPLE`` people: the one rule every per-team figure follows.

A team's row of a table (open action items, systemic fixes met on time, review quality, feedback)
is shown only when at least that many people are behind it: the owners of its action items, the
responders of its incidents, the participants of its reviews, the people who answered. Below that
the row shows no figures, and the totals are summed over the rows that are shown, so that a withheld
row cannot be worked out by subtracting the others from the total. A dashboard filtered to one team
is a per-team figure as a whole, and follows the same rule (``people_behind``).
"""

from django.db.models import Q

from accounts.privacy import enough_people

ANSWER_FIGURES = ("blameless", "useful")


def withhold_small_groups(rows: list[dict], people: str, figures, flag: str = "withheld") -> list[dict]:
    """Mark each row ``flag`` when fewer than enough people are behind it (``row[people]``), and blank its
    ``figures`` (and the people count itself), so that nothing about those few is shown or summed."""
    for row in rows:
        row[flag] = not enough_people(row.get(people))
        if row[flag]:
            for name in (people, *figures):
                row[name] = None
    return rows


def withhold_small_teams(rows: list[dict], people: str, figures, team_id: str) -> list[int]:
    """``withhold_small_groups`` for rows keyed by team: each row's ``team_id`` is taken out, and the ids of
    the teams withheld are returned, for leaving them out of every other figure too."""
    withhold_small_groups(rows, people, figures)
    small = []
    for row in rows:
        team = row.pop(team_id)
        if row["withheld"]:
            small.append(team)
    return small


def withheld_names(rows: list[dict], key: str, flag: str = "withheld") -> list[str]:
    """The names of the groups (teams) whose figures are withheld, to say so beside the figure."""
    return [row[key] for row in rows if row[flag]]


def shown_total(rows: list[dict], key: str) -> int:
    """A count summed over the rows that are shown (a withheld row's figures are None)."""
    return sum(row[key] or 0 for row in rows)


def withhold_small_answer_groups(rows: list[dict], count: str = "responses", figures=ANSWER_FIGURES) -> list[dict]:
    """Feedback: a row's averages appear only when enough people answered (one answer per person)."""
    return withhold_small_groups(rows, people=count, figures=figures, flag="answers_withheld")


def people_behind(filters, incidents, action_items, with_near_misses: bool):
    """The people behind the team's figures among these incidents and action items (and its near misses)."""
    from accounts.models import User
    from incidents.models import Incident, NearMiss
    from postmortems.models import Review

    team, start = filters.team, filters.start
    incidents = incidents.filter(team=team, impact_started_at__gte=start)
    ids = incidents.values("pk")
    behind = (
        Q(pk__in=Incident.responders.through.objects.filter(incident__in=ids).values("user_id"))
        | Q(pk__in=incidents.values("facilitator_id"))
        | Q(pk__in=action_items.filter(team=team).values("owner_id"))
        | Q(pk__in=Review.participants.through.objects.filter(review__incident__in=ids).values("user_id"))
    )
    if with_near_misses:
        behind |= Q(pk__in=NearMiss.objects.filter(team=team, filed_on__gte=start.date()).values("reporter_id"))
    return User.objects.filter(behind)
