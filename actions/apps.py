from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action items and follow-through"

    def ready(self) -> None:
        from actions import signals, versions  # noqa: F401 - connects the receivers
        from actions.access import get_action_item_for_user
        from actions.exports import action_items_section
        from actions.models import ActionItem
        from actions.obligations import moving_mitigation_needs_a_reason
        from actions.panels import (
            inbox_badge_panel,
            obligation_panel,
            obligation_panel_kept_by,
            owner_chosen,
            review_items_panel,
            review_items_panel_kept_by,
        )
        from actions.publish_checks import action_item_texts, review_without_a_system_change
        from audit.registry import track
        from incidents.guards import register_mitigation_guard
        from postmortems.exports import register_export_section
        from postmortems.publishing import register_publish_check
        from postmortems.review_language import register_review_texts
        from web.panels import register_panel

        register_mitigation_guard(moving_mitigation_needs_a_reason)
        register_publish_check(review_without_a_system_change)
        register_export_section(action_items_section)
        register_review_texts(action_item_texts)
        register_panel(
            "incident", "actions/panel.html", obligation_panel, kept_by=obligation_panel_kept_by, personal=owner_chosen
        )
        register_panel(
            "review",
            "actions/review_section.html",
            review_items_panel,
            kept_by=review_items_panel_kept_by,
            personal=owner_chosen,
        )
        register_panel("header", "actions/inbox_badge.html", inbox_badge_panel)

        track(
            ActionItem,
            fields=["title", "description", "kind", "owner", "team", "due_on", "priority", "status"]
            + ["wont_do_reason", "change_url", "incident", "review", "landed_at", "landed_via", "landing_evidence_url"],
            m2m=["addresses"],
            access=lambda user, pk: get_action_item_for_user(user, pk).item,
        )
        versions.connect()
