"""Null remedies: an action item that only appeals to people's attention is not a fix.

The rules live in the language guide (``postmortems.language``); this module only
turns its finding into the explanation people see when such an item is refused.
"""

from postmortems.language import find_attention_remedy


def attention_remedy_error(title: str, description: str = "") -> str | None:
    """Why this item is refused as a null remedy, with examples of system changes; None when it is fine."""
    for text in (title or "", description or ""):
        flag = find_attention_remedy(text)
        if flag is not None:
            return f"“{flag.excerpt}” is an appeal to attention, not a fix. {flag.why} {flag.suggestion}"
    return None


def is_null_remedy(title: str, description: str = "") -> bool:
    return attention_remedy_error(title, description) is not None


def review_without_a_system_change(review) -> list[str]:
    """Publishing blocker: every review produces at least one concrete change to the system.

    Any kind counts (tests, guardrails, tooling, documentation, process, architecture, signals)
    as long as it is not an appeal to attention and not set aside as "won't do".
    """
    from django.db.models import Q

    from actions.models import ActionItem, ActionStatus

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
