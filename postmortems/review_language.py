"""The language guide over the whole review: every text it will show, the notes still open, dismissing one."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from postmortems.language import RULES, Flag, check_text, directory_names, reading_of
from postmortems.models import SECTION_TEXTS, FlagDismissal, Perspective, Review

# Other apps' texts that the published review shows: each provider takes a review and returns ``ReviewText``s.
REVIEW_TEXT_PROVIDERS: list = []


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
