from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action items and follow-through"

    def ready(self) -> None:
        from actions import signals  # noqa: F401 - connects the receivers
        from actions.access import get_action_item_for_user
        from actions.models import ActionItem
        from actions.publish_checks import review_without_a_system_change
        from audit.registry import track
        from postmortems.publish_checks import register_publish_check

        register_publish_check(review_without_a_system_change)

        track(
            ActionItem,
            fields=["title", "description", "kind", "owner", "team", "due_on", "priority", "status"]
            + ["wont_do_reason", "change_url", "incident", "review"],
            m2m=["addresses"],
            access=lambda user, pk: get_action_item_for_user(user, pk).item,
        )
