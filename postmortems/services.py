"""Rules of the review: starting one, saving without losing anyone's words, the meeting, the language guide, the invite."""

from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.models import Action
from audit.registry import record as audit_record
from incidents.models import Incident, NearMiss
from postmortems import events, live
from postmortems.language import Flag, check_text, directory_names, reading_of
from postmortems.models import (
    AGENDA,
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
            title=f"Near miss: {near_miss.what_almost_happened[:120]}",
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


def perspectives_for(review: Review, user: User) -> list[Perspective]:
    """The perspectives this person may read: all of them once revealed, otherwise only their own."""
    queryset = review.perspectives.select_related("author")
    if review.perspectives_revealed:
        return [p for p in queryset if not p.is_empty]
    return list(queryset.filter(author=user))


# --- the meeting ---------------------------------------------------------------------------


@transaction.atomic
def move_agenda(review: Review, section: str) -> None:
    """The facilitator opens a section of the meeting; opening perspectives reveals them."""
    section = AgendaSection(section)
    review = Review.objects.select_for_update().get(pk=review.pk)
    now = timezone.now()
    review.current_section = section
    review.section_started_at = now
    fields = ["current_section", "section_started_at", "updated_at"]
    parts = ["agenda"]
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
    index = min(max(review.current_section_index + direction, 0), len(AGENDA) - 1)
    move_agenda(review, AGENDA[index])


@transaction.atomic
def start_meeting(review: Review) -> None:
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.status = ReviewStatus.MEETING
    review.current_section = AgendaSection.TIMELINE
    review.section_started_at = timezone.now()
    review.save(update_fields=["status", "current_section", "section_started_at", "updated_at"])
    live.bump(review.pk, "agenda")


@transaction.atomic
def end_meeting(review: Review) -> None:
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.IN_REVIEW, updated_at=timezone.now())
    audit_record(review, Action.CHANGED, {"status": [review.get_status_display(), ReviewStatus.IN_REVIEW.label]})
    live.bump(review.pk, "agenda")


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


# --- the calendar invite -------------------------------------------------------------------


def _ics_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    chunks, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not chunks else 74):
            chunks.append(current.decode())
            current = b""
        current += piece
    chunks.append(current.decode())
    return "\r\n ".join(chunks)


def meeting_invite(review: Review, url: str, host: str) -> str:
    """An iCalendar (.ics) invitation to the review meeting, with the participants as attendees."""
    if not review.meeting_at:
        raise ValueError("The meeting has no time yet.")
    fmt = "%Y%m%dT%H%M%SZ"
    start = review.meeting_at.astimezone(UTC)
    end = start + timedelta(minutes=review.meeting_minutes)
    agenda = " → ".join(section.label for section in AGENDA)
    # Calendars are read by assistants and shown in shared free/busy views: a restricted incident's
    # invite carries no title, and only people who may see the incident are invited.
    restricted = bool(review.incident_id and review.incident.restricted)
    subject = "a restricted incident (open the link to see it)" if restricted else f"“{review.title}”"
    description = (
        f"Blameless review of {subject}. We look at how the system let this happen, not at who.\n"
        f"Agenda: {agenda}.\nPlease write your own perspective before the meeting: {url}"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Post-mortems//Review meeting//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:review-{review.pk}@{host}",
        f"DTSTAMP:{timezone.now().astimezone(UTC).strftime(fmt)}",
        f"SEQUENCE:{int(review.updated_at.timestamp())}",
        f"DTSTART:{start.strftime(fmt)}",
        f"DTEND:{end.strftime(fmt)}",
        f"SUMMARY:{_ics_escape('Review meeting' if restricted else 'Review: ' + review.title)}",
        f"DESCRIPTION:{_ics_escape(description)}",
        f"URL:{url}",
    ]
    if review.meeting_place:
        lines.append(f"LOCATION:{_ics_escape(review.meeting_place)}")
    if review.facilitator and review.facilitator.email:
        lines.append(f"ORGANIZER;CN={_ics_escape(review.facilitator.name)}:mailto:{review.facilitator.email}")
    attendees = review.participants.all()
    if review.incident_id:
        attendees = review.incident.audience(attendees)
    for person in attendees:
        if person.email:
            lines.append(
                f"ATTENDEE;CN={_ics_escape(person.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{person.email}"
            )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
