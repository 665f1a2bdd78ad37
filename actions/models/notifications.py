"""Reminders sent, the in-app inbox, people's preferences and the outbox of emails and chat messages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team
from incidents.models import Incident


class SentReminder(models.Model):
    """Proof that one reminder was issued. Inserted before anything is sent; the unique key makes it once."""

    key = models.CharField(max_length=120, unique=True)
    obligation = models.ForeignKey(
        "actions.FixObligation", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    action_item = models.ForeignKey(
        "actions.ActionItem", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
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
    FACILITATOR_NEEDED = "facilitator_needed", "A review needs a facilitator"
    PERSPECTIVE_ASKED = "perspective_asked", "Your perspective is asked for"
    FEEDBACK_ASKED = "feedback_asked", "Feedback on a published review"


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
