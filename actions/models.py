"""Follow-through: action items, the systemic-fix obligation, reminders and notifications.

Deadlines and "already sent" records live here in PostgreSQL, never as broker ETAs:
the sweep (``actions.sweep``) reads what is due from these tables, so a lost
message is made up on the next run and overlapping sweeps are harmless.
"""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team
from audit.models import LiveManager, SoftDeletable
from incidents.models import Incident
from markup.fields import RenderedMarkdownField
from markup.notes import LanguageNotesField


class ActionKind(models.TextChoices):
    TEST = "test", "Test"
    GUARDRAIL = "guardrail", "Guardrail"
    TOOLING = "tooling", "Tooling"
    OBSERVABILITY = "observability", "Observability"
    ARCHITECTURE = "architecture", "Architecture"
    DOCUMENTATION = "documentation", "Documentation"
    PROCESS = "process", "Process"


# Kinds that change the system itself; only these can meet the systemic-fix obligation.
SYSTEMIC_KINDS = frozenset(
    {ActionKind.TEST, ActionKind.GUARDRAIL, ActionKind.TOOLING, ActionKind.OBSERVABILITY, ActionKind.ARCHITECTURE}
)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


def start_of_day_after(day: date) -> datetime:
    """The moment a due date has passed (midnight after it, in the site's zone)."""
    zone = timezone.get_default_timezone()
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)


class LandingSource(models.TextChoices):
    GITHUB = "github", "GitHub pull request merged"
    GITLAB = "gitlab", "GitLab merge request merged"
    OWNER = "owner", "Marked done by its owner"


def change_key(url: str) -> str:
    """A change link reduced to what identifies the change, so a forge's URL of a merged change finds it.

    ``https://GitHub.com/acme/shop/pull/42/files?w=1#diff`` and ``https://github.com/acme/shop/pull/42``
    are the same pull request; so are GitLab's ``…/-/merge_requests/7/diffs`` and ``…/-/merge_requests/7``.
    """
    parts = urlsplit((url or "").strip())
    if not parts.netloc:
        return ""
    path = parts.path.rstrip("/")
    path = re.sub(r"/(pull|merge_requests)/(\d+)/(files|commits|checks|diffs|changes|pipelines)$", r"/\1/\2", path)
    return f"{parts.netloc.lower()}{path}"[:500]


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionItemQuerySet":
        """Action items of incidents this person may see (restricted incidents stay hidden)."""
        return self.exclude(incident__in=Incident.all_objects.hidden_from(user).values("pk"))

    def still_open(self) -> "ActionItemQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> "ActionItemQuerySet":
        today = today or timezone.localdate()
        return self.still_open().filter(due_on__lt=today)

    def systemic_candidates(self) -> "ActionItemQuerySet":
        """Items that may meet an obligation; the null-remedy check happens in Python on these few."""
        return (
            self.filter(kind__in=SYSTEMIC_KINDS, owner__isnull=False)
            .exclude(change_url="")
            .exclude(status=ActionStatus.WONT_DO)
            .exclude(recurrence_flags__state=RecurrenceState.CONFIRMED)
        )


class ActionItem(SoftDeletable):
    """A concrete change to the system that came out of an incident or its review."""

    title = models.CharField(
        max_length=200, help_text="The change to the system, e.g. “Add a canary check to the payments deploy”."
    )
    description = models.TextField(
        blank=True, help_text="What the change is and how it prevents this class of failure. Markdown works."
    )
    description_html = RenderedMarkdownField(source="description")
    language_notes = LanguageNotesField(sources=("title", "description"))
    kind = models.CharField(max_length=20, choices=ActionKind.choices, default=ActionKind.TEST)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="Who makes sure this lands (not who caused anything).",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="action_items")
    due_on = models.DateField("due date", null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    wont_do_reason = models.TextField("why we won't do it", blank=True)
    change_url = models.URLField(
        "link to the change",
        max_length=500,
        blank=True,
        help_text="The pull request, ticket or design document that makes the change.",
    )
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items")
    review = models.ForeignKey(
        "postmortems.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    addresses = models.ManyToManyField(
        "postmortems.ContributingFactor",
        blank=True,
        related_name="action_items",
        verbose_name="contributing factors it addresses",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the owner is next reminded of an overdue item; derived from due_on and cleared once closed.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The change link reduced for matching a forge's merged change (see ``change_key``).
    change_key = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    landed_at = models.DateTimeField(
        "landed",
        null=True,
        blank=True,
        help_text="When the change was merged or shipped, as the forge or its owner said.",
    )
    landed_via = models.CharField(max_length=10, choices=LandingSource.choices, blank=True)
    landing_evidence_url = models.URLField(
        "evidence that it landed",
        max_length=500,
        blank=True,
        help_text="The merged change, the release or the deploy that shipped it.",
    )

    objects = LiveManager.from_queryset(ActionItemQuerySet)()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["incident", "kind"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["team", "status", "due_on"]),
            models.Index(
                fields=["next_reminder_at"],
                name="action_reminder_due_idx",
                condition=Q(status__in=["open", "in_progress"], next_reminder_at__isnull=False),
            ),
            # The action-item list: open items by due date, and their count read from the index alone
            # (incident_id for the visibility test; a key column, as SQLite has no INCLUDE).
            models.Index(
                fields=["due_on", "id", "incident"],
                name="action_open_by_due_idx",
                condition=Q(status__in=["open", "in_progress"], deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="wont_do") | ~Q(wont_do_reason=""), name="wont_do_needs_a_reason"
            ),
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(review__isnull=False), name="action_item_has_a_source"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.review_id and not self.incident_id:
            self.incident_id = self.review.incident_id
        self.change_key = change_key(self.change_url)
        if self.status in OPEN_STATUSES:
            self.completed_at = None
            self.next_reminder_at = start_of_day_after(self.due_on) if self.due_on else None
            if self.next_reminder_at and self.pk:
                # Keep the sweep's "once a day" cursor when an edit leaves the due date alone.
                previous = ActionItem.objects.filter(pk=self.pk).values_list("due_on", "next_reminder_at").first()
                if previous and previous[0] == self.due_on and previous[1] and previous[1] > self.next_reminder_at:
                    self.next_reminder_at = previous[1]
            self.landed_at, self.landed_via = None, ""
        else:
            self.completed_at = self.completed_at or timezone.now()
            self.next_reminder_at = None
            if self.status == ActionStatus.DONE and self.landed_at is None and self.change_url:
                # The owner says it is done: the change landed then, and its link is the evidence.
                self.landed_at, self.landed_via = self.completed_at, LandingSource.OWNER
                self.landing_evidence_url = self.landing_evidence_url or self.change_url
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "completed_at",
                "next_reminder_at",
                "updated_at",
                "language_notes",
                "change_key",
                "landed_at",
                "landed_via",
                "landing_evidence_url",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_systemic(self) -> bool:
        return self.kind in SYSTEMIC_KINDS

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today

    def clean(self) -> None:
        from actions.remedies import attention_remedy_error

        errors = {}
        if self.status == ActionStatus.WONT_DO and not self.wont_do_reason.strip():
            errors["wont_do_reason"] = "Say why we won't do it; everyone sees the reason."
        remedy = attention_remedy_error(self.title, self.description)
        if remedy:
            errors["title"] = remedy
        if errors:
            raise ValidationError(errors)


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
    met_by = models.ForeignKey(ActionItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
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
        now = now or timezone.now()
        if now >= self.landed_at + timedelta(days=settings.FIX_HELD_AFTER_DAYS):
            return Stage.HELD
        return Stage.LANDED

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

    def breached_since(self) -> datetime:
        return self.breached_at or self.deadline

    def time_left(self, now: datetime | None = None) -> timedelta:
        return self.deadline - (now or timezone.now())

    @property
    def met_on_time(self) -> bool:
        return bool(self.met_at and self.met_at <= self.deadline)


class SentReminder(models.Model):
    """Proof that one reminder was issued. Inserted before anything is sent; the unique key makes it once."""

    key = models.CharField(max_length=120, unique=True)
    obligation = models.ForeignKey(
        FixObligation, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class NotificationKind(models.TextChoices):
    FIX_DUE_SOON = "fix_due_soon", "Systemic fix due soon"
    FIX_ESCALATION = "fix_escalation", "Systemic fix past its deadline"
    FIX_STILL_OPEN = "fix_still_open", "Systemic fix still open"
    FIX_MET = "fix_met", "Systemic fix committed"
    FIX_LANDING_DUE = "fix_landing_due", "Committed fix not landed yet"
    FIX_LANDING_OVERDUE = "fix_landing_overdue", "Committed fix past its landing date"
    FIX_LANDED = "fix_landed", "Systemic fix landed"
    FIX_MAY_NOT_HAVE_HELD = "fix_recurrence", "Systemic fix may not have held"
    ACTION_OVERDUE = "action_overdue", "Action item past its due date"
    ACTION_ASSIGNED = "action_assigned", "Action item assigned"
    DIGEST = "digest", "Weekly digest"
    THANKS = "thanks", "Thanks"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a person's in-app inbox, about an incident or the system, never about blame."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a person wants reminders beyond the in-app inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_reminders = models.BooleanField(
        "Also send reminders by email",
        default=True,
        help_text="Reminders always reach your inbox here; this adds an email to your address on file.",
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @classmethod
    def wants_email(cls, user) -> bool:
        preference = cls.objects.filter(user=user).first()
        return bool(user.email) and (preference is None or preference.email_reminders)


class TeamChatHook(models.Model):
    """A team's Slack-compatible incoming web hook for obligation reminders about its incidents."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="chat_hook")
    url = models.URLField(
        "web hook URL",
        max_length=500,
        help_text="A Slack-compatible incoming web hook (it receives JSON with a “text” field).",
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Chat hook of {self.team}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat web hook"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """An email or chat message waiting to leave (an outbox row), claimed by a conditional update."""

    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    address = models.CharField(max_length=500)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_pending_idx", condition=Q(state="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.address}: {self.subject or self.body[:40]}"


class RecurrenceFlag(models.Model):
    """A later incident or near miss has a factor of the same category and service as one a landed fix addressed.

    The facilitator decides: confirmed (the fix did not hold; a new systemic fix is owed) or dismissed with a reason.
    """

    fix = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="recurrence_flags")
    earlier_factor = models.ForeignKey("postmortems.ContributingFactor", on_delete=models.CASCADE, related_name="+")
    later_factor = models.ForeignKey(
        "postmortems.ContributingFactor", on_delete=models.CASCADE, related_name="recurrence_flags"
    )
    state = models.CharField(max_length=10, choices=RecurrenceState.choices, default=RecurrenceState.OPEN)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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


class Forge(models.TextChoices):
    GITHUB = "github", "GitHub"
    GITLAB = "gitlab", "GitLab"


class ForgeSecret(models.Model):
    """The web hook secret one forge organisation (GitHub organisation, GitLab group) signs its deliveries with.

    ``FORGE_WEBHOOK_SECRETS`` in the environment takes precedence over a row here.
    """

    forge = models.CharField(max_length=10, choices=Forge.choices)
    organisation = models.SlugField(
        max_length=100, help_text="As in the web hook address: /hooks/<forge>/<organisation>/."
    )
    secret = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forge", "organisation"], name="one_secret_per_forge_org")]

    def __str__(self) -> str:
        return f"{self.get_forge_display()} {self.organisation}"


class ForgeDelivery(models.Model):
    """One web hook delivery, recorded by its id so that a replay changes nothing a second time."""

    forge = models.CharField(max_length=10, choices=Forge.choices)
    delivery_id = models.CharField(max_length=100)
    organisation = models.CharField(max_length=100)
    outcome = models.CharField(max_length=200)
    landed = models.ForeignKey(ActionItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "forge deliveries"
        constraints = [models.UniqueConstraint(fields=["forge", "delivery_id"], name="process_a_delivery_once")]

    def __str__(self) -> str:
        return f"{self.forge} {self.delivery_id}: {self.outcome}"
