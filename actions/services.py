"""Small rules around saving action items that the views share."""

from actions.models import ActionItem, NotificationKind
from actions.notify import notify


def tell_new_owner(item: ActionItem, previous_owner_id: int | None, changed_by) -> bool:
    """Let a person know an action item became theirs (not when they took it themselves). True when told."""
    if item.owner_id is None or item.owner_id == previous_owner_id or item.owner_id == getattr(changed_by, "pk", None):
        return False
    source = f" from “{item.incident.title}”" if item.incident_id else ""
    told = notify(
        item.owner,
        NotificationKind.ACTION_ASSIGNED,
        f"An action item{source} is now yours: “{item.title}”",
        "You make sure this change lands. If it cannot, say so on the item: move the due date, "
        "or close it as won't do with a reason.",
        item.get_absolute_url(),
        item.incident,
    )
    return told is not None
