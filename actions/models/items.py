"""Action items: the concrete changes that come out of an incident or its review, and when they landed."""

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
from actions.models.fixes import RecurrenceState
from actions.remedies import attention_remedy_error
from audit.models import Versioned, recorded_person
from audit.soft_delete import LiveManager, SoftDeletable
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


class ActionItem(SoftDeletable, Versioned):
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
    created_by = recorded_person()
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

    @classmethod
    def new_for_incident(cls, incident: Incident, created_by=None) -> "ActionItem":
        """An unsaved item of the incident: of its review too, when it has one, and of its team."""
        return cls(
            incident=incident, review=getattr(incident, "review", None), team=incident.team, created_by=created_by
        )

    @classmethod
    def new_for_review(cls, review, created_by=None) -> "ActionItem":
        """An unsaved item of the review and its incident: of the review's team, else the incident's."""
        team = review.team or (review.incident.team if review.incident_id else None)
        return cls(review=review, incident_id=review.incident_id, team=team, created_by=created_by)

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
        errors = {}
        if self.status == ActionStatus.WONT_DO and not self.wont_do_reason.strip():
            errors["wont_do_reason"] = "Say why we won't do it; everyone sees the reason."
        remedy = attention_remedy_error(self.title, self.description)
        if remedy:
            errors["title"] = remedy
        if errors:
            raise ValidationError(errors)
