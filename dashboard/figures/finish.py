"""From the merged parts of the figures (``dashboard.figures.parts``) to the figures a viewer sees.

Here the medians and percentiles are read off the sorted values, the fewest-people rule is applied to
the merged people of each team, and totals are summed over the rows shown: all of it after merging, so a
viewer's figures are those of a full computation over exactly the incidents they may see.
"""

import bisect
import math
from datetime import timedelta

from accounts.privacy import enough_people
from actions.models import ActionItem
from dashboard.figures.common import RECURRENCE_THRESHOLD, RECURRENCE_WINDOW_DAYS, Filters
from dashboard.figures.learning import quality_shown
from dashboard.figures.sums import duration, micro, percentile
from dashboard.follow_through import follow_through_shown
from dashboard.small_groups import shown_total, withheld_names, withhold_small_teams


def figures(merged: dict, filters: Filters) -> dict:
    """What the dashboard shows, from the merged parts of every set of incidents the viewer may see."""
    if filters.team and not enough_people(len(merged["people_behind_team"])):
        # The whole page would speak about these few people: it says so instead (dashboard.small_groups).
        return {"withheld": True}
    return {
        "withheld": False,
        "actions": _action_items(merged["actions"], filters),
        "obligations": _obligations(merged["obligations"], filters),
        "response": _response(merged["response"], filters),
        "factors": _factors(merged["factors"], filters),
        "near_misses": merged["near_misses"],
        "quality": _quality(merged["quality"]),
        "recurrences": _recurrences(merged["recurrences"]),
        "follow_through": _follow_through(merged["follow_through"]),
    }


def _sum(cells, keys) -> dict:
    """Counts of several teams (or months) added up."""
    total = dict.fromkeys(keys, 0)
    for cell in cells:
        for key in keys:
            total[key] += cell.get(key, 0)
    return total


def _sums_by_key(dicts) -> dict:
    """Dictionaries of counts (or of dictionaries of counts) added up key by key."""
    total: dict = {}
    for counts in dicts:
        for key, value in counts.items():
            total[key] = (
                _sums_by_key([total.get(key, {}), value]) if isinstance(value, dict) else total.get(key, 0) + value
            )
    return total


def _values(cells, key: str) -> list:
    """The sorted values of several teams (or months) together."""
    values = [value for cell in cells for value in cell.get(key, ())]
    values.sort()
    return values


# --- time to detect and to mitigate ------------------------------------------------------------


def _response(groups: dict, filters: Filters) -> dict:
    def clean(cell):
        cell = cell or {"count": 0, "ttd": [], "ttm": []}
        return {
            "count": cell["count"],
            "ttd_median": duration(percentile(cell["ttd"], 0.5)),
            "ttd_p90": duration(percentile(cell["ttd"], 0.9)),
            "ttm_median": duration(percentile(cell["ttm"], 0.5)),
            "ttm_p90": duration(percentile(cell["ttm"], 0.9)),
        }

    severities = sorted(group[1] for group in groups if group[0] == "severity")
    return {
        "overall": clean(groups.get("all")),
        "by_severity": {severity: clean(groups[("severity", severity)]) for severity in severities},
        "by_month": [{"month": month, **clean(groups.get(("month", month)))} for month in filters.month_starts],
        "by_month_severity": {
            f"{group[1].isoformat()}:{group[2]}": clean(cell)
            for group, cell in groups.items()
            if group[0] == "month-severity"
        },
    }


# --- the 48-hour obligation ---------------------------------------------------------------------


def _obligation_figures(cells: list[dict]) -> dict:
    return _sum(cells, ("decided", "on_time")) | {"median_fix": duration(percentile(_values(cells, "fix"), 0.5))}


def _obligations(part: dict, filters: Filters) -> dict:
    teams = part["teams"]
    by_team = [
        {"incident__team_id": team_id, "incident__team__name": cell["name"], **_obligation_figures([cell])}
        | {"people": len(cell["people"])}
        for team_id, cell in sorted(teams.items(), key=lambda item: item[1]["name"])
    ]
    small_teams = set(
        withhold_small_teams(by_team, "people", ("decided", "on_time", "median_fix"), "incident__team_id")
    )
    shown = [cell for team_id, cell in teams.items() if team_id not in small_teams]
    overall = _obligation_figures(shown) | {"breached": sum(cell["breached"] for cell in shown)}
    by_month = [
        {
            "month": month,
            **_obligation_figures([cell["months"][month] for cell in shown if month in cell["months"]]),
        }
        for month in filters.month_starts
    ]
    for row in [*by_team, *by_month, overall]:
        row["share"] = row["on_time"] / row["decided"] if row["decided"] else None

    def listed(rows):
        return [
            {"incident_pk": incident_pk, "incident": title, "team": team, "deadline": deadline}
            for deadline, incident_pk, title, team in rows
        ]

    return {
        "overall": overall,
        "by_team": by_team,
        "teams_withheld": withheld_names(by_team, "incident__team__name"),
        "by_month": by_month,
        "pending": listed(part["pending"]),
        "pending_count": part["pending_count"],
        "breached": listed(part["breached"]),
        "breached_count": part["breached_count"],
    }


# --- action items -------------------------------------------------------------------------------

ITEM_COUNTS = ("open", "due_this_week", "overdue")


def _action_items(part: dict, filters: Filters) -> dict:
    teams = part["teams"]
    by_team = [
        {"team_id": team_id, "team__name": cell["name"], **cell["counts"], "people": len(cell["owners"])}
        for team_id, cell in sorted(
            ((team_id, cell) for team_id, cell in teams.items() if "counts" in cell), key=lambda item: item[1]["name"]
        )
    ]
    small_teams = set(withhold_small_teams(by_team, "people", ITEM_COUNTS, "team_id"))
    shown = [cell for team_id, cell in teams.items() if team_id not in small_teams]
    kinds = _sums_by_key(cell["kinds"] for cell in shown)
    opened = _sums_by_key(cell["opened"] for cell in shown)
    closed = _sums_by_key(cell["closed"] for cell in shown)
    return {
        "open": shown_total(by_team, "open"),
        "due_this_week": shown_total(by_team, "due_this_week"),
        "overdue": shown_total(by_team, "overdue"),
        "by_team": by_team,
        "teams_withheld": withheld_names(by_team, "team__name"),
        "by_kind": [
            {"kind": ActionItem(kind=kind).get_kind_display(), **{name: counts.get(name, 0) for name in ITEM_COUNTS}}
            for kind, counts in sorted(kinds.items())
        ],
        "oldest_overdue": [
            {
                "pk": pk,
                "title": title,
                "url": ActionItem(pk=pk).get_absolute_url(),
                "team": team,
                "kind": ActionItem(kind=kind).get_kind_display(),
                "incident_pk": incident_pk,
                "incident_title": incident_title if incident_pk else "",
                "due_on": due_on,
                "days_overdue": (filters.today - due_on).days,
            }
            for due_on, pk, title, team, kind, incident_pk, incident_title in part["oldest_overdue"]
        ],
        "weekly": [
            {"week": week, "opened": opened.get(week, 0), "closed": closed.get(week, 0)} for week in filters.week_starts
        ],
    }


# --- contributing factors and recurrences -------------------------------------------------------


def _peak(starts: list) -> int:
    """The most incidents within any 90-day window, of the sorted start moments of one category."""
    window = micro(timedelta(days=RECURRENCE_WINDOW_DAYS))
    peak, first = 0, 0
    for last, moment in enumerate(starts):
        while starts[first] < moment - window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def _factors(categories: dict, filters: Filters) -> dict:
    recent_since = micro(filters.now - timedelta(days=RECURRENCE_WINDOW_DAYS))
    rows = []
    for cell in sorted(categories.values(), key=lambda cell: (-len(cell["starts"]), cell["name"])):
        peak = _peak(cell["starts"])
        recent = len(cell["starts"]) - bisect.bisect_left(cell["starts"], recent_since)
        rows.append(
            {
                "category": cell["name"],
                "incidents": len(cell["starts"]),
                "peak_90_days": peak,
                "recurring": peak >= RECURRENCE_THRESHOLD,
                "recurring_now": recent >= RECURRENCE_THRESHOLD,
            }
        )
    by_month = sorted(
        (
            {"month": month, "category": cell["name"], "incidents": n}
            for cell in categories.values()
            for month, n in cell["months"].items()
        ),
        key=lambda row: (row["month"], row["category"]),
    )
    return {"by_category": rows, "by_month": by_month}


def _recurrences(part: dict) -> dict:
    """Incidents whose weakness had a fix done before they began (the earliest fix, of every part merged)."""
    first_fix, names = part["first_fix"], part["names"]
    incidents: dict[str, set] = {}
    weaknesses: dict[str, set] = {}
    for weakness, starts in part["returning"].items():
        fixed_at = first_fix.get(weakness)
        if fixed_at is None:
            continue
        later = starts[bisect.bisect_right(starts, (fixed_at, math.inf)) :]
        if later:
            category = names[weakness[0]]
            incidents.setdefault(category, set()).update(incident for _, incident in later)
            weaknesses.setdefault(category, set()).add(weakness)
    by_category = sorted(
        (
            {"category": name, "incidents": len(ids), "weaknesses": len(weaknesses[name])}
            for name, ids in incidents.items()
        ),
        key=lambda row: (-row["incidents"], row["category"]),
    )
    return {
        "incidents": len(set().union(*incidents.values())),
        "weaknesses": len(set().union(*weaknesses.values())),
        "by_category": by_category,
    }


# --- review quality and follow-through ------------------------------------------------------------


def _quality(teams: dict) -> dict:
    by_team = []
    for team, cell in sorted(teams.items()):
        feedback = cell.get("feedback", {})
        by_team.append(
            {
                "team": team,
                **{key: cell[key] for key in ("reviews", "with_systemic", "with_perspectives", "published")},
                "without_open_flags": cell["reviews"] - cell.get("flagged", 0),
                "responses": feedback.get("responses", 0),
                "blameless": _mean(feedback, "blameless"),
                "useful": _mean(feedback, "useful"),
                "people": len(cell.get("people", ())),
            }
        )
    return quality_shown(by_team)


def _mean(feedback: dict, score: str) -> float | None:
    n = feedback.get(f"{score}_n")
    return feedback[f"{score}_sum"] / n if n else None


def _follow_through(part: dict) -> dict:
    figures = {key: value for key, value in part.items() if key not in {"committed", "landed"}}
    figures |= {
        "committed_median": duration(percentile(part["committed"], 0.5)),
        "committed_p90": duration(percentile(part["committed"], 0.9)),
        "landed_median": duration(percentile(part["landed"], 0.5)),
        "landed_p90": duration(percentile(part["landed"], 0.9)),
    }
    return follow_through_shown(figures)
