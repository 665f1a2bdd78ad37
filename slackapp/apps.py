from django.apps import AppConfig


class SlackAppConfig(AppConfig):
    name = "slackapp"
    verbose_name = "Slack app"

    def ready(self):
        from slackapp import announce  # noqa: F401 - connects its signal receiver
