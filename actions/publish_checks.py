"""What actions adds to the checks a review must pass before it is published."""

from django.db.models import Q

from actions.models import ActionItem, ActionStatus
from actions.remedies import is_null_remedy


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
