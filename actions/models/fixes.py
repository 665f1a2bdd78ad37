"""The systemic fix an incident owes: its obligation, the stage it is in, and flags that it may not have held."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit.models import recorded_person
from incidents.models import Incident


class ObligationState(models.TextChoices):
    """The 48-hour commitment. "Met" means a fix is committed; whether it landed and held is ``Stage``."""

    PENDING = "pending", "Pending"
    MET = "met", "Committed"
    BREACHED = "breached", "Breached"
    CANCELLED = "cancelled", "Cancelled"


class Stage(models.TextChoices):
    """Where an incident's systemic fix is in its life: what every page and message calls it."""

    OWED = "owed", "Owed"
    COMMITTED = "committed", "Committed"
    LANDED = "landed", "Landed"
    MAY_NOT_HAVE_HELD = "may_not_have_held", "May not have held"
    HELD = "held", "Held"
    DID_NOT_HOLD = "did_not_hold", "Did not hold"
    NOT_NEEDED = "not_needed", "Not needed"


class RecurrenceState(models.TextChoices):
    OPEN = "open", "May not have held"
    CONFIRMED = "confirmed", "Did not hold"
    DISMISSED = "dismissed", "Dismissed"


class FixObligation(models.Model):
    """The systemic fix an incident owes within ``SYSTEMIC_FIX_HOURS`` of mitigation.

    It belongs to the incident's responders together; nobody is named as its cause.
    ``next_check_at`` is the next moment something may be due (a reminder, the
    escalation, a daily repeat); the sweep only looks at rows whose moment has come.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="fix_obligation")
    starts_at = models.DateTimeField()
    deadline = models.DateTimeField()
    state = models.CharField(max_length=20, choices=ObligationState.choices, default=ObligationState.PENDING)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey("actions.ActionItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    breached_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    # After commitment: the fix must land by its item's due date (the midnight after it).
    landing_due_at = models.DateTimeField(null=True, blank=True)
    landed_at = models.DateTimeField(null=True, blank=True)
    # The first breach stays in the figures even when the mitigation time is moved afterwards.
    first_breached_at = models.DateTimeField(null=True, blank=True)
    breach_count = models.PositiveIntegerField(default=0)
    # Set when a fix that landed did not hold: a new systemic fix is owed, on a clock from this moment.
    reopened_at = models.DateTimeField(null=True, blank=True)
    # A row whose processing keeps failing is pushed back rather than retried every minute.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["deadline"]),
            models.Index(
                fields=["next_check_at"],
                name="obligation_check_due_idx",
                condition=Q(state__in=["pending", "breached", "met"], next_check_at__isnull=False),
            ),
            # The fixes still owed, soonest first (my work): a few dozen among every incident's obligation.
            models.Index(
                fields=["deadline"], name="obligation_owed_idx", condition=Q(state__in=["pending", "breached"])
            ),
        ]

    def __str__(self) -> str:
        return f"Systemic fix for {self.incident}"

    @property
    def is_open(self) -> bool:
        return self.state in (ObligationState.PENDING, ObligationState.BREACHED)

    @property
    def awaits_landing(self) -> bool:
        return self.state == ObligationState.MET and self.landed_at is None

    def stage(self, now: datetime | None = None) -> str:
        """Owed, committed, landed, may not have held, held or did not hold; read from the fix's flags.

        A landed fix counts as held once ``FIX_HELD_AFTER_DAYS`` pass with no recurrence left undecided.
        """
        if self.state == ObligationState.CANCELLED:
            return Stage.NOT_NEEDED
        if self.state != ObligationState.MET or self.met_by_id is None:
            return Stage.OWED
        if self.landed_at is None:
            return Stage.COMMITTED
        flags = {flag.state for flag in self.met_by.recurrence_flags.all()}
        if RecurrenceState.CONFIRMED in flags:
            return Stage.DID_NOT_HOLD
        if RecurrenceState.OPEN in flags:
            return Stage.MAY_NOT_HAVE_HELD
        return Stage.HELD if (now or timezone.now()) >= self.held_at else Stage.LANDED

    @property
    def held_at(self) -> datetime | None:
        """When a landed fix counts as held, if no recurrence is left undecided by then."""
        return self.landed_at + timedelta(days=settings.FIX_HELD_AFTER_DAYS) if self.landed_at else None

    def landing_overdue(self, now: datetime | None = None) -> bool:
        return (
            self.awaits_landing and self.landing_due_at is not None and (now or timezone.now()) >= self.landing_due_at
        )

    def display_state(self, now: datetime | None = None) -> str:
        """What people see: a pending obligation past its deadline is breached even before the sweep runs."""
        now = now or timezone.now()
        if self.state == ObligationState.PENDING and now >= self.deadline:
            return ObligationState.BREACHED
        return self.state

    def breached_from(self, now: datetime | None = None) -> datetime | None:
        """From when ``display_state`` says breached: the deadline while pending, ``now`` once the breach is recorded,
        None while time alone cannot make it so."""
        if self.state == ObligationState.BREACHED:
            return now or timezone.now()
        return self.deadline if self.state == ObligationState.PENDING else None

    def held_from(self, now: datetime | None = None) -> datetime | None:
        """From when ``stage`` says held with no write in between: ``held_at`` while it says landed or held, None
        in every other stage."""
        return self.held_at if self.stage(now) in (Stage.LANDED, Stage.HELD) else None

    def breached_since(self) -> datetime:
        return self.breached_at or self.deadline

    def time_left(self, now: datetime | None = None) -> timedelta:
        return self.deadline - (now or timezone.now())

    @property
    def met_on_time(self) -> bool:
        return bool(self.met_at and self.met_at <= self.deadline)


class RecurrenceFlag(models.Model):
    """A later incident or near miss has a factor of the same category and service as one a landed fix addressed.

    The facilitator decides: confirmed (the fix did not hold; a new systemic fix is owed) or dismissed with a reason.
    """

    fix = models.ForeignKey("actions.ActionItem", on_delete=models.CASCADE, related_name="recurrence_flags")
    earlier_factor = models.ForeignKey("postmortems.ContributingFactor", on_delete=models.CASCADE, related_name="+")
    later_factor = models.ForeignKey(
        "postmortems.ContributingFactor", on_delete=models.CASCADE, related_name="recurrence_flags"
    )
    state = models.CharField(max_length=10, choices=RecurrenceState.choices, default=RecurrenceState.OPEN)
    reason = models.TextField(blank=True)
    decided_by = recorded_person()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fix", "later_factor"], name="flag_a_recurrence_once"),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | ~Q(reason=""), name="dismissed_recurrence_needs_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fix} may not have held"
