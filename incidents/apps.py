from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents and near misses"

    def ready(self) -> None:
        from audit.registry import track
        from incidents import versions
        from incidents.access import get_incident_for_user
        from incidents.models import Incident, TimelineEntry

        versions.connect()

        # Near misses are never tracked: an anonymous reporter must leave no trace in the audit trail.
        # duplicate_of is left out: the trail stores a related row's title, and the original may be a
        # restricted incident that readers of this one must not learn exists.
        track(
            Incident,
            fields=["title", "summary", "severity", "status", "disposition", "team", "facilitator"]
            + ["customer_impact", "restricted", "impact_started_at", "detected_at", "mitigated_at", "resolved_at"]
            + ["mitigation_change_reason"],
            m2m=["involved_teams", "services", "responders"],
            access=lambda user, pk: get_incident_for_user(user, pk).incident,
        )
        track(
            TimelineEntry,
            fields=["occurred_at", "kind", "text", "link", "known_then", "missing_then"],
            scope="incident",
            describe=lambda entry: entry.text,
        )
