"""Null remedies: an action item that only appeals to people's attention is not a fix.

The rules live in the language guide (``postmortems.language``, the same engine that reads
blame); this module turns its finding into the verdict and explanation people see when such
an item is refused: in the action-item form, in the meeting's quick capture, and in any API.
"""

from dataclasses import dataclass

from django.db.models import Q

from actions.models import ActionItem, ActionStatus
from postmortems.language import find_attention_remedy
from postmortems.services import ReviewText


@dataclass(frozen=True)
class RemedyVerdict:
    """Whether an action item is refused as a null remedy, and why, with a better framing."""

    refused: bool
    excerpt: str = ""
    explanation: str = ""
    suggestion: str = ""
    rewrite: str = ""


def check_remedy(title: str, description: str = "") -> RemedyVerdict:
    """The one null-remedy check: refuse an action whose substance is people's attention, knowledge or standing.

    Reads the title, then the description. A refused verdict carries the words concerned, why
    they are not a fix, what kind of change would be, and (when one fits) a rewrite of the title.
    """
    for text in (title or "", description or ""):
        flag = find_attention_remedy(text)
        if flag is not None:
            return RemedyVerdict(
                refused=True,
                excerpt=flag.excerpt,
                explanation=f"“{flag.excerpt}” is an appeal to attention, not a fix. {flag.why}",
                suggestion=flag.suggestion,
                rewrite=flag.rewrite,
            )
    return RemedyVerdict(refused=False)


def attention_remedy_error(title: str, description: str = "") -> str | None:
    """Why this item is refused as a null remedy, with examples of system changes; None when it is fine."""
    verdict = check_remedy(title, description)
    if not verdict.refused:
        return None
    instead = (
        f" For example: “{verdict.rewrite}”" if verdict.rewrite and verdict.rewrite.startswith(("Make", "Add")) else ""
    )
    return f"{verdict.explanation} {verdict.suggestion}{instead}"


def is_null_remedy(title: str, description: str = "") -> bool:
    return check_remedy(title, description).refused


def action_item_texts(review) -> list:
    """The action items' titles and descriptions, as texts the published review shows."""
    subject = Q(review=review)
    if review.incident_id:
        subject |= Q(incident_id=review.incident_id)
    items = ActionItem.objects.filter(subject).order_by("pk")
    return [
        ReviewText(f"Action item “{item.title[:60]}”", f"action-{item.pk}", item, field)
        for item in items
        for field in ("title", "description")
    ]


def review_without_a_system_change(review) -> list[str]:
    """Publishing blocker: every review produces at least one concrete change to the system.

    Any kind counts (tests, guardrails, tooling, documentation, process, architecture, signals)
    as long as it is not an appeal to attention and not set aside as "won't do".
    """

    subject = Q(review=review)
    if review.incident_id:
        subject |= Q(incident_id=review.incident_id)
    candidates = ActionItem.objects.filter(subject).exclude(status=ActionStatus.WONT_DO).only("title", "description")
    if any(not is_null_remedy(item.title, item.description) for item in candidates):
        return []
    return [
        "No concrete change to the system yet: add at least one action item (a test, a guardrail, a tooling, "
        "documentation or process change, better signals) before publishing. “Be more careful” is not a fix."
    ]
