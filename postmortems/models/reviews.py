"""The review itself: its status, the meeting's agenda, when the meeting is due, and what changed after publishing."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, NearMiss
from markup.fields import RenderedMarkdownField
from markup.notes import LanguageNotesField


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    MEETING = "meeting", "Meeting"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class AgendaSection(models.TextChoices):
    """The meeting's agenda, in the order the facilitator steps through it."""

    TIMELINE = "timeline", "Timeline"
    PERSPECTIVES = "perspectives", "Perspectives"
    FACTORS = "factors", "Contributing factors"
    LEARNINGS = "learnings", "What went well · where we got lucky"
    OPPORTUNITIES = "opportunities", "Improvement opportunities"
    ACTIONS = "actions", "Action items"


AGENDA = list(AgendaSection)

# Planned minutes per section; the facilitator can extend a section during the meeting.
AGENDA_MINUTES = {
    AgendaSection.TIMELINE: 15,
    AgendaSection.PERSPECTIVES: 15,
    AgendaSection.FACTORS: 20,
    AgendaSection.LEARNINGS: 10,
    AgendaSection.OPPORTUNITIES: 10,
    AgendaSection.ACTIONS: 10,
}

# Section texts of the write-up: field name -> heading.
SECTION_TEXTS = {
    "summary": "Summary",
    "impact": "Impact",
    "went_well": "What went well",
    "got_lucky": "Where we got lucky",
}


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewQuerySet":
        """Reviews this person may know exist: those of incidents they can see, and of near misses."""
        return self.exclude(incident__in=Incident.all_objects.hidden_from(user).values("pk"))

    def published(self) -> "ReviewQuerySet":
        return self.filter(status=ReviewStatus.PUBLISHED)


class Review(models.Model):
    """The learning review of one incident or one near miss (exactly one of the two).

    ``change_counter`` rises on every change that people following the live meeting
    must see; the meeting's update endpoint answers from it (via the cache) without
    touching the rest of the review.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="review")
    near_miss = models.OneToOneField(NearMiss, on_delete=models.CASCADE, null=True, blank=True, related_name="review")
    title = models.CharField(max_length=200)
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="facilitated_reviews"
    )
    facilitator_requested_at = models.DateTimeField(null=True, blank=True)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="reviews")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)

    summary = models.TextField(blank=True, help_text="What happened, in plain facts. Markdown works.")
    summary_html = RenderedMarkdownField(source="summary")
    impact = models.TextField(blank=True, help_text="Who and what was affected, and for how long.")
    impact_html = RenderedMarkdownField(source="impact")
    went_well = models.TextField(blank=True, help_text="What helped us detect, respond or recover.")
    went_well_html = RenderedMarkdownField(source="went_well")
    got_lucky = models.TextField(blank=True, help_text="What could easily have made this worse, and did not.")
    got_lucky_html = RenderedMarkdownField(source="got_lucky")
    # Version of each section text, raised on every save, so a concurrent edit is noticed.
    section_versions = models.JSONField(default=dict, blank=True)
    language_notes = LanguageNotesField(sources=("title", "summary", "impact", "went_well", "got_lucky"))

    meeting_at = models.DateTimeField("meeting time", null=True, blank=True)
    meeting_minutes = models.PositiveIntegerField(
        "meeting length (minutes)", default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    meeting_place = models.CharField("where", max_length=200, blank=True, help_text="A room or a call link.")

    current_section = models.CharField(max_length=20, choices=AgendaSection.choices, default=AgendaSection.TIMELINE)
    section_started_at = models.DateTimeField(null=True, blank=True)
    # The meeting's timer, run by the facilitator: seconds already spent per section (while the
    # timer ran), when it last started running (None while paused), and minutes added per section.
    section_elapsed = models.JSONField(default=dict, blank=True)
    timer_running_since = models.DateTimeField(null=True, blank=True)
    section_extra_minutes = models.JSONField(default=dict, blank=True)
    # Raised whenever the participant list is saved, so a second facilitator's save is noticed.
    participants_version = models.PositiveIntegerField(default=0)
    perspectives_revealed_at = models.DateTimeField(null=True, blank=True)
    change_counter = models.PositiveBigIntegerField(default=0)

    # The library's text: title and write-up with people replaced by roles, so a name finds nothing.
    search_title = models.TextField(blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Everything the review showed when it was published (postmortems.publishing.snapshot_of); the
    # published page and the exports read from it, so later edits of the incident never change it.
    published_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(incident__isnull=False) & Q(near_miss__isnull=True))
                | (Q(incident__isnull=True) & Q(near_miss__isnull=False)),
                name="review_of_exactly_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # "Published reviews I facilitated" on everyone's home page: without it PostgreSQL walked every
            # published review, newest first, to find one person's few.
            models.Index(fields=["facilitator", "status", "-published_at"], name="review_facilitated_idx"),
            # "Reviews I take part in" on everyone's home page: a facilitator's reviews still open, without reading
            # every review they ever facilitated.
            models.Index(
                fields=["facilitator"],
                condition=~models.Q(status=ReviewStatus.PUBLISHED),
                name="review_facilitating_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("review_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED

    @property
    def perspectives_revealed(self) -> bool:
        return self.perspectives_revealed_at is not None

    @property
    def severity(self) -> str | None:
        return self.incident.severity if self.incident_id else None

    def section_version(self, name: str) -> int:
        return int(self.section_versions.get(name, 0))

    @property
    def agenda(self) -> list[AgendaSection]:
        """The sections this review's meeting steps through: a near miss has no timeline to walk."""
        if self.near_miss_id:
            return [section for section in AGENDA if section != AgendaSection.TIMELINE]
        return AGENDA

    @property
    def current_section_index(self) -> int:
        agenda = self.agenda
        current = AgendaSection(self.current_section)
        return agenda.index(current) if current in agenda else 0

    @property
    def timer_running(self) -> bool:
        return self.timer_running_since is not None

    def elapsed_seconds(self, section: str, now: datetime | None = None) -> int:
        """Seconds the meeting's timer has run in ``section``, kept across visits to it."""
        seconds = int(self.section_elapsed.get(section, 0))
        if self.timer_running_since and section == self.current_section:
            seconds += int(((now or timezone.now()) - self.timer_running_since).total_seconds())
        return max(seconds, 0)

    def planned_minutes(self, section: str) -> int:
        return AGENDA_MINUTES[AgendaSection(section)] + int(self.section_extra_minutes.get(section, 0))

    @property
    def meeting_due_by(self) -> datetime | None:
        """When the meeting should have been held, by the incident's severity (None if no deadline)."""
        if not self.incident_id:
            return None
        return meeting_due_by(self.incident)


def _add_business_days(start: datetime, days: int) -> datetime:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def review_required(incident: Incident) -> bool:
    """Whether this incident's severity requires a review (``REVIEW_REQUIRED_SEVERITIES``)."""
    return incident.severity in settings.REVIEW_REQUIRED_SEVERITIES and not incident.is_cancelled


def meeting_due_by(incident: Incident) -> datetime | None:
    """The meeting deadline by severity (``REVIEW_MEETING_DEADLINES``), counted from resolution.

    Until the incident is resolved the deadline counts from when impact started.
    """
    rule = settings.REVIEW_MEETING_DEADLINES.get(incident.severity)
    if not rule:
        return None
    days, kind = rule
    start = incident.resolved_at or incident.impact_started_at
    if kind == "business_days":
        return _add_business_days(start, days)
    return start + timedelta(days=days)


class Amendment(models.Model):
    """A change to what a published review showed, made afterwards (the incident's timeline or facts).

    The published text stays as it was; each amendment is listed beside it with its date.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="amendments")
    made_at = models.DateTimeField(default=timezone.now)
    change = models.TextField()
    # For a timeline change: which entry (not a key: the entry may be deleted) and how it reads now,
    # so that the next amendment says what changed since this one.
    timeline_entry_pk = models.PositiveBigIntegerField(null=True, blank=True)
    entry_as_amended = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"Amendment to review {self.review_id}: {self.change[:60]}"
