"""Follow-through: action items, the systemic-fix obligation, reminders and notifications.

Deadlines and "already sent" records live here in PostgreSQL, never as broker ETAs:
the sweep (``actions.sweep``) reads what is due from these tables, so a lost
message is made up on the next run and overlapping sweeps are harmless.
"""

from actions.models.fixes import (
    FixObligation,
    ObligationState,
    RecurrenceFlag,
    RecurrenceState,
    Stage,
)
from actions.models.forge import Forge, ForgeDelivery, ForgeSecret
from actions.models.items import (
    OPEN_STATUSES,
    PRIORITY_ORDER,
    SYSTEMIC_KINDS,
    ActionItem,
    ActionItemQuerySet,
    ActionKind,
    ActionStatus,
    LandingSource,
    Priority,
    change_key,
    start_of_day_after,
)
from actions.models.notifications import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationQuerySet,
    SentReminder,
    TeamChatHook,
)

__all__ = [
    "ActionItem",
    "ActionItemQuerySet",
    "ActionKind",
    "ActionStatus",
    "Delivery",
    "DeliveryChannel",
    "DeliveryState",
    "FixObligation",
    "Forge",
    "ForgeDelivery",
    "ForgeSecret",
    "LandingSource",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "NotificationQuerySet",
    "OPEN_STATUSES",
    "ObligationState",
    "PRIORITY_ORDER",
    "Priority",
    "RecurrenceFlag",
    "RecurrenceState",
    "SYSTEMIC_KINDS",
    "SentReminder",
    "Stage",
    "TeamChatHook",
    "change_key",
    "start_of_day_after",
]
