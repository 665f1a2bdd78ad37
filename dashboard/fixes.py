"""Fix effectiveness: has this weakness come up before, and did the fixes for it hold?

An earlier incident counts when one of its contributing factors has the same category
*and* the same service as a factor of this review. Its fixes are the action items of
that incident which are systemic or address the matching factor.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from actions.models import SYSTEMIC_KINDS, ActionItem, ActionStatus
from incidents.models import Incident
from postmortems.models import ContributingFactor, Review

EARLIER_SHOWN = 5
EARLIER_FIELDS = (
    "review__incident__title",
    "review__incident__impact_started_at",
    "review__incident__team__name",
    "category__name",
    "service__name",
)


@dataclass
class EarlierIncident:
    incident: Incident
    later_began: datetime
    shared: list[str] = field(default_factory=list)
    factor_ids: set[int] = field(default_factory=set)
    fixes: list[ActionItem] = field(default_factory=list)

    @property
    def landed_before(self) -> list[ActionItem]:
        """Fixes marked done before the later incident began: this one came back in spite of them."""
        return [
            fix
            for fix in self.fixes
            if fix.status == ActionStatus.DONE and fix.completed_at and fix.completed_at < self.later_began
        ]

    @property
    def still_open(self) -> list[ActionItem]:
        return [fix for fix in self.fixes if fix.is_open]


def earlier_incidents(review: Review, user, limit: int = EARLIER_SHOWN) -> list[EarlierIncident]:
    """Earlier incidents this person may see that share a factor (category and service) with the review,
    most recent first, each with its fixes. A fixed number of queries."""
    if not review.incident_id:
        return []
    incident = review.incident
    pairs = set(review.factors.filter(service__isnull=False).values_list("category_id", "service_id"))
    if not pairs:
        return []
    same_weakness = reduce(or_, (Q(category_id=category, service_id=service) for category, service in pairs))
    matches = (
        ContributingFactor.objects.filter(
            same_weakness,
            review__incident__isnull=False,
            review__incident__impact_started_at__lt=incident.impact_started_at,
        )
        .exclude(review=review)
        .exclude(Exists(Incident.all_objects.hidden_from(user).filter(pk=OuterRef("review__incident_id"))))
        .select_related("review__incident__team", "category", "service")
        # Only what the panel shows: reviews and incidents carry long texts that are slow to load.
        .only(*EARLIER_FIELDS)
        .order_by("-review__incident__impact_started_at", "pk")[: limit * 10]
    )
    earlier: dict[int, EarlierIncident] = {}
    for factor in matches:
        earlier_incident = factor.review.incident
        if earlier_incident.pk not in earlier:
            if len(earlier) >= limit:
                continue
            earlier[earlier_incident.pk] = EarlierIncident(
                incident=earlier_incident, later_began=incident.impact_started_at
            )
        entry = earlier[earlier_incident.pk]
        label = f"{factor.category.name} in {factor.service.name}"
        if label not in entry.shared:
            entry.shared.append(label)
        entry.factor_ids.add(factor.pk)
    if not earlier:
        return []
    factor_ids = set().union(*(entry.factor_ids for entry in earlier.values()))
    fixes = (
        ActionItem.objects.filter(incident_id__in=earlier)
        .filter(Q(kind__in=SYSTEMIC_KINDS) | Q(addresses__in=factor_ids))
        .only("title", "kind", "status", "completed_at", "incident_id")
        .distinct()
        .order_by("completed_at", "pk")
    )
    for fix in fixes:
        earlier[fix.incident_id].fixes.append(fix)
    return list(earlier.values())
