"""Audit events, and the soft delete that tracked models use instead of removing rows."""

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


class LiveManager(models.Manager):
    """The default manager of soft-deletable models: rows deleted by someone are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class EveryRowManager(models.Manager):
    """Deleted rows included: for admins restoring them."""


class SoftDeletable(models.Model):
    """People never remove these rows: deleting marks them, and an admin can restore them.

    ``objects`` leaves deleted rows out (so do related managers such as ``incident.timeline``);
    ``all_objects`` sees everything. The base manager stays unfiltered, so a row that points at a
    deleted one still reaches it.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = LiveManager()
    all_objects = EveryRowManager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, by=None) -> None:
        """Hide this row everywhere and record who deleted it (the acting person when ``by`` is None)."""
        from audit.context import current_actor
        from audit.registry import record

        if self.deleted_at is not None:
            return
        self.deleted_at = timezone.now()
        self.deleted_by = by if by is not None else current_actor()
        self.save(update_fields=["deleted_at", "deleted_by"])
        record(self, Action.DELETED, actor=self.deleted_by)

    def restore(self, by=None) -> None:
        """Bring a deleted row back, recording who restored it."""
        from audit.context import current_actor
        from audit.registry import record

        if self.deleted_at is None:
            return
        self.deleted_at = None
        self.deleted_by = None
        self.save(update_fields=["deleted_at", "deleted_by"])
        record(self, Action.RESTORED, actor=by if by is not None else current_actor())
