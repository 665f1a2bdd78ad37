"""The review follows the incident: the live meeting sees timeline changes at once, and a published
review records later changes to the incident as dated amendments."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import User
from incidents.models import Incident, TimelineEntry
from incidents.signals import timeline_entries_imported
from postmortems import live, publishing, search
from postmortems.models import AgendaSection, Review, ReviewStatus


def _review_follows(incident_id: int, entries, *, removed: bool = False) -> None:
    review = Review.objects.filter(incident_id=incident_id).values_list("pk", "status").first()
    if not review:
        return
    review_id, status = review
    live.bump(review_id, AgendaSection.TIMELINE)
    if status == ReviewStatus.PUBLISHED:
        for entry in entries:
            publishing.amend_for_timeline_entry(entry, removed=removed)


@receiver(post_save, sender=TimelineEntry, dispatch_uid="review_follows_timeline_save")
@receiver(post_delete, sender=TimelineEntry, dispatch_uid="review_follows_timeline_delete")
def timeline_changed(sender, instance: TimelineEntry, **kwargs) -> None:
    _review_follows(instance.incident_id, [instance], removed=kwargs.get("signal") is post_delete)


@receiver(timeline_entries_imported, dispatch_uid="review_follows_timeline_import")
def timeline_imported(sender, incident: Incident, entries: list[TimelineEntry], **kwargs) -> None:
    """Entries created together (from a transcript) reach the review as entries added one by one do."""
    if entries:
        _review_follows(incident.pk, entries)


@receiver(pre_save, sender=Incident, dispatch_uid="published_review_notes_incident_before")
def remember_published_facts(sender, instance: Incident, raw: bool = False, **kwargs) -> None:
    """Before an incident with a published review changes, keep the facts as stored (one query)."""
    if raw or instance._state.adding or not instance.pk:
        return
    instance._facts_before_save = (
        Incident.all_objects.filter(pk=instance.pk, review__status=ReviewStatus.PUBLISHED)
        .values(*publishing.INCIDENT_FACTS)
        .first()
    )


@receiver(post_save, sender=Incident, dispatch_uid="published_review_notes_incident_after")
def amend_published_review(sender, instance: Incident, created: bool = False, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_facts_before_save", None)
    if before is not None and not raw:
        instance._facts_before_save = None
        publishing.amend_for_incident(instance, before)


NAME_FIELDS = {"display_name", "first_name", "last_name", "username", "email"}


@receiver(post_save, sender=User, dispatch_uid="library_forgets_people_who_join")
def index_again_for_person(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    """The library's text holds no one from the directory, including people added after publishing."""
    if raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return  # a sign-in (last_login) or a password change names nobody new
    search.index_again_for(instance)
