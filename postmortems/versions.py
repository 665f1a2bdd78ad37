"""Which versions a change in the postmortems app raises (see ``fragments.versions``).

``review:<pk>`` stands for everything on the review's page; ``reviews`` for the library and the
"my work" lists. The review page shows its incident's facts and timeline, so changes there raise the
review's version too.

The lists in the review's document also have versions of their own, raised with the review's:
``review-factors:<pk>``, ``review-opportunities:<pk>`` and ``review-notes:<pk>`` (the language notes
dismissed). A part of the page kept under them (with ``timeline:<incident pk>`` for the timeline) stays
kept when something else in the review changes: a section's text, a step of the meeting.
"""

from fragments.versions import bump_on_change
from postmortems.models import SECTION_TEXTS

# What only the meeting page shows (its agenda and timer): a save of these alone leaves the lists of reviews.
MEETING_ONLY = {"current_section", "section_started_at", "section_elapsed", "timer_running_since"}
MEETING_ONLY |= {"section_extra_minutes", "change_counter", "updated_at"}


# What the incident's page shows of its review (the review panel): a save of other fields alone leaves that page.
ON_INCIDENT_PAGE = {"status", "facilitator", "facilitator_id", "meeting_at"}


# What people write in a review's sections: no list shows it while the review is open (the library searches the
# text of published reviews only), so writing an open review, a save every few seconds while a meeting runs,
# leaves every list and library page kept.
WRITING = {"language_notes", "section_versions", "updated_at"}
WRITING |= {*SECTION_TEXTS, *(f"{name}_html" for name in SECTION_TEXTS)}


def _review(review, update_fields=None, **kwargs):
    fields = None if update_fields is None else set(update_fields)
    listed = fields is None or not (fields <= MEETING_ONLY or (fields <= WRITING and not review.is_published))
    lists = ["reviews"] if listed else []
    shown = update_fields is None or bool(ON_INCIDENT_PAGE & set(update_fields))
    return [*lists, f"review:{review.pk}", f"incident:{review.incident_id}" if review.incident_id and shown else ""]


def _part_of_review(part, **kwargs):
    return ["reviews", f"review:{part.review_id}"]


def _factor(factor, **kwargs):
    return [*_part_of_review(factor), f"review-factors:{factor.review_id}"]


def _opportunity(opportunity, **kwargs):
    return [*_part_of_review(opportunity), f"review-opportunities:{opportunity.review_id}"]


def _dismissal(dismissal, **kwargs):
    return [*_part_of_review(dismissal), f"review-notes:{dismissal.review_id}"]


def _reviews_of_incident(instance, **kwargs):
    from postmortems.models import Review

    incident_id = getattr(instance, "incident_id", None) or instance.pk
    return [f"review:{pk}" for pk in Review.objects.filter(incident_id=incident_id).values_list("pk", flat=True)]


def _factor_choices(instance, **kwargs):
    return ["factor-choices"]


def document_part(review, part: str) -> str:
    """The version a list of the review's document (``timeline``, ``factors``, ``opportunities``, or ``notes``:
    the language notes dismissed) is kept under: while the review is written, the list's own (the
    timeline's is its incident's), so that a change elsewhere in the review leaves it kept; once
    published, the review's own, which is all the published page follows (it shows the snapshot)."""
    if review.is_published or (part == "timeline" and not review.incident_id):
        return f"review:{review.pk}"
    if part == "timeline":
        return f"timeline:{review.incident_id}"
    return f"review-{part}:{review.pk}"


def connect() -> None:
    from incidents.models import Incident, Service, TimelineEntry
    from postmortems.models import (
        ContributingFactor,
        FactorCategory,
        FlagDismissal,
        ImprovementOpportunity,
        Perspective,
        Review,
        ReviewFeedback,
    )

    bump_on_change(Review, _review, m2m=["participants"])
    for model in (Perspective, ReviewFeedback):
        bump_on_change(model, _part_of_review)
    bump_on_change(ImprovementOpportunity, _opportunity)
    bump_on_change(FlagDismissal, _dismissal)
    bump_on_change(ContributingFactor, _factor, m2m=["timeline_entries"])
    # Who responds to the incident, and its other teams, decide who may see and change its review.
    bump_on_change(Incident, _reviews_of_incident, m2m=["responders", "involved_teams"])
    bump_on_change(TimelineEntry, _reviews_of_incident)
    # The categories and services the factor forms offer.
    for model in (FactorCategory, Service):
        bump_on_change(model, _factor_choices)
