"""Which versions a change in the incidents app raises (see ``fragments.versions``).

``incident:<pk>`` stands for everything on the incident's page but its timeline, ``timeline:<pk>`` for
the timeline (and the page's history, which lists its changes): the page names both, so a new entry
leaves the incident's facts, related incidents and panels kept. ``incidents`` stands for the lists and
``near-misses`` for the near-miss pages.
"""

from fragments.versions import bump_on_change


def incident_versions(incident_id) -> list[str]:
    return [f"incident:{incident_id}"] if incident_id else []


def _incident(incident, **kwargs):
    from incidents.models import IncidentLink

    # The incidents linked to this one show its title and severity on their pages.
    linked = (
        IncidentLink.objects.filter(from_incident=incident.pk)
        .values_list("to_incident", flat=True)
        .union(IncidentLink.objects.filter(to_incident=incident.pk).values_list("from_incident", flat=True))
    )
    return ["incidents", f"incident:{incident.pk}", *(f"incident:{pk}" for pk in linked)]


def _timeline(entry, **kwargs):
    return [f"timeline:{entry.incident_id}"]


def _link(link, **kwargs):
    return [f"incident:{link.from_incident_id}", f"incident:{link.to_incident_id}"]


def _near_miss(near_miss, **kwargs):
    # An anonymous report waiting for the hourly release shows nowhere yet, and raising a number at the
    # moment it is filed would record that moment: the release raises it for the whole batch.
    return [] if near_miss.awaiting_release else ["near-misses"]


def connect() -> None:
    from incidents.models import Incident, IncidentLink, NearMiss, TimelineEntry

    bump_on_change(Incident, _incident, m2m=["involved_teams", "services", "responders"])
    bump_on_change(TimelineEntry, _timeline)
    bump_on_change(IncidentLink, _link)
    bump_on_change(NearMiss, _near_miss)
