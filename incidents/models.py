"""What happened: incidents, their timelines, services, and near misses.

Nothing here records a culprit. ``responders`` are the people closest to the
incident (the experts on it); ``created_by`` / ``author`` only say who typed a
record, for edit history.
"""

from datetime import timedelta
from functools import cache, cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import MD5, TruncMonth
from django.urls import reverse

from accounts.models import Membership, Role, Team
from audit.models import Versioned, recorded_person
from audit.soft_delete import EveryRowManager, LiveManager, SoftDeletable
from markup.fields import RenderedMarkdownField
from markup.notes import LanguageNotesField
from markup.plain import shorten


class Severity(models.TextChoices):
    SEV1 = "sev1", "SEV1"
    SEV2 = "sev2", "SEV2"
    SEV3 = "sev3", "SEV3"
    SEV4 = "sev4", "SEV4"


SEVERITY_MEANINGS = {
    Severity.SEV1: "Critical: most customers cannot use a core service, or data is at risk.",
    Severity.SEV2: "Major: a core service is badly degraded or a large group of customers is affected.",
    Severity.SEV3: "Minor: a partial or brief degradation with a workaround.",
    Severity.SEV4: "Low: little or no customer impact; worth learning from.",
}


def label_of(choices: type[models.Choices], value) -> str:
    """What ``get_<field>_display()`` shows for ``value``, from a table made once: Django makes the field's table
    afresh on every call (about 30 µs), and a page of timeline entries or incident rows asks for each."""
    return _labels(choices).get(value, value)


@cache
def _labels(choices: type[models.Choices]) -> dict:
    return dict(choices.choices)


class Status(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    MITIGATED = "mitigated", "Mitigated"
    RESOLVED = "resolved", "Resolved"
    REVIEWED = "reviewed", "Reviewed"


class Disposition(models.TextChoices):
    """How an incident was closed when it turned out not to need its own follow-up."""

    NONE = "", "A real incident"
    FALSE_ALARM = "false_alarm", "False alarm"
    DUPLICATE = "duplicate", "Duplicate of another incident"


class Service(models.Model):
    """A system or service that incidents and near misses concern."""

    name = models.CharField(max_length=100, unique=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="services")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _is_on_incident(user) -> Q:
    """This person facilitates the incident or responds to it: what opens a restricted incident to them."""
    is_responder = Incident.responders.through.objects.filter(incident=OuterRef("pk"), user=user)
    return Q(facilitator=user) | Exists(is_responder)


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IncidentQuerySet":
        """Incidents this person may know exist.

        Restricted incidents exist only for their responders, their facilitator and admins.
        """
        if user.is_org_admin:
            return self
        return self.filter(Q(restricted=False) | _is_on_incident(user))

    def hidden_from(self, user) -> "IncidentQuerySet":
        """The (few) incidents whose records this person must not see: deleted ones, and restricted ones
        they are not on. Use it from ``Incident.all_objects``.

        Records of other models hang off incidents; filtering them with "incident not among these" lets
        PostgreSQL test each row against a small hashed set instead of joining every incident.
        """
        deleted = Q(deleted_at__isnull=False)
        if user.is_org_admin:
            return self.filter(deleted)
        return self.filter(deleted | (Q(restricted=True) & ~_is_on_incident(user)))


class Incident(SoftDeletable, Versioned):
    """Something that went wrong, with the facts a review starts from."""

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What happened, in plain facts. Markdown works.")
    summary_html = RenderedMarkdownField(source="summary")
    language_notes = LanguageNotesField(sources=("title", "summary", "customer_impact"))
    severity = models.CharField(max_length=4, choices=Severity.choices, default=Severity.SEV3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVESTIGATING)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.NONE, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="incidents", help_text="The team leading the response."
    )
    involved_teams = models.ManyToManyField(Team, blank=True, related_name="involved_in_incidents")
    services = models.ManyToManyField(Service, blank=True, related_name="incidents")
    responders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="responded_incidents")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_incidents",
    )
    customer_impact = models.TextField(blank=True)
    restricted = models.BooleanField(
        default=False,
        help_text="Only responders, the facilitator and admins can see a restricted incident (for example a security incident).",
    )
    impact_started_at = models.DateTimeField("impact started")
    detected_at = models.DateTimeField("detected", null=True, blank=True)
    mitigated_at = models.DateTimeField("mitigated", null=True, blank=True)
    mitigation_change_reason = models.TextField(
        "why the mitigation time changed",
        blank=True,
        help_text="Needed when a deadline that runs from mitigation has already passed; it shows in the history.",
    )
    resolved_at = models.DateTimeField("resolved", null=True, blank=True)
    related = models.ManyToManyField(
        "self", through="IncidentLink", symmetrical=False, blank=True, related_name="related_from"
    )
    created_by = recorded_person()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LiveManager.from_queryset(IncidentQuerySet)()
    all_objects = EveryRowManager.from_queryset(IncidentQuerySet)()

    class Meta:
        ordering = ["-impact_started_at", "-pk"]
        indexes = [
            models.Index(fields=["-impact_started_at"]),
            models.Index(fields=["team", "-impact_started_at"]),
            models.Index(fields=["severity", "status"]),
            models.Index(
                fields=["id"], name="incident_hidden_idx", condition=Q(restricted=True) | Q(deleted_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incident_detail", args=[self.pk])

    def audience(self, people: models.QuerySet) -> models.QuerySet:
        """Of ``people`` (a queryset of users), those who may know this incident exists.

        Everyone for an ordinary incident; for a restricted one only its responders, its facilitator
        and admins (the rule of ``IncidentQuerySet.visible_to``, asked of many people at once). Every way the incident reaches a person (inbox, email, invites, the owner and
        participant pickers) passes through here, so "restricted" holds on each of them.
        """
        if not self.restricted:
            return people
        admins = Membership.objects.filter(role=Role.ADMIN).values("user_id")
        responders = Incident.responders.through.objects.filter(incident_id=self.pk).values("user_id")
        return people.filter(Q(is_superuser=True) | Q(pk__in=admins) | Q(pk__in=responders) | Q(pk=self.facilitator_id))

    def is_visible_to(self, user) -> bool:
        return not self.restricted or Incident.objects.visible_to(user).filter(pk=self.pk).exists()

    @property
    def severity_meaning(self) -> str:
        return SEVERITY_MEANINGS[Severity(self.severity)]

    @property
    def severity_label(self) -> str:
        return label_of(Severity, self.severity)

    @property
    def status_label(self) -> str:
        return label_of(Status, self.status)

    @property
    def disposition_label(self) -> str:
        return label_of(Disposition, self.disposition)

    @property
    def time_to_detect(self) -> timedelta | None:
        if self.detected_at and self.impact_started_at:
            return self.detected_at - self.impact_started_at
        return None

    @property
    def time_to_mitigate(self) -> timedelta | None:
        if self.mitigated_at and self.impact_started_at:
            return self.mitigated_at - self.impact_started_at
        return None

    @property
    def is_cancelled(self) -> bool:
        """False alarms and duplicates owe no follow-up of their own."""
        return self.disposition in {Disposition.FALSE_ALARM, Disposition.DUPLICATE}

    def clean(self) -> None:
        errors = {}
        order = [
            ("impact_started_at", "impact started"),
            ("detected_at", "detected"),
            ("mitigated_at", "mitigated"),
            ("resolved_at", "resolved"),
        ]
        previous = None
        for field, label in order:
            value = getattr(self, field)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                errors[field] = f"The {label} time cannot be before the {previous[2]} time ({previous[0]})."
            else:
                previous = (field, value, label)
        if self.disposition == Disposition.DUPLICATE and not self.duplicate_of_id:
            errors["duplicate_of"] = "Say which incident this one duplicates."
        if self.duplicate_of_id and self.duplicate_of_id == self.pk:
            errors["duplicate_of"] = "An incident cannot duplicate itself."
        if errors:
            raise ValidationError(errors)


class IncidentLink(models.Model):
    """ "Same class of failure": a link from an incident to an earlier one, shown both ways."""

    from_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_out")
    to_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_in")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_incident", "to_incident"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(from_incident=models.F("to_incident")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"{self.from_incident_id} → {self.to_incident_id}"


class EntryKind(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    ACTION = "action", "Action"
    DECISION = "decision", "Decision"
    ALERT = "alert", "Alert"
    COMMUNICATION = "communication", "Communication"


class TimelineEntry(SoftDeletable, Versioned):
    """A fact in time order. Decisions also record what was known and what was missing then."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField("time")
    kind = models.CharField(max_length=20, choices=EntryKind.choices, default=EntryKind.OBSERVATION)
    text = models.TextField(help_text="State what happened, without judging it.")
    link = models.URLField(blank=True, max_length=500)
    known_then = models.TextField("what was known at that moment", blank=True)
    missing_then = models.TextField("what information was missing", blank=True)
    language_notes = LanguageNotesField(sources=("text", "known_then", "missing_then"))
    author = recorded_person()
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save, to notice concurrent edits.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["incident", "occurred_at"])]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind_label}: {shorten(self.text, 80)}"

    @cached_property
    def kind_label(self) -> str:
        return label_of(EntryKind, self.kind)

    def clean(self) -> None:
        if self.kind == EntryKind.DECISION:
            errors = {}
            if not self.known_then.strip():
                errors["known_then"] = "A decision records what was known at that moment."
            if not self.missing_then.strip():
                errors["missing_then"] = (
                    "A decision records what information was missing then (if nothing seemed missing, say so)."
                )
            if errors:
                raise ValidationError(errors)


class HowCaught(models.TextChoices):
    AUTOMATED_CHECK = "automated_check", "An automated check"
    ALERT = "alert", "An alert"
    REVIEW = "review", "A review (code, design or change review)"
    PERSON_NOTICED = "person_noticed", "Someone noticed"
    LUCK = "luck", "Luck"


class NearMissQuerySet(models.QuerySet):
    def counts_by_team_and_month(self):
        """Near misses per team and calendar month: rows of ``team_id``, ``team__name``, ``month``, ``count``."""
        return (
            self.annotate(month=TruncMonth("filed_on"))
            .values("team_id", "team__name", "month")
            .annotate(count=Count("id"))
            .order_by("month", "team__name")
        )


class ReleasedNearMissManager(models.Manager.from_queryset(NearMissQuerySet)):
    """Near misses that anyone may see: anonymous ones only after the hourly release."""

    def get_queryset(self):
        return super().get_queryset().filter(awaiting_release=False)


class NearMiss(models.Model):
    """Something that almost went wrong.

    When filed anonymously, no trace of the reporter is kept: ``reporter`` is empty, only the
    day of filing is stored, and the report waits (``awaiting_release``) until the next full
    hour, when every report filed meanwhile appears at once. Within a day reports are listed
    by a hash of their text, so neither the order nor the moment one appears points at a person.
    """

    what_almost_happened = models.TextField()
    how_caught = models.CharField(max_length=20, choices=HowCaught.choices)
    what_could_have_happened = models.TextField(blank=True)
    language_notes = LanguageNotesField(sources=("what_almost_happened", "what_could_have_happened"))
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="near_misses")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="near_misses")
    reporter = recorded_person(related_name="near_misses")
    filed_on = models.DateField()
    thanks_count = models.PositiveIntegerField(default=0)
    awaiting_release = models.BooleanField(default=False, editable=False)

    objects = ReleasedNearMissManager()
    all_objects = NearMissQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_on", MD5("what_almost_happened").asc(), "pk"]
        indexes = [models.Index(fields=["team", "filed_on"]), models.Index(fields=["filed_on"])]
        verbose_name_plural = "near misses"

    def __str__(self) -> str:
        return shorten(self.what_almost_happened, 80)

    def get_absolute_url(self) -> str:
        return reverse("near_miss_detail", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return self.reporter_id is None


class NearMissThanks(models.Model):
    near_miss = models.ForeignKey(NearMiss, on_delete=models.CASCADE, related_name="thanks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["near_miss", "user"], name="thank_once_per_person")]

    def __str__(self) -> str:
        return f"Thanks for near miss {self.near_miss_id}"
