"""Near misses and the quality of reviews: is the organisation learning?"""

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from actions.models import SYSTEMIC_KINDS, ActionItem, ActionStatus
from dashboard.figures.common import Filters
from dashboard.small_groups import (
    ANSWER_FIGURES,
    shown_total,
    withheld_names,
    withhold_small_answer_groups,
    withhold_small_groups,
)
from incidents.models import NearMiss
from postmortems.models import Perspective, Review, ReviewStatus

# --- near misses ------------------------------------------------------------------------------


def near_miss_figures(filters: Filters) -> dict:
    """Near-miss reports per month, and whether reporting is rising (a good sign)."""
    near_misses = NearMiss.objects.filter(filed_on__gte=filters.start.date())
    if filters.team:
        near_misses = near_misses.filter(team=filters.team)
    counts = dict(
        near_misses.annotate(month=TruncMonth("filed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    by_month = [{"month": month, "reports": counts.get(month, 0)} for month in filters.month_starts]
    # Compare whole months only: the current month is still filling up.
    complete = by_month[:-1]
    recent = sum(row["reports"] for row in complete[-3:])
    before = sum(row["reports"] for row in complete[-6:-3])
    if len(complete) < 6 or (recent == 0 and before == 0):
        trend = "unknown"
    elif recent > before:
        trend = "rising"
    elif recent < before:
        trend = "falling"
    else:
        trend = "steady"
    return {
        "total": sum(row["reports"] for row in by_month),
        "by_month": by_month,
        "trend": trend,
        "last_three_months": recent,
        "three_months_before": before,
    }


# --- review quality ---------------------------------------------------------------------------

REVIEW_FIGURES = ("reviews", "with_systemic", "with_perspectives", "without_open_flags", "published")


def reviews_in_period(visible, filters: Filters):
    """The reviews written in the period about these incidents (in review or published)."""
    # The incidents of the period picked in one pass (by their start), not joined again to be tested.
    incidents = visible.filter(impact_started_at__gte=filters.start)
    if filters.team:
        incidents = incidents.filter(team=filters.team)
    return Review.objects.filter(
        incident__in=incidents.values("pk"), status__in=[ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED]
    )


def review_counts_by_team(reviews) -> list[dict]:
    """Per team (its name, in order): reviews, with a systemic action, with two perspectives, published."""
    systemic = ActionItem.objects.filter(
        Q(review=OuterRef("pk")) | Q(incident=OuterRef("incident_id")), kind__in=SYSTEMIC_KINDS
    ).exclude(status=ActionStatus.WONT_DO)
    perspectives = (
        Perspective.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotated = reviews.annotate(
        has_systemic=Exists(systemic),
        perspective_count=Coalesce(Subquery(perspectives, output_field=IntegerField()), Value(0)),
    )
    return list(
        annotated.values("incident__team__name")
        .annotate(
            reviews=Count("pk"),
            with_systemic=Count("pk", filter=Q(has_systemic=True)),
            with_perspectives=Count("pk", filter=Q(perspective_count__gte=2)),
            published=Count("pk", filter=Q(status=ReviewStatus.PUBLISHED)),
        )
        .order_by("incident__team__name")
    )


def review_people_by_team(reviews) -> dict[str, set[int]]:
    """A team's row speaks about the people of its reviews: their participants and facilitators."""
    pairs = (
        Review.participants.through.objects.filter(review__in=reviews.values("pk"))
        .order_by()
        .values_list("review__incident__team__name", "user_id")
        .union(reviews.exclude(facilitator=None).order_by().values_list("incident__team__name", "facilitator_id"))
    )
    people: dict[str, set[int]] = {}
    for team, person in pairs:
        people.setdefault(team, set()).add(person)
    return people


def quality_shown(by_team: list[dict]) -> dict:
    """The review-quality figures from each team's row: small groups withheld, totals over the rows shown."""
    withhold_small_groups(by_team, "people", (*REVIEW_FIGURES, "responses", *ANSWER_FIGURES))
    withhold_small_answer_groups(by_team)
    total = {key: shown_total(by_team, key) for key in (*REVIEW_FIGURES, "responses")}
    for score in ("blameless", "useful"):
        weighted = sum((row[score] or 0) * (row["responses"] or 0) for row in by_team)
        total[score] = weighted / total["responses"] if total["responses"] else None
    withhold_small_answer_groups([total])
    for row in [*by_team, total]:
        for key in ("with_systemic", "with_perspectives", "without_open_flags"):
            row[f"{key}_share"] = row[key] / row["reviews"] if row["reviews"] else None
    return {"overall": total, "by_team": by_team, "teams_withheld": withheld_names(by_team, "team")}


def reviews_with_open_flags(reviews) -> dict[str, int]:
    """How many of these reviews (by team) still have language notes nobody rephrased or dismissed.

    Published reviews passed the language guide to be published, so only reviews still in review
    are counted. The notes are the ones stored with each text when it was saved (the guide does
    not read anything again here), for every text the publish check reads, action items included;
    they come in a fixed number of queries whatever the number of reviews.
    """
    from incidents.models import TimelineEntry
    from postmortems.language import reading_of
    from postmortems.models import ContributingFactor, FlagDismissal, ImprovementOpportunity
    from postmortems.review_language import review_parts

    # Of each part, only the texts review_parts reads and their stored notes.
    def texts(model, *fields):
        return model.objects.only(*fields, "language_notes")

    live_items = texts(ActionItem, "title", "description", "review_id", "incident_id")
    prefetched = reviews.select_related("incident__team").prefetch_related(
        Prefetch("factors", queryset=texts(ContributingFactor, "review_id", "description")),
        Prefetch("opportunities", queryset=texts(ImprovementOpportunity, "review_id", "question")),
        Prefetch("perspectives", queryset=texts(Perspective, "review_id", *Perspective.TEXT_FIELDS)),
        Prefetch(
            "incident__timeline",
            queryset=texts(TimelineEntry, "incident_id", "occurred_at", "text", "known_then", "missing_then"),
        ),
        Prefetch("dismissals", queryset=FlagDismissal.objects.only("review_id", "key")),
        Prefetch("action_items", queryset=live_items),
        Prefetch("incident__action_items", queryset=live_items, to_attr="live_action_items"),
    )
    counts: dict[str, int] = {}
    for review in prefetched:
        dismissed = {dismissal.key for dismissal in review.dismissals.all()}
        items = {item.pk: item for item in review.action_items.all()}
        if review.incident_id:
            items.update((item.pk, item) for item in review.incident.live_action_items)
        stored = [reading_of(part.obj, part.field) for part in review_parts(review, with_other_apps=False)]
        stored += [reading_of(item, field) for item in items.values() for field in ("title", "description")]
        if any(flag.key not in dismissed for reading in stored for flag in reading.flags):
            team = review.incident.team.name
            counts[team] = counts.get(team, 0) + 1
    return counts
