"""Rules of the review: starting one, saving without losing anyone's words, the meeting, publishing."""

import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Membership, Role, User
from audit.models import Action
from audit.registry import record as audit_record
from fragments import versions
from incidents.models import Incident, NearMiss, Status
from postmortems import events, live
from postmortems.language import Flag, check_text, directory_names
from postmortems.models import (
    AGENDA,
    SECTION_TEXTS,
    AgendaSection,
    ContributingFactor,
    FlagDismissal,
    Perspective,
    Review,
    ReviewFeedback,
    ReviewStatus,
)

# Other apps may add checks that must pass before a review is published (the actions
# app adds "at least one systemic action item"). Each takes a review and returns a list
# of blocking messages.
PUBLISH_CHECKS: list = []


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
    review.save(update_fields=[name, f"{name}_html", "section_versions", "updated_at"])
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


def review_texts(review: Review) -> list[tuple[str, str, str]]:
    """Every text the write-up will show: (where, anchor on the review page, text)."""
    texts = [(heading, f"section-{name}", getattr(review, name)) for name, heading in SECTION_TEXTS.items()]
    for index, factor in enumerate(review.factors.all(), start=1):
        texts.append((f"Contributing factor {index}", f"factor-{factor.pk}", factor.description))
    for opportunity in review.opportunities.all():
        texts.append(("Improvement opportunities", "section-opportunities", opportunity.question))
    if review.perspectives_revealed:
        for perspective in review.perspectives.all():
            for name in Perspective.TEXT_FIELDS:
                label = Perspective._meta.get_field(name).verbose_name
                texts.append((f"A perspective ({label})", "section-perspectives", getattr(perspective, name)))
    if review.incident_id:
        for entry in review.incident.timeline.all():
            for text in (entry.text, entry.known_then, entry.missing_then):
                texts.append((f"Timeline, {entry.occurred_at:%H:%M} UTC", "section-timeline", text))
    return [item for item in texts if item[2] and item[2].strip()]


def check(text: str) -> list[Flag]:
    """The language guide's flags for one text, knowing the names in the directory."""
    return check_text(text or "", people=directory_names())


def open_flags(review: Review) -> list[ReviewFlag]:
    """Flags anywhere in the review that the facilitator has not dismissed."""
    dismissed = set(review.dismissals.values_list("key", flat=True))
    people = directory_names()
    found, seen = [], set()
    for source, anchor, text in review_texts(review):
        for flag in check_text(text, people=people):
            if flag.key in dismissed or flag.key in seen:
                continue
            seen.add(flag.key)
            found.append(ReviewFlag(source=source, anchor=anchor, flag=flag))
    return found


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


# --- publishing ----------------------------------------------------------------------------


def publish_blockers(review: Review) -> list[str]:
    """What still stands between the review and publishing (empty when it may be published)."""
    blockers = []
    if review.status != ReviewStatus.IN_REVIEW:
        blockers.append("Hold the review meeting first; end it to move the review to “in review”.")
    if not review.summary.strip():
        blockers.append("Write the summary: what happened, in plain facts.")
    if not review.factors.exists():
        blockers.append("Add at least one contributing factor: a condition of the system that made this possible.")
    count = len(open_flags(review))
    if count:
        blockers.append(
            f"{count} language note{'s' if count != 1 else ''} still open: rephrase the text or dismiss each note with a reason."
        )
    for check_fn in PUBLISH_CHECKS:
        blockers.extend(check_fn(review))
    return blockers


def build_search_document(review: Review) -> str:
    parts = [getattr(review, name) for name in SECTION_TEXTS]
    for factor in review.factors.select_related("category", "service"):
        parts += [factor.description, factor.category.name, factor.service.name if factor.service else ""]
    parts += [o.question for o in review.opportunities.all()]
    return "\n".join(part for part in parts if part)


@transaction.atomic
def publish(review: Review) -> None:
    """Publish the review (read-only from now on) and mark the incident reviewed. Checks blockers first."""
    review = Review.objects.select_for_update(of=("self",)).select_related("incident").get(pk=review.pk)
    blockers = publish_blockers(review)
    if blockers:
        raise ValidationError(blockers)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.search_document = build_search_document(review)
    review.save(update_fields=["status", "published_at", "search_document", "updated_at"])
    if review.incident_id and review.incident.status != Status.REVIEWED:
        Incident.objects.filter(pk=review.incident_id).update(status=Status.REVIEWED, updated_at=timezone.now())
        versions.bump("incidents", f"incident:{review.incident_id}")
        audit_record(
            review.incident, Action.CHANGED, {"status": [review.incident.get_status_display(), Status.REVIEWED.label]}
        )
    live.bump(review.pk, "agenda")
    transaction.on_commit(lambda: events.review_published.send(sender=Review, review=review), robust=True)


# --- the library ---------------------------------------------------------------------------

PERIODS = {"30d": ("Last 30 days", 30), "90d": ("Last 3 months", 90), "365d": ("Last year", 365)}


def search_reviews(
    user: User, *, query: str = "", category: str = "", service: str = "", team: str = "", period: str = ""
):
    """Published reviews this person may see, matching the search and the filters, best match first."""
    reviews = Review.objects.published().visible_to(user)
    if category:
        reviews = reviews.filter(
            Exists(ContributingFactor.objects.filter(review=OuterRef("pk"), category__slug=category))
        )
    if service.isdigit():
        reviews = reviews.filter(
            Exists(ContributingFactor.objects.filter(review=OuterRef("pk"), service_id=int(service)))
            | Exists(
                Incident.services.through.objects.filter(incident=OuterRef("incident_id"), service_id=int(service))
            )
        )
    if team:
        reviews = reviews.filter(team__slug=team)
    if period in PERIODS:
        reviews = reviews.filter(published_at__gte=timezone.now() - timedelta(days=PERIODS[period][1]))
    query = query.strip()
    if query:
        if connection.vendor == "postgresql":
            vector = SearchVector("title", weight="A", config="english") + SearchVector(
                "search_document", weight="B", config="english"
            )
            search = SearchQuery(query, search_type="websearch", config="english")
            reviews = (
                reviews.annotate(document=vector, rank=SearchRank(vector, search))
                .filter(document=search)
                .order_by("-rank", "-published_at")
            )
        else:
            reviews = reviews.filter(Q(title__icontains=query) | Q(search_document__icontains=query))
            reviews = reviews.order_by("-published_at")
    else:
        reviews = reviews.order_by("-published_at", "-pk")
    return reviews.select_related("team", "incident")


# --- exports -------------------------------------------------------------------------------


def _role_labels(review: Review, people: list[User]) -> dict[int, str]:
    """A role name per person, letters telling apart people with the same role ("Engineer A")."""
    roles = dict(Membership.objects.filter(user__in=people, team_id=review.team_id).values_list("user_id", "role"))
    other_roles = dict(Membership.objects.filter(user__in=people).values_list("user_id", "role"))
    labels, counters = {}, {}
    for person in people:
        if person.pk == review.facilitator_id:
            labels[person.pk] = "the facilitator"
            continue
        role = roles.get(person.pk) or other_roles.get(person.pk) or Role.ENGINEER
        name = Role(role).label
        counters[name] = counters.get(name, 0) + 1
        labels[person.pk] = f"{name} {chr(ord('A') + (counters[name] - 1) % 26)}"
    return labels


def anonymise(text: str, review: Review, people: list[User]) -> str:
    """Replace people's names by their role in the review ("Engineer A", "the facilitator").

    Full names are matched in any case; a single first or last name only as written with its
    capital (so the name "May" leaves the verb "may" alone); usernames only as "@username",
    since usernames are often ordinary words.
    """
    labels = _role_labels(review, people)
    replacements = []  # (pattern, flags, label)
    for person in people:
        label = labels[person.pk]
        for full in {person.name, person.get_full_name()}:
            if full and " " in full.strip():
                replacements.append((full.strip(), re.IGNORECASE, label))
        parts = set(person.name.split()) | {person.first_name, person.last_name}
        for part in parts:
            if part and len(part) >= 2 and part[0].isupper():
                replacements.append((part, 0, label))
        if person.username:
            replacements.append(("@" + person.username, re.IGNORECASE, label))
    replacements.sort(key=lambda item: len(item[0]), reverse=True)
    for name, flags, label in replacements:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", label, text, flags=flags)
    # "the facilitator" opening a sentence or a line reads better capitalised.
    return re.sub(r"(^|[.!?]\s+|\n|: )the facilitator", r"\1The facilitator", text, flags=re.MULTILINE)


def people_in(review: Review) -> list[User]:
    """Everyone whose name may appear in the review: the directory (names in free text included)."""
    return list(User.objects.filter(is_active=True).order_by("pk"))


def export_markdown(review: Review, *, anonymised: bool = False) -> str:
    """The review as a Markdown document; anonymised, names are replaced by roles."""
    perspectives = (
        [p for p in review.perspectives.select_related("author") if not p.is_empty]
        if review.perspectives_revealed
        else []
    )
    text = render_to_string(
        "postmortems/export.md",
        {
            "review": review,
            "timeline": list(review.incident.timeline.all()) if review.incident_id else [],
            "perspectives": perspectives,
            "factors": review.factors.select_related("category", "service").prefetch_related("timeline_entries"),
            "opportunities": review.opportunities.all(),
            "participants": review.participants.all(),
            "anonymised": anonymised,
        },
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    if anonymised:
        text = anonymise(text, review, people_in(review))
    return text


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
    description = (
        f"Blameless review of “{review.title}”. We look at how the system let this happen, not at who.\n"
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
        f"SUMMARY:{_ics_escape('Review: ' + review.title)}",
        f"DESCRIPTION:{_ics_escape(description)}",
        f"URL:{url}",
    ]
    if review.meeting_place:
        lines.append(f"LOCATION:{_ics_escape(review.meeting_place)}")
    if review.facilitator and review.facilitator.email:
        lines.append(f"ORGANIZER;CN={_ics_escape(review.facilitator.name)}:mailto:{review.facilitator.email}")
    for person in review.participants.all():
        if person.email:
            lines.append(
                f"ATTENDEE;CN={_ics_escape(person.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{person.email}"
            )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


# --- feedback ------------------------------------------------------------------------------


def feedback_summary(review: Review) -> dict:
    """Averages and comments, never tied to names."""
    summary = ReviewFeedback.objects.filter(review=review).aggregate(
        count=Count("pk"), blameless=Avg("blameless"), useful=Avg("useful")
    )
    summary["comments"] = list(
        ReviewFeedback.objects.filter(review=review).exclude(comment="").order_by("?").values_list("comment", flat=True)
    )
    return summary
