"""What actions adds to a review's publishing: the texts it shows, and the check that a system change exists."""

from django.db.models import Q

from actions.models import ActionItem, ActionStatus
from actions.remedies import is_null_remedy
from postmortems.review_language import ReviewText


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
