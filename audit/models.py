"""Audit events (one row per change to a tracked object), and the fields that say who did what and
which version of a row an editor saw."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def recorded_person(**options) -> models.ForeignKey:
    """The person who did something to a row (created it, wrote it, decided, deleted): a record for the
    history, never a culprit. Removing the person's account leaves the row, with this field empty."""
    options.setdefault("related_name", "+")
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, **options)


class Versioned(models.Model):
    """Rows people edit in forms: every save raises ``version`` (and stores it, ``update_fields`` or not),
    so an editor who opened an older version is told rather than overwriting (``audit.versions``)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


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
    actor = recorded_person()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "-at"], name="audit_scope_at_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
