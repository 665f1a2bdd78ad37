"""What the incident page shows: the page view and the timeline and link views answering without htmx share it."""

from django.db.models import Max
from django.utils import timezone

from incidents.access import IncidentAccess
from incidents.forms import IncidentLinkForm, TimelineEntryForm
from incidents.models import EntryKind, Incident, IncidentLink

TEMPLATE = "incidents/detail.html"


def new_entry_form(access: IncidentAccess) -> TimelineEntryForm:
    def starts_at():
        # Start where the story left off: the last entry's time, else when the impact started. Asked only
        # when the form is shown, and apart from the entries, which may come from a shared fragment.
        last = access.incident.timeline.aggregate(last=Max("occurred_at"))["last"]
        return timezone.localtime(last or access.incident.impact_started_at)

    return TimelineEntryForm(initial={"occurred_at": starts_at, "kind": EntryKind.OBSERVATION}, prefix="new")


def timeline_context(access: IncidentAccess, **overrides) -> dict:
    context = {
        "incident": access.incident,
        "can_edit": access.can_edit,
        # Read only when the timeline's shared fragment must be rendered afresh.
        "entries": access.incident.timeline.all(),
        "entry_form": new_entry_form(access) if access.can_edit else None,
        "editing": None,
        "edit_form": None,
    }
    context.update(overrides)
    return context


def incident_page_context(request, access: IncidentAccess, **overrides) -> dict:
    """Everything the incident page shows; timeline views reuse it when they answer without htmx."""
    incident = access.incident
    visible = Incident.objects.visible_to(request.user)
    links_out = IncidentLink.objects.filter(from_incident=incident, to_incident__in=visible).select_related(
        "to_incident__team"
    )
    links_in = IncidentLink.objects.filter(to_incident=incident, from_incident__in=visible).select_related(
        "from_incident__team"
    )
    related = [(link, link.to_incident) for link in links_out] + [(link, link.from_incident) for link in links_in]
    related.sort(key=lambda pair: pair[1].impact_started_at, reverse=True)
    context = {
        "incident": incident,
        "can_edit": access.can_edit,
        "responders": list(incident.responders.all()),
        "involved_teams": list(incident.involved_teams.all()),
        "services": list(incident.services.all()),
        "related": related,
        # Named only when this person may see it: a restricted original stays unnamed.
        "duplicate_of": visible.filter(pk=incident.duplicate_of_id).first() if incident.duplicate_of_id else None,
        "link_form": IncidentLinkForm(user=request.user, incident=incident) if access.can_edit else None,
        **timeline_context(access),
    }
    context.update(overrides)
    return context
