"""The one way views reach an incident: it exists for this person, and what they may do with it."""

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import Http404, QueryDict

from fragments.conditional import person_fact
from fragments.kept import VersionName, fragment_key, kept_or_made, versions_of
from fragments.own import kept_own
from fragments.release import release
from fragments.versions import kept_under
from incidents.models import Incident, IncidentLink

# Set on an incident read by ``get_incident_for_user``: whether the person responds to it or is in one of
# its other teams, asked in the same query as the incident itself.
ON_INCIDENT = "_on_incident_for_viewer"
VISIBILITY_SECONDS = 60 * 60
MISSING = "missing"


@dataclass(frozen=True)
class OnIncident:
    """Who is on an incident, for deciding access without a query: its responders and its other teams; and the
    restricted incidents linked to it, which only some viewers see among its related incidents."""

    responder_ids: frozenset
    involved_team_ids: frozenset
    restricted_links: frozenset = frozenset()
    # Every incident linked to it, either way (None: not read), so a page with none asks nothing more.
    linked: frozenset | None = None

    @staticmethod
    def lists(incident_id: int, linked: bool = True) -> dict:
        """What ``read`` reads, for ``labelled_ids`` (a page reading more ids reads them in the same query);
        ``linked=False`` leaves out which incidents are linked, for a page that does not list them."""
        statements = _on_incident_statements()
        labels = [*statements] if linked else [label for label in statements if not label.startswith("linked_")]
        return {label: (statements[label], [incident_id]) for label in labels}

    @classmethod
    def from_ids(cls, ids: dict) -> "OnIncident":
        linked = ids["linked_out"] | ids["linked_in"] if "linked_out" in ids else None
        return cls(ids["responder"], ids["team"], ids["link_out"] | ids["link_in"], linked)

    @classmethod
    def read(cls, incident_id: int) -> "OnIncident":
        return cls.from_ids(labelled_ids(**cls.lists(incident_id)))

    def may_see(self, user, incident: Incident) -> bool:
        """``Incident.objects.visible_to`` for one incident read earlier (not deleted)."""
        return not incident.restricted or user.is_org_admin or incident.facilitator_id == user.pk or self.responds(user)

    def responds(self, user) -> bool:
        return user.pk in self.responder_ids

    def responds_or_involved(self, user) -> bool:
        """``responds_or_involved`` for one incident read earlier."""
        return self.responds(user) or not self.involved_team_ids.isdisjoint(user.team_ids)


def labelled_ids(**lists) -> dict[str, frozenset]:
    """Several lists of ids, each given as (statement, parameters) selecting one column of ids, read in one query:
    {label: ids}. Written out by hand: building these unions with the ORM cost ten times what PostgreSQL took to
    answer them."""
    parts, parameters = [], []
    for label, (statement, values) in lists.items():
        assert label.isidentifier(), label  # our own names, written into the statement
        parts.append(f"SELECT '{label}', ids.id FROM ({statement}) AS ids(id)")
        parameters.extend(values)
    found = {label: set() for label in lists}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), parameters)
        for label, pk in cursor.fetchall():
            found[label].add(pk)
    return {label: frozenset(ids) for label, ids in found.items()}


@functools.cache
def _on_incident_statements() -> dict[str, str]:
    """Who responds to an incident, its other teams, the restricted incidents linked to it (either way) and every
    incident linked to it: each a statement with the incident's id as its one parameter."""
    quote = connection.ops.quote_name
    incidents, links = quote(Incident._meta.db_table), quote(IncidentLink._meta.db_table)
    responders = quote(Incident.responders.through._meta.db_table)
    teams = quote(Incident.involved_teams.through._meta.db_table)
    restricted = f"SELECT l.{{0}}_incident_id FROM {links} l JOIN {incidents} i ON i.id = l.{{0}}_incident_id"
    return {
        "responder": f"SELECT user_id FROM {responders} WHERE incident_id = %s",  # noqa: S608 - table names
        "team": f"SELECT team_id FROM {teams} WHERE incident_id = %s",  # noqa: S608
        "link_out": restricted.format("to") + " WHERE l.from_incident_id = %s AND i.restricted",
        "link_in": restricted.format("from") + " WHERE l.to_incident_id = %s AND i.restricted",
        "linked_out": f"SELECT to_incident_id FROM {links} WHERE from_incident_id = %s",  # noqa: S608
        "linked_in": f"SELECT from_incident_id FROM {links} WHERE to_incident_id = %s",  # noqa: S608
    }


def keeping() -> bool:
    """Whether shared fragments and records are kept at all (tests counting a full render turn them off)."""
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 0) > 0


def kept_record(kind: str, pk, names: list[str], request, read):
    """``read()`` once per version of ``names`` (the object's own and ``people``), kept for every viewer.

    What a page needs to find its object and decide what this person may do with it, without a query while
    nothing it depends on changed (read with the page's versions, ``fragments.remembered``). ``read`` answers
    None for an object that does not exist."""
    numbers = versions_of(names, request)
    # The release too: a deploy may change what a record holds.
    key = f"record:{release()}:{kind}:{pk}:" + ":".join(str(numbers[name]) for name in names)
    record = kept_or_made(key, VISIBILITY_SECONDS, lambda: read() or MISSING, request=request)
    return None if record == MISSING else record


def responds_or_involved(user, incident_field: str = "pk"):
    """An expression: this person responds to the incident (``incident_field`` of the rows queried) or is in
    one of its other teams. Annotated by the access helpers, so that ``can_edit_incident`` asks nothing more."""
    incident = OuterRef(incident_field)
    responds = Exists(Incident.responders.through.objects.filter(incident=incident, user=user.pk))
    if not user.team_ids:
        return responds
    involved = Incident.involved_teams.through.objects.filter(incident=incident, team__in=user.team_ids)
    return responds | Exists(involved)


@dataclass(frozen=True)
class IncidentAccess:
    incident: Incident
    can_edit: bool
    on: OnIncident | None = None  # known when the incident came from its kept record


def know_editing(incident: Incident, user, on_incident: bool) -> None:
    """Remember on the incident what ``responds_or_involved`` answered for this person."""
    setattr(incident, ON_INCIDENT, on_incident)
    incident._viewer_id = user.pk


def can_edit_incident(user, incident: Incident) -> bool:
    """Responders, the facilitator, members of the teams involved and admins may change an incident."""
    if user.is_org_admin or incident.facilitator_id == user.pk or incident.team_id in set(user.team_ids):
        return True
    known = getattr(incident, ON_INCIDENT, None)
    if known is not None and getattr(incident, "_viewer_id", None) == user.pk:
        return known
    return Incident.objects.filter(pk=incident.pk).filter(responds_or_involved(user)).exists()


def get_incident_for_user(user, pk, queryset=None) -> IncidentAccess:
    """The incident if this person may see it, else 404 (restricted incidents do not exist for others).

    One query, whatever the person may do with it."""
    queryset = Incident.objects.all() if queryset is None else queryset
    try:
        incident = (
            queryset.visible_to(user)
            .select_related("team", "facilitator")
            .annotate(**{ON_INCIDENT: responds_or_involved(user)})
            .get(pk=pk)
        )
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404("No such incident") from None
    know_editing(incident, user, getattr(incident, ON_INCIDENT))
    return IncidentAccess(incident=incident, can_edit=can_edit_incident(user, incident))


def incident_for_page(request, pk) -> IncidentAccess:
    """``get_incident_for_user`` for showing the incident page: the incident and who is on it are kept under
    its version, so a viewer asks no query. Changes read the incident afresh (``get_incident_for_user``)."""
    if not keeping():
        return get_incident_for_user(request.user, pk)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such incident") from None

    def read():
        incident = Incident.objects.select_related("team", "facilitator").filter(pk=pk).first()
        return incident and (incident, OnIncident.read(pk))

    names = [f"incident:{pk}", "people"]
    record = kept_record("incident", pk, names, request, read)
    user = request.user
    if record is None or not record[1].may_see(user, record[0]):
        raise Http404("No such incident")
    incident, on = record
    know_editing(incident, user, on.responds_or_involved(user))
    return IncidentAccess(incident=incident, can_edit=can_edit_incident(user, incident), on=on)


# In a statement written out by hand, a row's incident (``i``, left joined): none (a near miss's row), or one this
# person may see. ``Incident.objects.visible_to`` for statements reading one person's own few rows; parameters
# ``everything`` (an admin) and ``{restricted}``, ``web.sql.among`` for the ids of ``restricted_incidents_on``.
MAY_SEE_SQL = "(i.id IS NULL OR (i.deleted_at IS NULL AND (%(everything)s OR NOT i.restricted OR i.id {restricted})))"


def restricted_incidents_on(user, versions: dict | None = None) -> list[int]:
    """The restricted incidents (not deleted) this person responds to or facilitates, sorted: with the
    unrestricted ones, exactly the incidents they may see (admins see all).

    Kept per person with the number of the ``incidents`` version, which whatever opens or closes a restricted
    incident to someone raises (its flag, its facilitator, its responders, its deletion). A page reads it in the
    same round trip as its versions (``fragments.conditional.PERSON_FACTS``)."""
    read = getattr(user, "_restricted_on", None)  # asked again in the same request: nothing read again
    number = (versions or {}).get("incidents")
    if read is not None and number is not None and read[0] == number:
        return read[1]
    ids = kept_under(
        "incidents", person_fact(user, "restricted-on"), VISIBILITY_SECONDS, lambda: _read_restricted_on(user), versions
    )
    if number is not None:
        user._restricted_on = (number, ids)
    return ids


def _read_restricted_on(user) -> list[int]:
    # Written out once: building the query cost more than PostgreSQL answering it. "Responds" as a subquery on
    # the person's rows: a join made PostgreSQL hash every responder (12 ms).
    incidents, responders = Incident._meta.db_table, Incident.responders.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {incidents} WHERE restricted AND deleted_at IS NULL AND (facilitator_id = %s"  # noqa: S608
            f" OR id IN (SELECT incident_id FROM {responders} WHERE user_id = %s)) ORDER BY id",
            [user.pk, user.pk],
        )
        return [pk for (pk,) in cursor.fetchall()]


def visibility_class(user, versions: dict | None = None) -> str:
    """Who sees the same incidents as this person: ``all`` (admins), ``public`` (everyone on no restricted
    incident) or ``restricted-<digest>``: everyone on exactly the same restricted incidents, named by a digest
    of their ids. What a page, a list or the dashboard shows of incidents depends on nothing else, so kept
    fragments and figures are shared per class (two responders of one restricted incident share them).
    """
    if user.is_org_admin:
        return "all"
    ids = restricted_incidents_on(user, versions)
    if not ids:
        return "public"
    return "restricted-" + hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ListViewers:
    """Who shares a list's kept rows at one address, and how many of its rows are this viewer's own."""

    name: str  # ``public``, ``all`` (admins) or this viewer's visibility class
    own_rows: int = 0  # rows only this viewer's restricted incidents bring (0 for ``public`` and ``all``)


def _address(request) -> str:
    """The list's filters and search, any page of them: worked out once a request (a list asks for it two or three
    times), and without copying the query (a deep copy of every value)."""
    address = request.__dict__.get("_list_address")
    if address is None:
        query = request.GET
        if "page" in query:
            query = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                if name != "page":
                    query.setlist(name, values)
        address = request._list_address = query.urlencode()
    return address


def list_viewers_fact(request, listing: str) -> str:
    """What ``list_viewers`` keeps for this person about the list at this address: the page names it among its
    own facts (``conditional_page(own=...)``), so that it comes in the same round trip as the versions."""
    address = hashlib.sha256(_address(request).encode()).hexdigest()[:16]
    return f"list-viewers:{listing}:{address}"


def list_viewers(request, listing: str, version_names: list[str], own_rows: Callable[[list[int]], int]) -> ListViewers:
    """Who shares the kept rows of a list at this address (its filters and search; every page of them).

    Most people are on a restricted incident or two, each set of them a visibility class of its own, so
    rows kept per class were rendered afresh for nearly every viewer. Unless one of their restricted
    incidents shows in this list (``own_rows(ids)``: how many rows they bring, a cheap count on a few ids,
    kept for the person under the list's versions and their class), they see exactly what everyone on none
    sees, and share ``public``'s.
    """
    versions = getattr(request, "versions", None)
    viewers = visibility_class(request.user, versions)
    if not viewers.startswith("restricted-"):
        return ListViewers(viewers)
    own = kept_own(
        request.user,
        list_viewers_fact(request, listing),
        version_names,
        versions,
        lambda: own_rows(restricted_incidents_on(request.user, versions)),
        (viewers, _address(request)),
    )
    return ListViewers(viewers if own else "public", own)


def list_count(request, listing: str, version_names: list[str], viewers: ListViewers, count: Callable[[], int]) -> int:
    """How many rows this viewer's list holds at this address: everyone's count, kept under the list's
    versions, and the viewer's own rows; ``count()`` (this viewer's whole count) only when no one kept it."""
    shared = "all" if viewers.name == "all" else "public"
    key = fragment_key(f"list-count:{listing}", [shared, _address(request), *map(VersionName, version_names)], request)
    everyone = cache.get(key)
    if everyone is None:
        everyone = count() - (0 if shared == "all" else viewers.own_rows)
        cache.set(key, everyone, VISIBILITY_SECONDS)
    return everyone + (0 if shared == "all" else viewers.own_rows)


def restricted_seen(user, ids, versions: dict | None = None) -> tuple:
    """Which of these restricted incidents this person may see: all that a fragment naming them depends on, so
    that it is shared by everyone who sees the same of them (nearly always: none are restricted)."""
    if not ids:
        return ()
    if user.is_org_admin:
        return tuple(sorted(ids))
    return tuple(sorted(set(ids).intersection(restricted_incidents_on(user, versions))))
