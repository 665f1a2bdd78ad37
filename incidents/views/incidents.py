from datetime import timedelta
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.shortcuts import redirect
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from audit.versions import EditConflict, differences, rebase, save_if_unchanged
from fragments.conditional import conditional_page
from fragments.kept import kept_rows
from incidents.access import (
    IncidentAccess,
    get_incident_for_user,
    incident_for_page,
    list_count,
    list_viewers,
    list_viewers_fact,
)
from incidents.forms import PERIODS, IncidentCreateForm, IncidentEditForm, IncidentFilterForm, IncidentLinkForm
from incidents.models import Incident, IncidentLink
from incidents.services import LinkRefused, create_incident, link_incidents
from incidents.views.page import TEMPLATE, incident_page_context
from web.filters import narrowed
from web.htmx import HtmxHttpRequest, render_page, wants_fragment
from web.pagination import page_context

PAGE_SIZE = 25

SORTS = {
    "": ["-impact_started_at", "-pk"],
    "oldest": ["impact_started_at", "pk"],
    "severity": ["severity", "-impact_started_at", "-pk"],
    "ttd": [F("ttd").desc(nulls_last=True), "-pk"],
    "ttm": [F("ttm").desc(nulls_last=True), "-pk"],
}


def filtered_incidents(user, form: IncidentFilterForm):
    """The incidents this person may see, narrowed by the list filters (invalid filters are ignored)."""
    incidents = Incident.objects.visible_to(user).select_related("team")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        words = data["q"].split()
        for word in words:
            incidents = incidents.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(customer_impact__icontains=word)
            )
    if data.get("team"):
        team = data["team"]
        incidents = incidents.filter(Q(team=team) | Q(involved_teams=team)).distinct()
    incidents = narrowed(incidents, data, ("severity", "status"))
    if data.get("period"):
        incidents = incidents.filter(impact_started_at__gte=timezone.now() - timedelta(days=PERIODS[data["period"]]))
    incidents = incidents.annotate(
        ttd=ExpressionWrapper(F("detected_at") - F("impact_started_at"), output_field=DurationField()),
        ttm=ExpressionWrapper(F("mitigated_at") - F("impact_started_at"), output_field=DurationField()),
    )
    return incidents.order_by(*SORTS[data.get("sort") or ""])


@conditional_page(lambda request: ["incidents"], own=lambda request: [list_viewers_fact(request, "incidents")])
def incident_list(request: HtmxHttpRequest):
    # Built once, and only when no kept fragment serves the filters or the rows (its fields cost a deep copy each);
    # the template calls it as it calls any callable.
    form = cache(lambda: IncidentFilterForm(request.GET or None))
    # Built only when no kept page serves the request, and once for its count and its page.
    visible = cache(lambda: filtered_incidents(request.user, form()))
    # Everyone who sees the same incidents here shares the kept page (filters, page), its count and its rows.
    viewers = list_viewers(request, "incidents", ["incidents"], lambda ids: own_rows(request, visible, ids))
    context = {"form": form, "viewers": viewers.name} | page_context(
        request,
        lambda: visible().values_list("pk", flat=True),
        PAGE_SIZE,
        count=lambda: list_count(request, "incidents", ["incidents"], viewers, lambda: visible().count()),
    )
    context["rows"] = SimpleLazyObject(lambda: incident_rows(request, context["page"].object_list))
    # The page's incidents themselves, read only if asked for (the rows are kept per incident).
    context["incidents"] = SimpleLazyObject(lambda: _in_order(context["page"].object_list))
    return render_page(request, "incidents/list.html", context, partial="results")


def own_rows(request, visible, restricted_ids: list[int]) -> int:
    """How many of this person's restricted incidents the list at this address holds. Unfiltered, it holds every
    incident they may see, so all of them: no query (the list is a sort or a page of everything)."""
    if not any(request.GET.get(name) for name in IncidentFilterForm.base_fields if name != "sort"):
        return len(restricted_ids)
    return visible().filter(pk__in=restricted_ids).count()


def _in_order(pks) -> list:
    found = Incident.objects.select_related("team").in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def incident_rows(request, pks) -> list:
    """Each incident's row, kept per incident for everyone (its version, and ``people`` for its team's name)."""
    row = get_template("incidents/includes/incident_row.html")
    return kept_rows(
        "incident-row",
        [(pk, [f"incident:{pk}", "people"]) for pk in pks],
        request,
        lambda missing: Incident.objects.select_related("team").in_bulk(missing),
        lambda incident: row.render({"incident": incident}),
    )


def incident_new(request: HtmxHttpRequest):
    if not (request.user.team_ids or request.user.is_org_admin):
        raise PermissionDenied("Opening an incident needs a team; an admin can add you to yours.")
    initial = {"impact_started_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = IncidentCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        incident = create_incident(created_by=request.user, **form.cleaned_data)
        messages.success(request, "The incident is open. Add what you know to the timeline as you go.")
        return redirect(incident)
    return render_page(request, "incidents/new.html", {"form": form}, status=422 if form.errors else 200)


@conditional_page(lambda request, pk: [f"incident:{pk}", f"timeline:{pk}"], clock_seconds=60)
def incident_detail(request: HtmxHttpRequest, pk: int):
    access = incident_for_page(request, pk)
    return render_page(request, TEMPLATE, incident_page_context(request, access))


def incident_edit(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only responders, the facilitator, the teams involved and admins change an incident.")
    form = IncidentEditForm(request.POST or None, instance=access.incident, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_if_unchanged(form)
        except EditConflict as stale:
            conflict = differences(form, stale.current)
            form = rebase(IncidentEditForm, request.POST, stale.current, user=request.user)
        else:
            messages.success(request, "The incident is updated.")
            return redirect(access.incident)
    context = {"incident": access.incident, "form": form, "conflict": conflict, "conflict_what": "this incident"}
    status = 409 if conflict is not None else 422 if form.errors else 200
    return render_page(request, "incidents/edit.html", context, status=status)


@require_POST
def link_add(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only people who can change this incident link it to others.")
    form = IncidentLinkForm(request.POST, user=request.user, incident=access.incident)
    if form.is_valid():
        try:
            link_incidents(access.incident, form.cleaned_data["incident"], note=form.cleaned_data["note"])
        except LinkRefused as refusal:
            form.add_error("incident", str(refusal))
    if form.errors:
        context = incident_page_context(request, access, link_form=form)
        return render_page(request, TEMPLATE, context, partial="related", status=422)
    return _related(request, access)


@require_POST
def link_remove(request: HtmxHttpRequest, pk: int, link_pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only people who can change this incident unlink it.")
    visible = Incident.objects.visible_to(request.user)
    IncidentLink.objects.filter(
        Q(from_incident=access.incident, to_incident__in=visible)
        | Q(to_incident=access.incident, from_incident__in=visible),
        pk=link_pk,
    ).delete()
    return _related(request, access)


def _related(request: HtmxHttpRequest, access: IncidentAccess):
    """After a change to the links: the related incidents again for htmx, else back to the page."""
    if not wants_fragment(request):
        return redirect(access.incident.get_absolute_url() + "#related")
    return render_page(request, TEMPLATE, incident_page_context(request, access), partial="related")
