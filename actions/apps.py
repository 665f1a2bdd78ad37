from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action items and follow-through"

    def ready(self) -> None:
        from actions import signals  # noqa: F401 - connects the receivers
