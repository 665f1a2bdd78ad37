"""The one way views reach a review: it exists for this person, and what they may do with it."""

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Exists, OuterRef, Value
from django.http import Http404

from accounts.models import Role
from incidents.access import (
    OnIncident,
    can_edit_incident,
    keeping,
    kept_record,
    know_editing,
    labelled_ids,
    responds_or_involved,
)
from postmortems.models import FlagDismissal, Perspective, Review


@dataclass(frozen=True)
class ReviewAccess:
    review: Review
    can_edit: bool
    can_facilitate: bool
    is_participant: bool
    # Who has written a perspective and who takes part, when the review came from its kept record (else unknown: None).
    perspective_authors: frozenset | None = None
    participant_ids: frozenset | None = None
    # The language notes people kept their wording against, when the review came from its kept record.
    dismissed: frozenset | None = None

    def __iter__(self):
        # Lets views write ``review, can_edit, can_facilitate = get_review_for_user(...)``.
        return iter((self.review, self.can_edit, self.can_facilitate))

    def dismissed_keys(self) -> frozenset:
        """The keys of the language notes dismissed on the review: as its kept record read them, else read now."""
        if self.dismissed is not None:
            return self.dismissed
        return frozenset(self.review.dismissals.values_list("key", flat=True))


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
    return _decide(user, review, review.viewer_participates, review.viewer_on_incident)


def _decide(user, review: Review, is_participant: bool, on_incident: bool, **known) -> ReviewAccess:
    if review.incident_id:
        know_editing(review.incident, user, on_incident)
    can_facilitate = can_facilitate_review(user, review)
    if review.is_published:
        can_edit = False
    elif can_facilitate or is_participant:
        can_edit = True
    elif review.incident_id:
        can_edit = can_edit_incident(user, review.incident)
    else:
        can_edit = review.team_id in user.team_ids
    return ReviewAccess(
        review=review, can_edit=can_edit, can_facilitate=can_facilitate, is_participant=is_participant, **known
    )


def review_for_page(request, pk) -> ReviewAccess:
    """``get_review_for_user`` for showing the review and meeting pages: the review, its participants and who is
    on its incident are kept under the review's version (which its incident's changes raise too), so a viewer
    asks no query. Changes read the review afresh (``get_review_for_user``)."""
    if not keeping():
        return get_review_for_user(request.user, pk)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such review") from None

    def read():
        # Most reviews are of an incident: a near miss is read on its own, when there is one. The notes dismissed
        # come along: a dismissal raises the review's version, which this record is kept under.
        review = Review.objects.select_related("incident", "incident__team", "facilitator", "team").annotate(
            dismissed_note_keys=ArraySubquery(FlagDismissal.objects.filter(review=OuterRef("pk")).values("key"))
        )
        review = review.filter(pk=pk).first()
        if review is None:
            return None
        if review.near_miss_id:
            review.near_miss  # noqa: B018 - read now, so that it is kept with the review
        quote = connection.ops.quote_name
        participants = quote(Review.participants.through._meta.db_table)
        perspectives = quote(Perspective._meta.db_table)
        ids = labelled_ids(
            participant=(f"SELECT user_id FROM {participants} WHERE review_id = %s", [pk]),  # noqa: S608 - table names
            author=(f"SELECT author_id FROM {perspectives} WHERE review_id = %s", [pk]),  # noqa: S608
            **(OnIncident.lists(review.incident_id, linked=False) if review.incident_id else {}),
        )
        on = OnIncident.from_ids(ids) if review.incident_id else None
        return review, ids["participant"], on, ids["author"]

    record = kept_record("review", pk, [f"review:{pk}", "people"], request, read)
    user = request.user
    if record is None:
        raise Http404("No such review")
    review, participants, on, authors = record
    if review.incident_id and (review.incident.is_deleted or not on.may_see(user, review.incident)):
        raise Http404("No such review")
    on_incident = bool(on and on.responds_or_involved(user))
    return _decide(
        user,
        review,
        user.pk in participants,
        on_incident,
        perspective_authors=authors,
        participant_ids=participants,
        dismissed=frozenset(review.dismissed_note_keys),
    )
