"""Publishing a review: the gate before it, and keeping what was published as it was.

Publishing takes a snapshot of everything the review shows, the incident's facts and timeline
included. The published page and the exports read the timeline and the facts from the snapshot, so
a later edit of the incident never changes them silently: it is recorded as a dated ``Amendment``
and listed beside the published text.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import Action
from audit.registry import record as audit_record
from fragments import versions
from incidents.models import Incident, Status, TimelineEntry
from postmortems import events, live
from postmortems.models import SECTION_TEXTS, Amendment, Perspective, Review, ReviewStatus
from postmortems.review_language import open_flags, unchecked_texts
from postmortems.search import index_for_search

# Other apps may add checks that must pass before a review is published (the actions app adds
# "at least one systemic action item"): each takes a review and returns a list of blocking messages.
PUBLISH_CHECKS: list = []


def register_publish_check(check) -> None:
    """Add a check every review must pass before publishing (once, however often it is registered)."""
    if check not in PUBLISH_CHECKS:
        PUBLISH_CHECKS.append(check)


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
    unchecked = len(unchecked_texts(review))
    if unchecked:
        blockers.append(
            f"{unchecked} text{'s' if unchecked != 1 else ''} not checked: the language guide reads English only. "
            "Add an English version, or ask a reader of that language to look at it."
        )
    for check_fn in PUBLISH_CHECKS:
        blockers.extend(check_fn(review))
    return blockers


@transaction.atomic
def publish(review: Review) -> None:
    """Publish the review (read-only from now on), keep its snapshot and mark the incident reviewed."""
    review = Review.objects.select_for_update(of=("self",)).select_related("incident").get(pk=review.pk)
    blockers = publish_blockers(review)
    if blockers:
        raise ValidationError(blockers)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.published_snapshot = snapshot_of(review)
    index_for_search(review)
    review.save(
        update_fields=["status", "published_at", "published_snapshot", "search_title", "search_document", "updated_at"]
    )
    if review.incident_id and review.incident.status != Status.REVIEWED:
        Incident.objects.filter(pk=review.incident_id).update(
            status=Status.REVIEWED, updated_at=timezone.now(), version=F("version") + 1
        )
        versions.bump("incidents", f"incident:{review.incident_id}")
        audit_record(
            review.incident, Action.CHANGED, {"status": [review.incident.get_status_display(), Status.REVIEWED.label]}
        )
    live.bump(review.pk, "agenda")
    transaction.on_commit(lambda: events.review_published.send(sender=Review, review=review), robust=True)


# --- the snapshot ------------------------------------------------------------------------------

# The incident's facts a review shows, as kept in the snapshot and compared for amendments.
INCIDENT_FACTS = {
    "title": "Title",
    "severity": "Severity",
    "summary": "Summary",
    "customer_impact": "Customer impact",
    "impact_started_at": "Impact started",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
}


def _stamp(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def incident_facts(incident: Incident) -> dict:
    facts = {name: _stamp(getattr(incident, name)) for name in INCIDENT_FACTS}
    facts["number"] = incident.pk
    facts["severity_label"] = incident.get_severity_display()
    return facts


def timeline_entry_facts(entry: TimelineEntry) -> dict:
    return {
        "id": entry.pk,
        "occurred_at": _stamp(entry.occurred_at),
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "text": entry.text,
        "known_then": entry.known_then,
        "missing_then": entry.missing_then,
        "link": entry.link,
    }


def snapshot_of(review: Review) -> dict:
    """Everything the review shows, as plain data: facts, sections, timeline, factors, perspectives."""
    perspectives = []
    if review.perspectives_revealed:
        for perspective in review.perspectives.select_related("author"):
            if perspective.is_empty:
                continue
            item = {"author_id": perspective.author_id, "author": perspective.author.name}
            for name in Perspective.TEXT_FIELDS:
                item[name] = getattr(perspective, name)
                item[f"{name}_html"] = getattr(perspective, f"{name}_html")
            perspectives.append(item)
    factors = [
        {
            "id": factor.pk,
            "description": factor.description,
            "description_html": factor.description_html,
            "category": factor.category.name,
            "depth": factor.depth,
            "depth_label": factor.get_depth_display(),
            "service": factor.service.name if factor.service else "",
            "timeline": [entry.pk for entry in factor.timeline_entries.all()],
        }
        for factor in review.factors.select_related("category", "service").prefetch_related("timeline_entries")
    ]
    return {
        "title": review.title,
        "incident": incident_facts(review.incident) if review.incident_id else None,
        "near_miss": (
            {"number": review.near_miss_id, "filed_on": review.near_miss.filed_on.isoformat()}
            if review.near_miss_id
            else None
        ),
        "team": review.team.name if review.team_id else "",
        "facilitator_id": review.facilitator_id,
        "facilitator": review.facilitator.name if review.facilitator_id else "",
        "participants": [{"id": p.pk, "name": p.name} for p in review.participants.all()],
        "sections": {
            name: {"heading": heading, "text": getattr(review, name), "html": getattr(review, f"{name}_html")}
            for name, heading in SECTION_TEXTS.items()
        },
        "timeline": [timeline_entry_facts(entry) for entry in review.incident.timeline.all()]
        if review.incident_id
        else [],
        "factors": factors,
        "opportunities": [opportunity.question for opportunity in review.opportunities.all()],
        "perspectives": perspectives,
    }


class PublishedEntry:
    """A timeline entry as it was published (what the review page's timeline shows)."""

    def __init__(self, facts: dict):
        self.pk = facts["id"]
        self.occurred_at = parse_datetime(facts["occurred_at"])
        self.kind = facts["kind"]
        self.text = facts["text"]
        self.known_then = facts["known_then"]
        self.missing_then = facts["missing_then"]
        self.link = facts.get("link", "")
        self.kind_label = facts["kind_label"]  # as published, whatever the kinds are called since
        self.flags: list = []

    def get_kind_display(self) -> str:
        return self.kind_label


def published_timeline(review: Review) -> list[PublishedEntry]:
    return [PublishedEntry(facts) for facts in review.published_snapshot.get("timeline", [])]


@dataclass(frozen=True)
class PublishedPerson:
    """Someone as the published review named them (a later change of name does not reach it)."""

    pk: int | None
    name: str


class PublishedPerspective:
    """A perspective as it was published: its author's name and its texts from the snapshot."""

    def __init__(self, facts: dict):
        self.author_id = facts.get("author_id")
        self.author = PublishedPerson(self.author_id, facts.get("author", ""))
        for name in Perspective.TEXT_FIELDS:
            setattr(self, name, facts.get(name, ""))
            setattr(self, f"{name}_html", facts.get(f"{name}_html", ""))
        self.is_empty = False  # empty perspectives are not kept


def published_perspectives(review: Review) -> list[PublishedPerspective]:
    return [PublishedPerspective(facts) for facts in review.published_snapshot.get("perspectives", [])]


@dataclass(frozen=True)
class PublishedName:
    name: str


class PublishedFactor:
    """A contributing factor as it was published: its category, depth and service by their names then."""

    def __init__(self, facts: dict, entries: dict[int, PublishedEntry]):
        self.pk = facts["id"]
        self.category = PublishedName(facts["category"])
        self.depth = facts["depth"]
        self._depth_label = facts["depth_label"]
        self.service = PublishedName(facts["service"]) if facts.get("service") else None
        self.description = facts["description"]
        self.description_html = facts["description_html"]
        self.linked_entries = [entries[pk] for pk in facts.get("timeline", []) if pk in entries]
        self.flags: list = []
        self.form = None

    def get_depth_display(self) -> str:
        return self._depth_label


def published_factors(review: Review) -> list[PublishedFactor]:
    entries = {entry.pk: entry for entry in published_timeline(review)}
    return [PublishedFactor(facts, entries) for facts in review.published_snapshot.get("factors", [])]


@dataclass
class PublishedOpportunity:
    question: str
    flags: list


def published_opportunities(review: Review) -> list[PublishedOpportunity]:
    return [PublishedOpportunity(question, []) for question in review.published_snapshot.get("opportunities", [])]


def published_section(review: Review, name: str) -> dict:
    """A section's text and HTML as published: ``{"heading", "text", "html"}``."""
    return review.published_snapshot.get("sections", {}).get(name, {})


def published_participants(review: Review) -> list[PublishedPerson]:
    return [
        PublishedPerson(person["id"], person["name"]) for person in review.published_snapshot.get("participants", [])
    ]


def published_facilitator(review: Review) -> PublishedPerson | None:
    snapshot = review.published_snapshot
    if not snapshot.get("facilitator"):
        return None
    return PublishedPerson(snapshot.get("facilitator_id"), snapshot["facilitator"])


# --- amendments -------------------------------------------------------------------------------


def _published_review_id(incident_id: int) -> int | None:
    return (
        Review.objects.filter(incident_id=incident_id, status=ReviewStatus.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )


def _at(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return f"{moment:%-d %b %Y %H:%M} UTC" if moment else "none"


def _quote(text: str) -> str:
    text = " ".join((text or "").split())
    return f"“{text[:200]}{'…' if len(text) > 200 else ''}”" if text else "(empty)"


def amend_for_timeline_entry(entry: TimelineEntry, *, removed: bool = False) -> Amendment | None:
    """Record a change to a published review's timeline: an entry added, edited or removed."""
    review_id = _published_review_id(entry.incident_id)
    if review_id is None:
        return None
    published = {
        facts["id"]: facts for facts in Review.objects.get(pk=review_id).published_snapshot.get("timeline", [])
    }
    before = published.get(entry.pk)
    # Compare with the entry as last amended, not only as published, so each amendment says what changed.
    last = Amendment.objects.filter(review_id=review_id, timeline_entry_pk=entry.pk).order_by("-made_at", "-pk").first()
    if last is not None:
        before = last.entry_as_amended
    when = _at(entry.occurred_at)
    gone = removed or entry.deleted_at is not None
    if gone:
        if before is None:
            return None
        change, after = f"Timeline entry at {when} removed (it read {_quote(before['text'])}).", None
    else:
        after = timeline_entry_facts(entry)
        if before is None:
            change = f"Timeline entry at {when} added: {_quote(entry.text)}."
        else:
            changed = [
                f"{label} {_quote(before[name]) if name != 'occurred_at' else _at(before[name])} → "
                f"{_quote(after[name]) if name != 'occurred_at' else _at(after[name])}"
                for name, label in (
                    ("occurred_at", "time"),
                    ("kind_label", "kind"),
                    ("text", "text"),
                    ("known_then", "known then"),
                    ("missing_then", "missing then"),
                )
                if before.get(name) != after[name]
            ]
            if not changed:
                return None
            change = f"Timeline entry at {when} changed: {'; '.join(changed)}."
    return Amendment.objects.create(
        review_id=review_id, change=change, timeline_entry_pk=entry.pk, entry_as_amended=after
    )


def amend_for_incident(incident: Incident, before: dict) -> Amendment | None:
    """Record changes to the incident's facts that a published review showed (``before``: facts as stored)."""
    review_id = _published_review_id(incident.pk)
    if review_id is None:
        return None
    after = incident_facts(incident)
    changed = []
    for name, label in INCIDENT_FACTS.items():
        old, new = _stamp(before.get(name)), after[name]
        if old == new:
            continue
        if name.endswith("_at"):
            changed.append(f"{label}: {_at(old)} → {_at(new)}")
        elif name == "severity":
            changed.append(f"{label}: {old.upper() if old else 'none'} → {new.upper()}")
        else:
            changed.append(f"{label}: {_quote(old)} → {_quote(new)}")
    if not changed:
        return None
    return Amendment.objects.create(review_id=review_id, change=f"Incident {'; '.join(changed)}.")
