"""Saving what people write in a review without losing anyone's words: sections, factors,
opportunities, perspectives and who takes part, each checked against the version it was based on."""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from postmortems import live
from postmortems.models import SECTION_TEXTS, AgendaSection, ContributingFactor, Perspective, Review


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
    factor.save()  # raises the version
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
    texts = {name: data.get(name, "") for name in Perspective.TEXT_FIELDS}
    perspective, created = Perspective.objects.select_for_update().get_or_create(
        review=review, author=author, defaults=texts
    )
    if not created:
        if perspective.version != base_version:
            return SaveResult(
                saved=False,
                version=perspective.version,
                current={name: getattr(perspective, name) for name in Perspective.TEXT_FIELDS},
            )
        for name, text in texts.items():
            setattr(perspective, name, text)
        perspective.save()  # raises the version
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
