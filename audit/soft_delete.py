"""Soft delete: tracked models mark rows deleted instead of removing them, and record who did it."""

from django.db import models
from django.utils import timezone

from audit.context import current_actor
from audit.models import Action, recorded_person
from audit.registry import record


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
    deleted_by = recorded_person(editable=False)

    objects = LiveManager()
    all_objects = EveryRowManager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, by=None) -> None:
        """Hide this row everywhere and record who deleted it (the acting person when ``by`` is None)."""
        if self.deleted_at is not None:
            return
        self.deleted_at = timezone.now()
        self.deleted_by = by if by is not None else current_actor()
        self.save(update_fields=["deleted_at", "deleted_by"])
        record(self, Action.DELETED, actor=self.deleted_by)

    def restore(self, by=None) -> None:
        """Bring a deleted row back, recording who restored it."""
        if self.deleted_at is None:
            return
        self.deleted_at = None
        self.deleted_by = None
        self.save(update_fields=["deleted_at", "deleted_by"])
        record(self, Action.RESTORED, actor=by if by is not None else current_actor())
