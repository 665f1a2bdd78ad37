"""What the incident page shows: the page view and the timeline and link views answering without htmx share it."""

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from accounts.models import Team, User
from fragments.lazy import once
from incidents.access import IncidentAccess, restricted_seen, visibility_class
from incidents.forms import IncidentLinkForm, TimelineEntryForm
from incidents.models import EntryKind, Incident, IncidentLink, Service

TEMPLATE = "incidents/detail.html"


def new_entry_form(access: IncidentAccess) -> TimelineEntryForm:
    def starts_at():
        # Start where the story left off: the last entry's time, else when the impact started. Asked only
        # when the form is shown, and apart from the entries, which may come from a shared fragment.
        last = access.incident.timeline.aggregate(last=Max("occurred_at"))["last"]
        return timezone.localtime(last or access.incident.impact_started_at)

    return TimelineEntryForm(initial={"occurred_at": starts_at, "kind": EntryKind.OBSERVATION}, prefix="new")


def _entries(incident) -> list:
    return list(incident.timeline.defer("language_notes"))  # the incident page shows no notes


def _timeline_parts(access: IncidentAccess) -> dict:
    return {
        "incident": access.incident,
        "can_edit": access.can_edit,
        # Read only when the timeline's shared fragment must be rendered afresh (no queryset built before then).
        "entries": once(_entries, access.incident),
        "editing": None,
        "edit_form": None,
    }


def timeline_context(access: IncidentAccess, **overrides) -> dict:
    """The timeline's part, answered after a change: its form as made here (focused, or with errors), not kept."""
    context = _timeline_parts(access) | {
        "entry_form": new_entry_form(access) if access.can_edit else None,
        "fresh_forms": True,
    }
    context.update(overrides)
    return context


RELATED_COLUMNS = ("title", "severity", "impact_started_at")


def related_incidents(incident, user) -> list:
    """The incidents linked to this one that this person may see, latest first, with their links."""
    visible = Incident.objects.visible_to(user)
    links_out = IncidentLink.objects.filter(from_incident=incident, to_incident__in=visible).select_related(
        "to_incident"
    )
    links_in = IncidentLink.objects.filter(to_incident=incident, from_incident__in=visible).select_related(
        "from_incident"
    )
    # Only what the list shows of the other incident (its text and language notes stay unread).
    shown = ("note", "from_incident", "to_incident")
    links_out = links_out.only(*shown, *(f"to_incident__{name}" for name in RELATED_COLUMNS))
    links_in = links_in.only(*shown, *(f"from_incident__{name}" for name in RELATED_COLUMNS))
    related = [(link, link.to_incident) for link in links_out] + [(link, link.from_incident) for link in links_in]
    related.sort(key=lambda pair: pair[1].impact_started_at, reverse=True)
    return related


def names_on_incident(incident_id: int) -> dict[str, list]:
    """Who responds to the incident, its other teams and its services, each list in its usual order: one statement
    written out by hand (three ORM queries cost more to build than PostgreSQL took to answer them)."""
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in (User, Team, Service)}
    for name in ("responders", "involved_teams", "services"):
        table[name] = connection.ops.quote_name(getattr(Incident, name).through._meta.db_table)
    statement = (
        f"SELECT 'responder', u.id, u.display_name, u.first_name, u.last_name, u.username FROM {table[User]} u"  # noqa: S608
        f" JOIN {table['responders']} r ON r.user_id = u.id WHERE r.incident_id = %s"
        f" UNION ALL SELECT 'team', t.id, t.name, '', '', '' FROM {table[Team]} t"
        f" JOIN {table['involved_teams']} x ON x.team_id = t.id WHERE x.incident_id = %s"
        f" UNION ALL SELECT 'service', s.id, s.name, '', '', '' FROM {table[Service]} s"
        f" JOIN {table['services']} x ON x.service_id = s.id WHERE x.incident_id = %s"
        " ORDER BY 1, 3, 6"  # users by display name then username, teams and services by name
    )
    named = {"responder": [], "team": [], "service": []}
    with connection.cursor() as cursor:
        cursor.execute(statement, [incident_id] * 3)
        for label, pk, name, first_name, last_name, username in cursor.fetchall():
            if label == "responder":
                person = User(id=pk, display_name=name, first_name=first_name, last_name=last_name, username=username)
                named[label].append(person)
            else:
                named[label].append((Team if label == "team" else Service)(id=pk, name=name))
    return named


def _any(access: IncidentAccess, ids: str) -> bool:
    """Whether the incident has any of these (``OnIncident`` ids), or it is not known without asking."""
    known = getattr(access.on, ids, None)
    return known is None or bool(known)


def incident_page_context(request, access: IncidentAccess, **overrides) -> dict:
    """Everything the incident page shows; timeline views reuse it when they answer without htmx.

    What the page's shared fragments show is read only when a fragment must be rendered afresh (``once``).
    """
    incident = access.incident
    user = request.user
    versions = getattr(request, "versions", None)
    names = once(names_on_incident, incident.pk)
    duplicate_of = None
    if incident.duplicate_of_id:
        # Named only when this person may see it: a restricted original stays unnamed.
        duplicate_of = once(lambda: Incident.objects.visible_to(user).filter(pk=incident.duplicate_of_id).first())
    context = {
        "incident": incident,
        "can_edit": access.can_edit,
        # Which incidents exist for this person: the head of a duplicate (it names the original) is kept per class,
        # the related incidents for everyone who sees the same restricted ones among them.
        "duplicate_seen_by": visibility_class(user, versions) if incident.duplicate_of_id else "",
        "related_seen": (
            restricted_seen(user, access.on.restricted_links, versions)
            if access.on
            else once(visibility_class, user, versions)
        ),
        # Who responds, the other teams and the services, read together only when the facts are rendered afresh.
        "responders": lambda: names()["responder"],
        "involved_teams": lambda: names()["team"],
        "services": lambda: names()["service"],
        "related": once(related_incidents, incident, user) if _any(access, "linked") else [],
        "duplicate_of": duplicate_of,
        **_timeline_parts(access),
        # An editor's empty forms are the same for every editor (the CSRF token aside): kept, built only when
        # rendered afresh. A form a view passes in (with what someone typed) is shown as it is.
        "link_form": once(IncidentLinkForm, user=user, incident=incident) if access.can_edit else None,
        "entry_form": once(new_entry_form, access) if access.can_edit else None,
        "fresh_forms": bool({"link_form", "entry_form"} & set(overrides)),
    }
    context.update(overrides)
    return context
