from django.db import models

from accounts.models import Team
from incidents.models import Incident, Severity


class SourceKind(models.TextChoices):
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana alerting"
    PAGERDUTY = "pagerduty", "PagerDuty (v3 web hooks)"
    GENERIC = "generic", "Generic JSON"


class AlertSource(models.Model):
    """A monitoring system allowed to open incidents for a team, with the secret it proves itself with.

    Alertmanager and Grafana send ``Authorization: Bearer <secret>``; PagerDuty signs each body with the
    secret (``X-PagerDuty-Signature``); the generic shape signs the body with a timestamp.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="alert_sources")
    severity = models.CharField(
        max_length=4, choices=Severity.choices, default=Severity.SEV3, help_text="When the alert says nothing we map."
    )
    secret = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ReceivedAlert(models.Model):
    """One delivery already acted on: a retry or a duplicate with the same key changes nothing."""

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="received")
    key = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="one_delivery_per_key")]

    def __str__(self) -> str:
        return f"{self.key[:12]} from {self.source_id}"


class AlertIncident(models.Model):
    """Which incident an alert (by its fingerprint) belongs to while it fires."""

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="alert_incidents")
    fingerprint = models.CharField(max_length=200)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="alerts")
    firing_since = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.fingerprint} → incident {self.incident_id}"
