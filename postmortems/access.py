"""The one way views reach a review: it exists for this person, and what they may do with it."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Value
from django.http import Http404

from accounts.models import Role
from incidents.access import can_edit_incident, know_editing, responds_or_involved
from postmortems.models import Review


@dataclass(frozen=True)
class ReviewAccess:
    review: Review
    can_edit: bool
    can_facilitate: bool
    is_participant: bool

    def __iter__(self):
        # Lets views write ``review, can_edit, can_facilitate = get_review_for_user(...)``.
        return iter((self.review, self.can_edit, self.can_facilitate))


def can_facilitate_review(user, review: Review) -> bool:
    """The assigned facilitator and admins; while nobody is assigned, any facilitator of the review's team."""
    if user.is_org_admin or (review.facilitator_id and review.facilitator_id == user.pk):
        return True
    return (
        review.facilitator_id is None and review.team_id is not None and user.has_role(Role.FACILITATOR, review.team_id)
    )


def get_review_for_user(user, pk, queryset=None) -> ReviewAccess:
    """The review if this person may see it, else 404.

    Reviews of restricted incidents do not exist for people who cannot see the incident.
    A published review is read-only for everyone. One query, whatever the person may do with it.
    """
    queryset = Review.objects.all() if queryset is None else queryset
    participates = Review.participants.through.objects.filter(review=OuterRef("pk"), user=user.pk)
    try:
        review = (
            queryset.visible_to(user)
            .select_related("incident", "incident__team", "near_miss", "facilitator", "team")
            .annotate(
                viewer_participates=Exists(participates),
                viewer_on_incident=responds_or_involved(user, "incident_id") if user.is_authenticated else Value(False),
            )
            .get(pk=pk)
        )
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404("No such review") from None
    if review.incident_id:
        know_editing(review.incident, user, review.viewer_on_incident)
    is_participant = review.viewer_participates
    can_facilitate = can_facilitate_review(user, review)
    if review.is_published:
        can_edit = False
    elif can_facilitate or is_participant:
        can_edit = True
    elif review.incident_id:
        can_edit = can_edit_incident(user, review.incident)
    else:
        can_edit = review.team_id in user.team_ids
    return ReviewAccess(review=review, can_edit=can_edit, can_facilitate=can_facilitate, is_participant=is_participant)
