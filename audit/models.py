"""Audit events: one row per change to a tracked object."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    RESTORED = "restored", "Restored"


class AuditEvent(models.Model):
    """One change to a tracked object: what changed (``{field: [old, new]}``), when, and by whom.

    ``actor`` is empty for changes the system made (the worker, commands). ``scope`` is the page the
    event belongs to: an incident for its timeline entries, a review for its factors, else the object.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200, blank=True)
    scope_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    scope_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "-at"], name="audit_scope_at_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
