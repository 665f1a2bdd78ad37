"""What one set of incidents contributes to the dashboard, kept in a form that adds up (``sums``).

People see the unrestricted incidents and, if they are on some, a few restricted ones (admins see every
one). So the figures are kept in parts about disjoint sets of incidents: the **public** part (every
unrestricted incident, and what belongs to no incident: near misses, action items of no incident), the
part of **every restricted** incident (for admins) and the part of the few restricted incidents one person
may see. A viewer's figures are their parts merged and then finished (``dashboard.figures.finish``): equal
to a full computation over exactly what they may see, at the cost of the few incidents only they see.

Every part asks a fixed number of queries, whatever the data size and however many incidents it covers (one
fewer for a shared part while the first fix of each weakness is kept: ``_first_fix``).
"""

from dataclasses import dataclass
from datetime import UTC, timedelta

from django.core.cache import cache
from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, When
from django.db.models.functions import Cast, TruncMonth, TruncWeek

from actions.models import OPEN_STATUSES, ActionItem, ActionStatus, FixObligation, ObligationState
from dashboard.figures.common import (
    CACHE_SECONDS,
    OBLIGATIONS_SHOWN,
    OLDEST_OVERDUE_SHOWN,
    Filters,
    Microseconds,
    microseconds_between,
)
from dashboard.figures.factors import first_fixes
from dashboard.figures.learning import (
    near_miss_figures,
    review_counts_by_team,
    review_people_by_team,
    reviews_in_period,
    reviews_with_open_flags,
)
from dashboard.figures.sums import Earliest, First, Sorted, micro
from dashboard.follow_through import fixes_that_did_not_hold, follow_through_counts, obligations_followed
from dashboard.small_groups import people_behind
from fragments.versions import current
from incidents.models import Disposition, Incident
from postmortems.models import ContributingFactor, ReviewFeedback, ReviewStatus

PUBLIC = "public"
EVERY_RESTRICTED = "restricted"


@dataclass(frozen=True)
class Scope:
    """A set of incidents the figures count, and whether what belongs to no incident counts with them."""

    incidents: QuerySet
    unattached: bool  # only the public part: every incident left out of it is restricted (or deleted)
    shared: str | None = None  # the name of a shared part: what depends on no filter is kept for all of them

    @classmethod
    def public(cls) -> "Scope":
        return cls(Incident.objects.filter(restricted=False), unattached=True, shared=PUBLIC)

    @classmethod
    def every_restricted(cls) -> "Scope":
        return cls(Incident.objects.filter(restricted=True), unattached=False, shared=EVERY_RESTRICTED)

    @classmethod
    def restricted(cls, ids: list[int]) -> "Scope":
        return cls(Incident.objects.filter(pk__in=ids, restricted=True), unattached=False)

    @property
    def ids(self) -> QuerySet:
        return self.incidents.values("pk")

    def has(self, path: str) -> Q:
        """Rows whose incident (``path``) is one of these."""
        if self.unattached:
            # Every incident but those left out: PostgreSQL tests each row against a small hashed set instead of
            # reading every incident to join them.
            return Q(**{f"{path}__isnull": False}) & ~Q(**{f"{path}__in": _left_out()})
        return Q(**{f"{path}__in": self.ids})

    def action_items(self) -> QuerySet:
        if self.unattached:
            # Every item but those of the incidents left out (as ``ActionItem.visible_to`` asks), with or without one.
            return ActionItem.objects.exclude(incident__in=_left_out())
        return ActionItem.objects.filter(self.has("incident"))


def _left_out() -> QuerySet:
    """The incidents no public figure counts: restricted or deleted (a few, found in their own index)."""
    return Incident.all_objects.filter(Q(restricted=True) | Q(deleted_at__isnull=False)).values("pk")


def month_in_utc(moment: str) -> Cast:
    """The first day of the moment's month (in UTC), as a date (cast by the database: a truncation would also
    check each value in Python)."""
    return Cast(TruncMonth(moment, tzinfo=UTC), DateField())


def part(scope: Scope, filters: Filters) -> dict:
    """Everything these incidents contribute to the dashboard for these filters."""
    contribution = {
        "people_behind_team": _people_behind_team(scope, filters),
        "actions": _action_items(scope, filters),
        "obligations": _obligations(scope, filters),
        "response": _response(scope, filters),
        "factors": _factors(scope, filters),
        "quality": _quality(scope, filters),
        "recurrences": _recurrences(scope, filters),
        "follow_through": _follow_through(scope, filters),
    }
    if scope.unattached:
        contribution["near_misses"] = near_miss_figures(filters)
    return contribution


def _people_behind_team(scope: Scope, filters: Filters) -> set[int]:
    if not filters.team:
        return set()
    people = people_behind(filters, scope.incidents, scope.action_items(), with_near_misses=scope.unattached)
    return set(people.values_list("pk", flat=True))


# --- time to detect and to mitigate ------------------------------------------------------------


def _response(scope: Scope, filters: Filters) -> dict:
    """Per group (everything, a month, a severity, a month and severity): count and sorted durations."""
    incidents = scope.incidents.filter(impact_started_at__gte=filters.start).exclude(
        disposition__in=[Disposition.FALSE_ALARM, Disposition.DUPLICATE]
    )
    if filters.team:
        incidents = incidents.filter(team=filters.team)
    groups: dict = {}
    for month, severity, ttd, ttm in incidents.values_list(
        month_in_utc("impact_started_at"),
        "severity",
        microseconds_between("detected_at", "impact_started_at"),
        microseconds_between("mitigated_at", "impact_started_at"),
    ):
        for group in ("all", ("month", month), ("severity", severity), ("month-severity", month, severity)):
            cell = groups.setdefault(group, {"count": 0, "ttd": [], "ttm": []})
            cell["count"] += 1
            if ttd is not None:
                cell["ttd"].append(ttd)
            if ttm is not None:
                cell["ttm"].append(ttm)
    for cell in groups.values():
        cell["ttd"], cell["ttm"] = Sorted(sorted(cell["ttd"])), Sorted(sorted(cell["ttm"]))
    return groups


# --- the 48-hour obligation ---------------------------------------------------------------------


def _obligations(scope: Scope, filters: Filters) -> dict:
    """Per team: counts, sorted times to a fix, its responders, and the same per month; the lists to act on."""
    now = filters.now
    obligations = FixObligation.objects.filter(scope.has("incident")).exclude(state=ObligationState.CANCELLED)
    if filters.team:
        obligations = obligations.filter(incident__team=filters.team)
    in_period = obligations.filter(deadline__gte=filters.start)
    met = Q(state=ObligationState.MET)
    teams: dict = {}
    breached_rows = []
    for team_id, team, month, is_met, on_time, fix, breached_deadline, incident_id, title in in_period.values_list(
        "incident__team_id", "incident__team__name", month_in_utc("deadline"),
        Case(When(met, then=True), default=False),
        Case(When(met & Q(met_at__lte=F("deadline")), then=True), default=False),
        Case(When(met, then=microseconds_between("met_at", "starts_at"))),
        # Only a breached obligation's deadline is read back: it is listed.
        Case(When(Q(state=ObligationState.BREACHED) | Q(state=ObligationState.PENDING, deadline__lte=now),
                  then="deadline")),
        "incident_id", "incident__title",
    ):  # fmt: skip
        breached = breached_deadline is not None
        cell = teams.setdefault(
            team_id, {"name": team, "people": set(), "breached": 0, "decided": 0, "on_time": 0, "fix": [], "months": {}}
        )
        month_cell = cell["months"].setdefault(month, {"decided": 0, "on_time": 0, "fix": []})
        for counts in (cell, month_cell):
            counts["decided"] += int(is_met or breached)
            counts["on_time"] += int(on_time)
            if fix is not None:
                counts["fix"].append(fix)
        cell["breached"] += int(breached)
        if breached:
            breached_rows.append((breached_deadline, incident_id, title, team))
    for cell in teams.values():
        cell["fix"] = Sorted(sorted(cell["fix"]))
        for month in cell["months"].values():
            month["fix"] = Sorted(sorted(month["fix"]))
    # A team's row speaks about the responders of its incidents, who carry the obligation together.
    for team_id, person in (
        Incident.responders.through.objects.filter(incident__in=in_period.values("incident_id"))
        .order_by()
        .values_list("incident__team_id", "user_id")
        .distinct()
    ):
        teams[team_id]["people"].add(person)
    pending = list(
        obligations.filter(state=ObligationState.PENDING, deadline__gt=now).values_list(
            "deadline", "incident_id", "incident__title", "incident__team__name"
        )
    )
    return {
        "teams": teams,
        "pending": First(pending, size=OBLIGATIONS_SHOWN),
        "pending_count": len(pending),
        "breached": First(breached_rows, size=OBLIGATIONS_SHOWN, reverse=True),
        "breached_count": len(breached_rows),
    }


# --- action items -------------------------------------------------------------------------------


def _action_items(scope: Scope, filters: Filters) -> dict:
    """Per team: open, due this week and overdue (also per kind), their owners, opened and closed per week;
    the oldest overdue items."""
    items = scope.action_items()
    if filters.team:
        items = items.filter(team=filters.team)
    today = filters.today
    week_end = today + timedelta(days=6 - today.weekday())
    teams: dict = {}

    def team_cell(team_id, name=None) -> dict:
        cell = teams.setdefault(team_id, {"name": name, "owners": set(), "kinds": {}, "opened": {}, "closed": {}})
        cell["name"] = cell["name"] or name
        return cell

    overdue = []
    for pk, team_id, team, kind, due_on, owner, title, incident_id, incident_title in (
        items.filter(status__in=OPEN_STATUSES)
        .values_list("pk", "team_id", "team__name", "kind", "due_on", "owner_id", "title", "incident_id",
                     "incident__title")
    ):  # fmt: skip
        cell = team_cell(team_id, team)
        counts = {
            "open": 1,
            "due_this_week": int(due_on is not None and today <= due_on <= week_end),
            "overdue": int(due_on is not None and due_on < today),
        }
        for into in (cell.setdefault("counts", dict.fromkeys(counts, 0)), cell["kinds"].setdefault(kind, {})):
            for name, n in counts.items():
                into[name] = into.get(name, 0) + n
        if owner is not None:
            cell["owners"].add(owner)
        if counts["overdue"]:
            overdue.append((due_on, pk, title, team, kind, incident_id, incident_title))
    # Opened and closed in one pass over the items: grouped by both weeks (a week is None where the item was not
    # opened, or not closed, in the period), then summed per week on each side.
    opened = Q(created_at__gte=filters.start)
    closed = Q(status__in=[ActionStatus.DONE, ActionStatus.WONT_DO], completed_at__gte=filters.start)
    for team_id, opened_week, closed_week, n in (
        items.filter(opened | closed)
        .values_list(
            "team_id",
            Case(When(opened, then=Cast(TruncWeek("created_at", tzinfo=UTC), DateField()))),
            Case(When(closed, then=Cast(TruncWeek("completed_at", tzinfo=UTC), DateField()))),
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cell = team_cell(team_id)
        for field, week in (("opened", opened_week), ("closed", closed_week)):
            if week is not None:
                cell[field][week] = cell[field].get(week, 0) + n
    return {"teams": teams, "oldest_overdue": First(overdue, size=OLDEST_OVERDUE_SHOWN)}


# --- contributing factors and recurrences -------------------------------------------------------


def _factors(scope: Scope, filters: Filters) -> dict:
    """Per category: its name, the sorted start of each incident with it in the period, incidents per month."""
    incidents = scope.incidents.filter(impact_started_at__gte=filters.start)
    if filters.team:
        incidents = incidents.filter(team=filters.team)
    factors = ContributingFactor.objects.filter(review__incident__in=incidents.values("pk"))
    categories: dict = {}
    started = "review__incident__impact_started_at"
    for category_id, name, _incident, start, month in (
        factors.order_by()
        .values_list(
            "category_id", "category__name", "review__incident_id", Microseconds(F(started)), month_in_utc(started)
        )
        .distinct()
    ):
        cell = categories.setdefault(category_id, {"name": name, "starts": [], "months": {}})
        cell["starts"].append(start)
        cell["months"][month] = cell["months"].get(month, 0) + 1
    for cell in categories.values():
        cell["starts"] = Sorted(sorted(cell["starts"]))
    return categories


def _recurrences(scope: Scope, filters: Filters) -> dict:
    """The first fix of each weakness (category and service) among these incidents, whenever they were, and
    the factors with a service of those in the period (whether a fix came before them is decided when merged).
    """
    first_fix = _first_fix(scope)
    later = scope.incidents.filter(impact_started_at__gte=filters.start)
    if filters.team:
        later = later.filter(team=filters.team)
    names, returning = {}, {}
    for category, category_id, service_id, incident_id, started in ContributingFactor.objects.filter(
        service__isnull=False, review__incident__in=later.values("pk")
    ).values_list(
        "category__name", "category_id", "service_id", "review__incident_id",
        Microseconds(F("review__incident__impact_started_at")),
    ):  # fmt: skip
        names[category_id] = category
        returning.setdefault((category_id, service_id), []).append((started, incident_id))
    return {
        "first_fix": first_fix,
        "names": names,
        "returning": {weakness: Sorted(sorted(starts)) for weakness, starts in returning.items()},
    }


# What the first fix of each weakness is read from: action items and what they address ("actions"), factors and
# the reviews they belong to ("reviews": a save that leaves it alone writes only an open review's text, which
# the first fix does not read), and whether an incident is restricted or deleted ("incidents").
FIRST_FIX_READS = ("incidents", "actions", "reviews")


def _first_fix(scope: Scope) -> Earliest:
    """The first fix of each weakness depends on no filter and changes less often than the rest: a shared part's
    is kept for every team and period, and for changes elsewhere (a timeline's, an open review's text), until
    something it is read from changes (the numbers are read before it is computed, and are raised again after
    a change commits, so it is never kept as newer than it is)."""

    def compute() -> Earliest:
        return Earliest({weakness: micro(moment) for weakness, moment in first_fixes(scope.incidents).items()})

    if scope.shared is None:
        return compute()
    key = f"dashboard:first-fix:{scope.shared}"
    numbers = current(FIRST_FIX_READS, [key])
    read_from = tuple(numbers[name] for name in FIRST_FIX_READS)
    kept = numbers.kept[key]
    if kept is not None and kept[0] == read_from:
        return kept[1]
    first_fix = compute()
    cache.set(key, (read_from, first_fix), CACHE_SECONDS)
    return first_fix


# --- review quality ------------------------------------------------------------------------------


def _quality(scope: Scope, filters: Filters) -> dict:
    """Per team: the review counts, those with open language notes, feedback sums and the people."""
    reviews = reviews_in_period(scope.incidents, filters)
    teams: dict = {}
    for row in review_counts_by_team(reviews):
        teams[row.pop("incident__team__name")] = row
    for team, n in reviews_with_open_flags(reviews.filter(status=ReviewStatus.IN_REVIEW)).items():
        teams[team]["flagged"] = n
    for row in (
        ReviewFeedback.objects.filter(review__in=reviews.values("pk"))
        .values("review__incident__team__name")
        .annotate(
            responses=Count("pk"),
            blameless_sum=Sum("blameless"),
            blameless_n=Count("blameless"),
            useful_sum=Sum("useful"),
            useful_n=Count("useful"),
        )
    ):
        teams[row.pop("review__incident__team__name")]["feedback"] = row
    for team, people in review_people_by_team(reviews).items():
        teams[team]["people"] = people
    return teams


# --- follow-through after the 48 hours -------------------------------------------------------------


def _follow_through(scope: Scope, filters: Filters) -> dict:
    obligations = obligations_followed(scope.has("incident"), filters)
    counts = follow_through_counts(obligations, filters)
    committed, landed = [], []
    for to_commit, to_land in obligations.filter(state=ObligationState.MET, starts_at__isnull=False).values_list(
        microseconds_between("met_at", "starts_at"), microseconds_between("landed_at", "starts_at")
    ):
        if to_commit is not None:
            committed.append(to_commit)
        if to_land is not None:
            landed.append(to_land)
    return counts | {
        "committed": Sorted(sorted(committed)),
        "landed": Sorted(sorted(landed)),
        "did_not_hold": fixes_that_did_not_hold(obligations),
    }
