"""Learning: the review of an incident (or a near miss), the accounts behind it and what we learned.

A review never records a culprit. Perspectives belong to the person who wrote
them and stay private until the facilitator reveals them in the meeting;
contributing factors describe conditions of the system, classified so that
patterns across many incidents show.
"""

from postmortems.models.analysis import (
    ContributingFactor,
    Depth,
    FactorCategory,
    FlagDismissal,
    ImprovementOpportunity,
)
from postmortems.models.participants import Perspective, ReviewFeedback
from postmortems.models.reviews import (
    AGENDA,
    AGENDA_MINUTES,
    SECTION_TEXTS,
    AgendaSection,
    Amendment,
    Review,
    ReviewQuerySet,
    ReviewStatus,
    meeting_due_by,
    review_required,
)

__all__ = [
    "AGENDA",
    "AGENDA_MINUTES",
    "SECTION_TEXTS",
    "AgendaSection",
    "Amendment",
    "ContributingFactor",
    "Depth",
    "FactorCategory",
    "FlagDismissal",
    "ImprovementOpportunity",
    "Perspective",
    "Review",
    "ReviewFeedback",
    "ReviewQuerySet",
    "ReviewStatus",
    "meeting_due_by",
    "review_required",
]
