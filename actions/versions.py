"""Which versions a change in the actions app raises (see ``fragments.versions``).

``actions`` for the action-item lists and "my work"; the incident and the review an item belongs to
show it in their panels (``review-actions:<pk>``: the review's panel alone); ``inbox:<person>`` is the
unread count in that person's header.
"""

from fragments.versions import bump_on_change


def _item(item, **kwargs):
    return [
        "actions",
        f"incident:{item.incident_id}" if item.incident_id else "",
        *_review(item.review_id),
    ]


def _review(review_id) -> list[str]:
    return [f"review:{review_id}", f"review-actions:{review_id}"] if review_id else []


def _obligation(obligation, **kwargs):
    return ["actions", f"incident:{obligation.incident_id}"]


def _flag(flag, **kwargs):
    # Whether a landed fix held shows on the incident it was the fix for, and on both reviews.
    from actions.models import ActionItem
    from postmortems.models import ContributingFactor

    fix = ActionItem.all_objects.filter(pk=flag.fix_id).values("incident_id", "review_id").first() or {}
    later = ContributingFactor.all_objects.filter(pk=flag.later_factor_id).values_list("review_id", flat=True)
    return ["actions", *(_item(ActionItem(**fix)) if fix else []), *_review(later.first())]


def _notification(note, **kwargs):
    return [f"inbox:{note.recipient_id}"]


def connect() -> None:
    from actions.models import ActionItem, FixObligation, Notification, RecurrenceFlag

    bump_on_change(ActionItem, _item, m2m=["addresses"])
    bump_on_change(FixObligation, _obligation)
    bump_on_change(Notification, _notification)
    bump_on_change(RecurrenceFlag, _flag)
