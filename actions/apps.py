from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action items and follow-through"

    def ready(self) -> None:
        from actions import signals, versions  # noqa: F401 - connects the receivers
        from actions.access import get_action_item_for_user
        from actions.models import ActionItem
        from actions.obligations import moving_mitigation_needs_a_reason
        from actions.remedies import review_without_a_system_change
        from audit.registry import track
        from incidents.guards import register_mitigation_guard
        from postmortems.services import PUBLISH_CHECKS

        register_mitigation_guard(moving_mitigation_needs_a_reason)
        if review_without_a_system_change not in PUBLISH_CHECKS:
            PUBLISH_CHECKS.append(review_without_a_system_change)

        track(
            ActionItem,
            fields=["title", "description", "kind", "owner", "team", "due_on", "priority", "status"]
            + ["wont_do_reason", "change_url", "incident", "review", "landed_at", "landed_via", "landing_evidence_url"],
            m2m=["addresses"],
            access=lambda user, pk: get_action_item_for_user(user, pk).item,
        )
        versions.connect()
