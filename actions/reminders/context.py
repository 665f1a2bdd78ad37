"""What one sweep carries along: its report, what it reads once, and who may be told about an incident."""

from dataclasses import dataclass, field

from accounts.models import User
from actions.notify import email_opt_outs, enabled_chat_hooks
from incidents.models import Incident


@dataclass
class SweepReport:
    obligations_checked: int = 0
    obligation_reminders: int = 0
    overdue_reminders: int = 0
    digests: int = 0
    deliveries_sent: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def reminders(self) -> int:
        return self.obligation_reminders + self.overdue_reminders + self.digests


@dataclass
class SweepContext:
    """What one sweep reads once instead of once per reminder: email opt-outs and team chat hooks."""

    opt_outs: set[int]
    hooks: dict[int, str]

    @classmethod
    def load(cls) -> "SweepContext":
        return cls(opt_outs=email_opt_outs(), hooks=enabled_chat_hooks())


def may_see(person: User, incident: Incident) -> bool:
    return incident.is_visible_to(person)
