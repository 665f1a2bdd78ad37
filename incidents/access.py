"""The one way views reach an incident: it exists for this person, and what they may do with it."""

from dataclasses import dataclass

from django.http import Http404

from incidents.models import Incident


@dataclass(frozen=True)
class IncidentAccess:
    incident: Incident
    can_edit: bool


def can_edit_incident(user, incident: Incident) -> bool:
    """Responders, the facilitator, members of the teams involved and admins may change an incident."""
    if user.is_org_admin or incident.facilitator_id == user.pk:
        return True
    if incident.responders.filter(pk=user.pk).exists():
        return True
    team_ids = set(user.team_ids)
    if incident.team_id in team_ids:
        return True
    return incident.involved_teams.filter(pk__in=team_ids).exists()


def get_incident_for_user(user, pk, queryset=None) -> IncidentAccess:
    """The incident if this person may see it, else 404 (restricted incidents do not exist for others)."""
    queryset = Incident.objects.all() if queryset is None else queryset
    try:
        incident = queryset.visible_to(user).select_related("team", "facilitator").get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("No such incident") from None
    return IncidentAccess(incident=incident, can_edit=can_edit_incident(user, incident))
