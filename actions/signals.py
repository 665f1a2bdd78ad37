"""Keeping obligations in step with incidents and action items, and delivering thanks.

The incidents app does not know this app exists: it saves incidents and sends
``near_miss_thanked``; we listen. The sweep recomputes the same things from the
database, so nothing depends on a signal having run.
"""

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from actions.models import ActionItem, FixObligation, NotificationKind
from actions.notify import enqueue_after_commit, notify
from actions.obligations import refresh_for_incident, sync_obligation
from actions.recurrence import flag_recurrences
from incidents.models import Incident
from incidents.signals import near_miss_thanked
from postmortems import live
from postmortems.models import ContributingFactor

log = logging.getLogger(__name__)


@receiver(post_save, sender=Incident, dispatch_uid="actions_sync_obligation")
def incident_saved(sender, instance: Incident, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    obligation = sync_obligation(instance)
    if obligation is not None and obligation.is_open:
        enqueue_after_commit("actions.tasks.check_obligation", obligation.pk)


@receiver(post_save, sender=ActionItem, dispatch_uid="actions_item_saved")
def action_item_saved(sender, instance: ActionItem, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if instance.review_id:
        # People following the live meeting see the new item without reloading.
        live.bump(instance.review_id, "actions")
    obligation = refresh_for_incident(instance.incident_id)
    if obligation is not None and obligation.is_open:
        enqueue_after_commit("actions.tasks.check_obligation", obligation.pk)


@receiver(post_delete, sender=ActionItem, dispatch_uid="actions_item_deleted")
def action_item_deleted(sender, instance: ActionItem, **kwargs) -> None:
    if instance.incident_id and FixObligation.objects.filter(incident_id=instance.incident_id).exists():
        refresh_for_incident(instance.incident_id)


@receiver(near_miss_thanked, dispatch_uid="actions_near_miss_thanked")
def deliver_thanks(sender, near_miss, thanked_by=None, **kwargs) -> None:
    """Tell a named reporter their report was appreciated. Anonymous reports have nobody to tell."""
    reporter = getattr(near_miss, "reporter", None)
    if reporter is None or not reporter.is_active:
        return
    try:
        url = reverse("near_miss_detail", args=[near_miss.pk])
    except NoReverseMatch:
        url = ""
    summary = near_miss.what_almost_happened.strip().splitlines()[0] if near_miss.what_almost_happened.strip() else ""
    if len(summary) > 80:
        summary = summary[:79].rstrip() + "…"
    notify(
        reporter,
        NotificationKind.THANKS,
        f"Someone thanked you for reporting “{summary}”",
        "Near-miss reports are cheap lessons. Thank you for making this one visible.",
        url,
        email=False,
    )


@receiver(post_save, sender=ContributingFactor, dispatch_uid="actions_factor_saved")
def factor_saved(sender, instance: ContributingFactor, raw: bool = False, **kwargs) -> None:
    """A factor that names a weakness an earlier landed fix addressed puts that fix in question."""
    if raw:
        return
    flag_recurrences(instance)
