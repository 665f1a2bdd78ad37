"""Keeping obligations in step with incidents and action items, and delivering thanks.

The incidents app does not know this app exists: it saves incidents and sends
``near_miss_thanked``; we listen. The sweep recomputes the same things from the
database, so nothing depends on a signal having run.
"""

import logging

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from accounts.models import Membership, Role, User
from actions.models import ActionItem, FixObligation, NotificationKind
from actions.notify import enqueue_after_commit, notify, notify_many, notify_team_chats
from actions.obligations import refresh_for_incident, sync_obligation
from actions.recurrence import flag_recurrences
from incidents.models import Incident
from incidents.signals import near_miss_thanked
from markup.plain import shorten
from postmortems import events, live
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
    summary = shorten(near_miss.what_almost_happened, 80)
    notify(
        reporter,
        NotificationKind.THANKS,
        f"Someone thanked you for reporting “{summary}”",
        "Near-miss reports are cheap lessons. Thank you for making this one visible.",
        url,
        email=False,
    )


def _review_subject(review) -> str:
    return f"incident #{review.incident_id}" if review.incident_id else "a near miss"


@receiver(events.facilitator_requested, dispatch_uid="actions_facilitator_requested")
def ask_facilitators(sender, review, **kwargs) -> None:
    """Tell the people who facilitate for the review's team (admins if it has none): inbox, e-mail, chat."""
    facilitators = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(team_id=review.team_id, role=Role.FACILITATOR).values("user_id"),
    )
    if not facilitators.exists():
        admins = Membership.objects.filter(role=Role.ADMIN).values("user_id")
        facilitators = User.objects.filter(Q(is_superuser=True) | Q(pk__in=admins), is_active=True)
    url = reverse("review_detail", args=[review.pk])
    title = f"The review of “{review.title}” needs a facilitator"
    body = f"A review of {_review_subject(review)} was opened and is waiting for someone to facilitate it."
    notify_many(list(facilitators.distinct()), NotificationKind.FACILITATOR_NEEDED, title, body, url, review.incident)
    if review.team_id:
        notify_team_chats([review.team], f"{title}.", url, incident=review.incident)


@receiver(events.perspectives_asked, dispatch_uid="actions_perspectives_asked")
def ask_for_perspective(sender, review, people, **kwargs) -> None:
    notify_many(
        people,
        NotificationKind.PERSPECTIVE_ASKED,
        f"Your perspective on “{review.title}” is asked for",
        "What did you see, what did you know, what seemed reasonable at the time? Each account shows a part "
        "of the system nobody else saw.",
        reverse("review_perspective", args=[review.pk]),
        review.incident,
    )


@receiver(events.review_published, dispatch_uid="actions_ask_for_feedback")
def ask_for_feedback(sender, review, **kwargs) -> None:
    """Ask each participant, once, how the review went (the home page asks too until they answer)."""
    notify_many(
        list(review.participants.filter(is_active=True)),
        NotificationKind.FEEDBACK_ASKED,
        f"“{review.title}” is published: how did the review go?",
        "Two quick ratings help facilitators run better reviews. Answers are shown only as a summary.",
        reverse("review_detail", args=[review.pk]) + "#feedback",
        review.incident,
        email=False,
    )


@receiver(post_save, sender=ContributingFactor, dispatch_uid="actions_factor_saved")
def factor_saved(sender, instance: ContributingFactor, raw: bool = False, **kwargs) -> None:
    """A factor that names a weakness an earlier landed fix addressed puts that fix in question."""
    if raw:
        return
    flag_recurrences(instance)
