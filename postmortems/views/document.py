"""Building what the review page shows: sections with their language notes, factors, perspectives."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from incidents.models import TimelineEntry
from postmortems import publishing, review_language
from postmortems.forms import SectionForm
from postmortems.language import reading_of
from postmortems.models import SECTION_TEXTS, ContributingFactor, Review


def page_versions(pk) -> list[str]:
    """What the review and meeting pages show, named from the review alone: the review, each list of its
    document (``postmortems.versions.document_part``), its action items and the choices its factor forms offer.
    Their page's ETag is made of them, and its fragments find their numbers read with it."""
    parts = ("factors", "opportunities", "notes", "actions")
    return [f"review:{pk}", *(f"review-{part}:{pk}" for part in parts), "factor-choices"]


def incident_versions(review: Review) -> list[str]:
    """What the review's fragments show of its incident (its facts, its timeline), and ``actions``, under which
    the action items' panel keeps which recurrence flags concern the review."""
    incident = [f"incident:{review.incident_id}", f"timeline:{review.incident_id}"] if review.incident_id else []
    return [*incident, "actions"]


@dataclass
class SectionView:
    """One text section of the write-up as the page shows it."""

    name: str
    heading: str
    text: str
    html: str
    version: int
    flags: list
    form: SectionForm | None = None
    theirs: str | None = None  # the stored text, when a save conflicted with it
    help: str = ""


def visible_flags(text: str, dismissed: set[str]) -> list:
    """Notes on text being typed, read now (the live check while someone writes)."""
    return [flag for flag in review_language.check(text) if flag.key not in dismissed]


def stored_flags(obj, field: str, dismissed: set[str]) -> list:
    """Notes on saved text, as stored when it was saved (never read again on a page render)."""
    return [flag for flag in reading_of(obj, field).flags if flag.key not in dismissed]


def _is_fixed(review: Review) -> bool:
    """Published with a snapshot: the page shows the snapshot, never the rows as they are now."""
    return review.is_published and bool(review.published_snapshot)


def section_view(review: Review, name: str, dismissed: set[str], form=None, theirs=None) -> SectionView:
    if _is_fixed(review):
        published = publishing.published_section(review, name)
        text, html, flags = published.get("text", ""), published.get("html", ""), []
    else:
        text, html, flags = (
            getattr(review, name),
            getattr(review, f"{name}_html"),
            stored_flags(review, name, dismissed),
        )
    return SectionView(
        name=name,
        heading=SECTION_TEXTS[name],
        text=text,
        html=html,
        version=review.section_version(name),
        flags=flags,
        form=form,
        theirs=theirs,
        help=Review._meta.get_field(name).help_text,
    )


def edit_form(review: Review, name: str) -> SectionForm:
    return SectionForm(
        section=name,
        review=review,
        initial={"text": getattr(review, name), "version": review.section_version(name)},
        prefix=name,
    )


def factors_with_flags(review: Review, dismissed: set[str]) -> list:
    if _is_fixed(review):
        return publishing.published_factors(review)
    factors = list(review.factors.select_related("category", "service"))
    linked = linked_entries([factor.pk for factor in factors])
    for factor in factors:
        factor.flags = stored_flags(factor, "description", dismissed)
        factor.linked_entries = linked.get(factor.pk, [])
    return factors


@dataclass(frozen=True)
class LinkedEntry:
    """A timeline entry a factor was seen in, as the factor shows it: a link to the entry at its time."""

    pk: int
    occurred_at: datetime


def linked_entries(factor_pks: list[int]) -> dict[int, list[LinkedEntry]]:
    """The live timeline entries each factor is linked to, in time order. Written out by hand: the ORM's prefetch
    built every linked entry whole (its texts and stored notes) to show its time, and cost more than the query."""
    if not factor_pks:
        return {}
    quote = connection.ops.quote_name
    links = quote(ContributingFactor.timeline_entries.through._meta.db_table)
    entries = quote(TimelineEntry._meta.db_table)
    found: dict[int, list[LinkedEntry]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.contributingfactor_id, e.id, e.occurred_at FROM {links} l JOIN {entries} e"  # noqa: S608
            " ON e.id = l.timelineentry_id WHERE l.contributingfactor_id = ANY(%s) AND e.deleted_at IS NULL"
            " ORDER BY e.occurred_at, e.id",
            [factor_pks],
        )
        for factor_pk, pk, occurred_at in cursor.fetchall():
            found.setdefault(factor_pk, []).append(LinkedEntry(pk, occurred_at))
    return found


def timeline_with_flags(review: Review, dismissed: set[str]) -> list:
    if not review.incident_id:
        return []
    if _is_fixed(review):
        # The timeline as published; later changes are listed as amendments beside it.
        return publishing.published_timeline(review)
    entries = list(review.incident.timeline.all())
    for entry in entries:
        entry.flags = [
            flag for field in ("text", "known_then", "missing_then") for flag in stored_flags(entry, field, dismissed)
        ]
    return entries


def opportunities_with_flags(review: Review, dismissed: set[str]) -> list:
    if _is_fixed(review):
        return publishing.published_opportunities(review)
    opportunities = list(review.opportunities.all())
    for opportunity in opportunities:
        opportunity.flags = stored_flags(opportunity, "question", dismissed)
    return opportunities
