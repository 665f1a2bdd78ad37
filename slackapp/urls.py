from django.urls import path

from slackapp import views

urlpatterns = [
    path("slack/commands/", views.command, name="slack_command"),
    path("slack/interactions/", views.interaction, name="slack_interaction"),
]
