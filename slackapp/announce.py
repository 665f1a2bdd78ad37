"""Once the Slack app is set up, new incidents are announced in their team's chat channel, through the team's chat web hook and the
same retried outbox as the reminders. Restricted incidents are never announced: only the people on them
may know they exist."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from actions.notify import notify_team_chats
from incidents.models import Incident
from slackapp.views_blocks import slack_ready


@receiver(post_save, sender=Incident, dispatch_uid="slackapp_announce_incident")
def announce_new_incident(sender, instance: Incident, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or instance.restricted or not (settings.SLACK_ANNOUNCE_INCIDENTS and slack_ready()):
        return
    notify_team_chats(
        [instance.team],
        f"New {instance.get_severity_display()} incident for {instance.team}: {instance.title}",
        instance.get_absolute_url(),
    )
