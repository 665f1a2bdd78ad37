"""Starting a review of an incident or a near miss, and who facilitates it."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from incidents.models import Incident, NearMiss
from markup.plain import shorten
from postmortems import events
from postmortems.models import Review


def _may_facilitate_team(user: User, team_id: int | None) -> bool:
    return user.is_org_admin or (team_id is not None and user.has_role(Role.FACILITATOR, team_id))


@transaction.atomic
def start_review(*, by: User, incident: Incident | None = None, near_miss: NearMiss | None = None) -> Review:
    """Open the review of an incident or a near miss (or return the one that exists).

    A facilitator of the team (or an admin) who starts it facilitates it; anyone else
    starting it requests a facilitator. The incident's responders and the person
    starting it become participants.
    """
    if (incident is None) == (near_miss is None):
        raise ValueError("A review is of exactly one incident or one near miss.")
    subject = {"incident": incident} if incident else {"near_miss": near_miss}
    existing = Review.objects.filter(**subject).first()
    if existing:
        return existing
    if incident:
        team_id = incident.team_id
        review = Review(
            incident=incident,
            title=incident.title,
            team_id=team_id,
            summary=incident.summary,
            impact=incident.customer_impact,
        )
    else:
        team_id = near_miss.team_id
        review = Review(
            near_miss=near_miss,
            title=f"Near miss: {shorten(near_miss.what_almost_happened, 120)}",
            team_id=team_id,
            summary=near_miss.what_almost_happened,
            impact=near_miss.what_could_have_happened,
        )
    if _may_facilitate_team(by, team_id):
        review.facilitator = by
    else:
        review.facilitator_requested_at = timezone.now()
    review.save()
    if review.facilitator_id is None:
        transaction.on_commit(lambda: events.facilitator_requested.send(sender=Review, review=review), robust=True)
    people = [by.pk]
    if incident:
        people += list(incident.responders.values_list("pk", flat=True))
    review.participants.add(*set(people))
    return review


@transaction.atomic
def take_on_review(review: Review, user: User) -> None:
    """A facilitator takes on a review that asked for one."""
    review.facilitator = user
    review.facilitator_requested_at = None
    review.save(update_fields=["facilitator", "facilitator_requested_at", "updated_at"])
    review.participants.add(user)
