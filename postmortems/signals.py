"""The meeting follows the incident's timeline: an entry added or edited there shows up live."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incidents.models import TimelineEntry
from postmortems import live
from postmortems.models import AgendaSection, Review


@receiver(post_save, sender=TimelineEntry, dispatch_uid="review_follows_timeline_save")
@receiver(post_delete, sender=TimelineEntry, dispatch_uid="review_follows_timeline_delete")
def timeline_changed(sender, instance: TimelineEntry, **kwargs) -> None:
    review_id = Review.objects.filter(incident_id=instance.incident_id).values_list("pk", flat=True).first()
    if review_id:
        live.bump(review_id, AgendaSection.TIMELINE)
