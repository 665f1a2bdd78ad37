"""The meeting: its agenda, the timer of each section, and asking for the missing perspectives."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.registry import record as audit_record
from postmortems import events, live
from postmortems.models import AgendaSection, Perspective, Review, ReviewStatus


def _bank_timer(review: Review, now) -> None:
    """Add the time the timer ran in the current section to that section's total."""
    if review.timer_running_since is None:
        return
    section = review.current_section
    review.section_elapsed = {**review.section_elapsed, section: review.elapsed_seconds(section, now)}
    review.timer_running_since = now


@transaction.atomic
def move_agenda(review: Review, section: str) -> None:
    """The facilitator opens a section of the meeting; opening perspectives reveals them.

    A running timer keeps running in the new section, from the time already spent there.
    """
    section = AgendaSection(section)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if section not in review.agenda:
        raise ValidationError("This review's agenda has no such section.")
    now = timezone.now()
    _bank_timer(review, now)
    review.current_section = section
    review.section_started_at = now
    fields = ["current_section", "section_started_at", "section_elapsed", "timer_running_since", "updated_at"]
    parts = ["agenda", "timer"]
    if review.status == ReviewStatus.DRAFT:
        review.status = ReviewStatus.MEETING
        fields.append("status")
    if section == AgendaSection.PERSPECTIVES and not review.perspectives_revealed:
        review.perspectives_revealed_at = now
        fields.append("perspectives_revealed_at")
        parts.append(AgendaSection.PERSPECTIVES)
    review.save(update_fields=fields)
    live.bump(review.pk, *parts)


def step_agenda(review: Review, direction: int) -> None:
    agenda = review.agenda
    index = min(max(review.current_section_index + direction, 0), len(agenda) - 1)
    move_agenda(review, agenda[index])


@transaction.atomic
def start_meeting(review: Review) -> None:
    """Open the meeting at the first section of its agenda, with the timer running."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    now = timezone.now()
    review.status = ReviewStatus.MEETING
    review.current_section = review.agenda[0]
    review.section_started_at = now
    review.timer_running_since = now
    review.save(update_fields=["status", "current_section", "section_started_at", "timer_running_since", "updated_at"])
    live.bump(review.pk, "agenda", "timer")


TIMER_ACTIONS = ("start", "pause", "reset", "extend")
EXTEND_MINUTES = 5


@transaction.atomic
def control_timer(review: Review, action: str) -> Review:
    """The facilitator starts, pauses, resets or extends (by 5 minutes) the current section's timer."""
    if action not in TIMER_ACTIONS:
        raise ValueError(f"Unknown timer action {action!r}")
    review = Review.objects.select_for_update().get(pk=review.pk)
    now = timezone.now()
    section = review.current_section
    if action == "start" and review.timer_running_since is None:
        review.timer_running_since = now
    elif action == "pause" and review.timer_running_since is not None:
        _bank_timer(review, now)
        review.timer_running_since = None
    elif action == "reset":
        review.section_elapsed = {**review.section_elapsed, section: 0}
        review.section_extra_minutes = {**review.section_extra_minutes, section: 0}
        if review.timer_running_since is not None:
            review.timer_running_since = now
    elif action == "extend":
        extra = int(review.section_extra_minutes.get(section, 0)) + EXTEND_MINUTES
        review.section_extra_minutes = {**review.section_extra_minutes, section: extra}
    review.save(update_fields=["section_elapsed", "section_extra_minutes", "timer_running_since", "updated_at"])
    live.bump(review.pk, "timer")
    return review


@transaction.atomic
def end_meeting(review: Review) -> None:
    review = Review.objects.select_for_update().get(pk=review.pk)
    _bank_timer(review, timezone.now())
    review.timer_running_since = None
    review.status = ReviewStatus.IN_REVIEW
    review.save(update_fields=["status", "section_elapsed", "timer_running_since", "updated_at"])
    audit_record(review, Action.CHANGED, {"status": [ReviewStatus.MEETING.label, ReviewStatus.IN_REVIEW.label]})
    live.bump(review.pk, "agenda", "timer")


def missing_perspectives(review: Review) -> list[User]:
    """Participants who have not written their perspective yet (only whether, never what)."""
    written = Perspective.objects.filter(review=review).exclude(saw="", knew="", assumed="", pressure="")
    return list(review.participants.exclude(pk__in=written.values("author_id")).order_by("display_name", "username"))


def ask_for_perspectives(review: Review, by: User) -> list[User]:
    """The facilitator's nudge: ask everyone who has not written theirs yet (sent by the actions app)."""
    people = [person for person in missing_perspectives(review) if person.pk != by.pk]
    if people:
        transaction.on_commit(
            lambda: events.perspectives_asked.send(sender=Review, review=review, people=people), robust=True
        )
    return people
