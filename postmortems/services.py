"""Rules of the review: starting one, saving without losing anyone's words, the meeting, the language guide, the invite."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.models import Action
from audit.registry import record as audit_record
from incidents.models import Incident, NearMiss
from markup.plain import shorten
from postmortems import events, live
from postmortems.language import RULES, Flag, check_text, directory_names, reading_of
from postmortems.models import (
    SECTION_TEXTS,
    AgendaSection,
    ContributingFactor,
    FlagDismissal,
    Perspective,
    Review,
    ReviewStatus,
)

# Other apps' texts that the published review shows: each provider takes a review and returns ``ReviewText``s.
REVIEW_TEXT_PROVIDERS: list = []


# --- starting a review -------------------------------------------------------------------


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


# --- saving without losing anyone's words ------------------------------------------------


@dataclass
class SaveResult:
    """The outcome of a save that checks versions: saved, or a conflict with what is stored now."""

    saved: bool
    version: int
    current: dict = field(default_factory=dict)
    current_by: str = ""


@transaction.atomic
def save_section(review_id: int, name: str, text: str, base_version: int) -> SaveResult:
    """Save one section text unless someone saved it since ``base_version`` (then report the conflict)."""
    if name not in SECTION_TEXTS:
        raise ValueError(f"Unknown section {name!r}")
    review = Review.objects.select_for_update().get(pk=review_id)
    version = review.section_version(name)
    if version != base_version:
        return SaveResult(saved=False, version=version, current={name: getattr(review, name)})
    setattr(review, name, text)
    review.section_versions = {**review.section_versions, name: version + 1}
    review.save(update_fields=[name, f"{name}_html", "language_notes", "section_versions", "updated_at"])
    live.bump(review_id, AgendaSection.LEARNINGS if name in {"went_well", "got_lucky"} else "agenda")
    return SaveResult(saved=True, version=version + 1)


@transaction.atomic
def save_factor(factor_id: int, base_version: int, data: dict, timeline_entries) -> SaveResult:
    """Save an edited contributing factor unless someone changed it since ``base_version``."""
    factor = (
        ContributingFactor.objects.select_for_update(of=("self",))
        .select_related("category", "service")
        .get(pk=factor_id)
    )
    if factor.version != base_version:
        return SaveResult(
            saved=False,
            version=factor.version,
            current={
                "description": factor.description,
                "category": factor.category.name,
                "depth": factor.get_depth_display(),
                "service": factor.service.name if factor.service else "",
            },
        )
    for name, value in data.items():
        setattr(factor, name, value)
    factor.version += 1
    factor.save()
    factor.timeline_entries.set(timeline_entries)
    live.bump(factor.review_id, AgendaSection.FACTORS)
    return SaveResult(saved=True, version=factor.version)


@transaction.atomic
def add_factor(review: Review, by: User, data: dict, timeline_entries=()) -> ContributingFactor:
    factor = ContributingFactor.objects.create(review=review, created_by=by, **data)
    if timeline_entries:
        factor.timeline_entries.set(timeline_entries)
    live.bump(review.pk, AgendaSection.FACTORS)
    return factor


@transaction.atomic
def delete_factor(factor: ContributingFactor) -> None:
    review_id = factor.review_id
    factor.soft_delete()  # restorable by an admin; the acting person is recorded
    live.bump(review_id, AgendaSection.FACTORS)


@transaction.atomic
def add_opportunity(review: Review, by: User, question: str):
    opportunity = review.opportunities.create(question=question.strip(), created_by=by)
    live.bump(review.pk, AgendaSection.OPPORTUNITIES)
    return opportunity


@transaction.atomic
def delete_opportunity(opportunity) -> None:
    review_id = opportunity.review_id
    opportunity.delete()
    live.bump(review_id, AgendaSection.OPPORTUNITIES)


@transaction.atomic
def save_perspective(review: Review, author: User, data: dict, base_version: int) -> SaveResult:
    """Save the author's own account, unless they saved it meanwhile elsewhere (another tab)."""
    perspective, created = Perspective.objects.select_for_update().get_or_create(review=review, author=author)
    if not created and perspective.version != base_version:
        return SaveResult(
            saved=False,
            version=perspective.version,
            current={name: getattr(perspective, name) for name in Perspective.TEXT_FIELDS},
        )
    for name in Perspective.TEXT_FIELDS:
        setattr(perspective, name, data.get(name, ""))
    if not created:
        perspective.version += 1
    perspective.save()
    # Participants only see that one more account is ready, never its content before the reveal.
    live.bump(review.pk, AgendaSection.PERSPECTIVES)
    return SaveResult(saved=True, version=perspective.version)


@transaction.atomic
def save_participants(review: Review, people, base_version: int | None) -> SaveResult:
    """Set who takes part (the facilitator always does), unless the list changed since ``base_version``."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if base_version is not None and review.participants_version != base_version:
        current = list(review.participants.order_by("display_name", "username"))
        return SaveResult(saved=False, version=review.participants_version, current={"participants": current})
    chosen = set(people)
    if review.facilitator:
        chosen.add(review.facilitator)
    before = set(review.participants.values_list("pk", flat=True))
    review.participants.set(chosen)
    review.participants_version += 1
    review.save(update_fields=["participants_version", "updated_at"])
    live.forget_readers(review.pk, before)
    return SaveResult(saved=True, version=review.participants_version)


def perspectives_for(review: Review, user: User) -> list[Perspective]:
    """The perspectives this person may read: all of them once revealed, otherwise only their own."""
    queryset = review.perspectives.select_related("author")
    if review.perspectives_revealed:
        return [p for p in queryset if not p.is_empty]
    return list(queryset.filter(author=user))


# --- the meeting ---------------------------------------------------------------------------


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


# --- the language guide over the whole review -----------------------------------------------


@dataclass(frozen=True)
class ReviewFlag:
    """A language flag with the part of the review it was found in."""

    source: str
    anchor: str
    flag: Flag


@dataclass(frozen=True)
class ReviewText:
    """One text the published review shows: where it is, a link to it, and the object and field holding it."""

    source: str
    anchor: str
    obj: object
    field: str

    @property
    def text(self) -> str:
        return getattr(self.obj, self.field) or ""


def review_parts(review: Review, with_other_apps: bool = True) -> list[ReviewText]:
    """Every text the published review shows, with the object that stores its language notes.

    ``with_other_apps=False`` leaves out what other apps add (action items), for callers that read
    many reviews in a fixed number of queries.
    """
    parts = [ReviewText("Title", "review-title", review, "title")]
    parts += [ReviewText(heading, f"section-{name}", review, name) for name, heading in SECTION_TEXTS.items()]
    if review.incident_id:
        for entry in review.incident.timeline.all():
            for name in ("text", "known_then", "missing_then"):
                parts.append(ReviewText(f"Timeline, {entry.occurred_at:%H:%M} UTC", f"entry-{entry.pk}", entry, name))
    if review.perspectives_revealed:
        for perspective in review.perspectives.all():
            for name in Perspective.TEXT_FIELDS:
                label = Perspective._meta.get_field(name).verbose_name
                parts.append(ReviewText(f"A perspective ({label})", "section-perspectives", perspective, name))
    for index, factor in enumerate(review.factors.all(), start=1):
        parts.append(ReviewText(f"Contributing factor {index}", f"factor-{factor.pk}", factor, "description"))
    for opportunity in review.opportunities.all():
        parts.append(ReviewText("Improvement opportunities", "section-opportunities", opportunity, "question"))
    for provider in REVIEW_TEXT_PROVIDERS if with_other_apps else ():
        parts += provider(review)
    return [part for part in parts if part.text.strip()]


def register_review_texts(provider) -> None:
    """Let a higher app add texts the published review shows (the actions app adds its action items)."""
    if provider not in REVIEW_TEXT_PROVIDERS:
        REVIEW_TEXT_PROVIDERS.append(provider)


def review_texts(review: Review, with_other_apps: bool = True) -> list[tuple[str, str, str]]:
    """Every text the write-up will show: (where, anchor on the review page, text)."""
    return [(part.source, part.anchor, part.text) for part in review_parts(review, with_other_apps)]


def check(text: str) -> list[Flag]:
    """The language guide's flags for one text, knowing the names in the directory."""
    return check_text(text or "", people=directory_names())


def open_flags(review: Review) -> list[ReviewFlag]:
    """Notes anywhere the published review will show that nobody has dismissed, read from what was stored on save."""
    dismissed = set(review.dismissals.values_list("key", flat=True))
    found, seen = [], set()
    for part in review_parts(review):
        for flag in reading_of(part.obj, part.field).flags:
            if flag.key in dismissed or flag.key in seen:
                continue
            seen.add(flag.key)
            found.append(ReviewFlag(source=part.source, anchor=part.anchor, flag=flag))
    return found


def unchecked_texts(review: Review) -> list[ReviewText]:
    """Texts the guide could not read (another language): never counted as clean."""
    return [part for part in review_parts(review) if not reading_of(part.obj, part.field).checked]


def dismiss_flag(review: Review, key: str, reason: str, by: User) -> FlagDismissal:
    """Dismiss one open flag with a reason. Only flags currently in the review can be dismissed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why this note does not apply here.")
    for item in open_flags(review):
        if item.flag.key == key:
            return FlagDismissal.objects.create(
                review=review,
                key=key,
                rule=item.flag.rule,
                excerpt=item.flag.excerpt[:300],
                reason=reason[:500],
                dismissed_by=by,
            )
    raise ValidationError("That note is no longer in the review (it may have been dismissed or edited away).")


def keep_wording(review: Review, rule: str, excerpt: str, reason: str, by: User) -> FlagDismissal:
    """The writer keeps their wording against a note shown while typing, and says why.

    Stored as a dismissal of the note's key, so the note stays closed once the text is saved and the
    publish check shows who kept it and why. The text may not be saved yet, so the note need not be
    among the review's stored notes; keeping it again replaces the reason.
    """
    reason, excerpt = reason.strip(), excerpt.strip()
    if not reason:
        raise ValidationError("Say why your wording is right here.")
    if rule not in RULES or not excerpt:
        raise ValidationError("That note is not one the language guide gives.")
    key = Flag(rule, 0, len(excerpt), excerpt, "", "").key
    dismissal, _created = FlagDismissal.objects.update_or_create(
        review=review,
        key=key,
        defaults={
            "rule": rule,
            "excerpt": excerpt[:300],
            "reason": reason[:500],
            "dismissed_by": by,
            "dismissed_at": timezone.now(),
        },
    )
    return dismissal
