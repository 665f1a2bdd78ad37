"""Which versions a change in the postmortems app raises (see ``fragments.versions``).

``review:<pk>`` stands for everything on the review's page; ``reviews`` for the library and the
"my work" lists. The review page shows its incident's facts and timeline, so changes there raise the
review's version too.
"""

from fragments.versions import bump_on_change

# What only the meeting page shows (its agenda and timer): a save of these alone leaves the lists of reviews.
MEETING_ONLY = {"current_section", "section_started_at", "section_elapsed", "timer_running_since"}
MEETING_ONLY |= {"section_extra_minutes", "change_counter", "updated_at"}


def _review(review, update_fields=None, **kwargs):
    lists = [] if update_fields is not None and set(update_fields) <= MEETING_ONLY else ["reviews"]
    return [*lists, f"review:{review.pk}", f"incident:{review.incident_id}" if review.incident_id else ""]


def _part_of_review(part, **kwargs):
    return ["reviews", f"review:{part.review_id}"]


def _reviews_of_incident(instance, **kwargs):
    from postmortems.models import Review

    incident_id = getattr(instance, "incident_id", None) or instance.pk
    return [f"review:{pk}" for pk in Review.objects.filter(incident_id=incident_id).values_list("pk", flat=True)]


def _factor_choices(instance, **kwargs):
    return ["factor-choices"]


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
    for model in (Perspective, ImprovementOpportunity, FlagDismissal, ReviewFeedback):
        bump_on_change(model, _part_of_review)
    bump_on_change(ContributingFactor, _part_of_review, m2m=["timeline_entries"])
    # Who responds to the incident, and its other teams, decide who may see and change its review.
    bump_on_change(Incident, _reviews_of_incident, m2m=["responders", "involved_teams"])
    bump_on_change(TimelineEntry, _reviews_of_incident)
    # The categories and services the factor forms offer.
    for model in (FactorCategory, Service):
        bump_on_change(model, _factor_choices)
