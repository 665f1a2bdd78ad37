from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fragments.conditional import conditional_page
from incidents.access import IncidentAccess, get_incident_for_user
from incidents.forms import PERIODS, IncidentCreateForm, IncidentEditForm, IncidentFilterForm, IncidentLinkForm
from incidents.models import Incident, IncidentLink
from incidents.services import LinkRefused, create_incident, link_incidents
from incidents.views import HtmxHttpRequest
from incidents.views.timeline import timeline_context

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
    if data.get("severity"):
        incidents = incidents.filter(severity=data["severity"])
    if data.get("status"):
        incidents = incidents.filter(status=data["status"])
    if data.get("period"):
        incidents = incidents.filter(impact_started_at__gte=timezone.now() - timedelta(days=PERIODS[data["period"]]))
    incidents = incidents.annotate(
        ttd=ExpressionWrapper(F("detected_at") - F("impact_started_at"), output_field=DurationField()),
        ttm=ExpressionWrapper(F("mitigated_at") - F("impact_started_at"), output_field=DurationField()),
    )
    return incidents.order_by(*SORTS[data.get("sort") or ""])


@conditional_page(lambda request: ["incidents"])
def incident_list(request: HtmxHttpRequest):
    form = IncidentFilterForm(request.GET or None)
    incidents = filtered_incidents(request.user, form)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "incidents": list(page.object_list),
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    template = "incidents/list.html#results" if request.htmx and not request.htmx.boosted else "incidents/list.html"
    return render(request, template, context)


def incident_new(request: HtmxHttpRequest):
    if not (request.user.team_ids or request.user.is_org_admin):
        raise PermissionDenied("Opening an incident needs a team; an admin can add you to yours.")
    initial = {"impact_started_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = IncidentCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        incident = create_incident(created_by=request.user, **form.cleaned_data)
        messages.success(request, "The incident is open. Add what you know to the timeline as you go.")
        return redirect(incident)
    return render(request, "incidents/new.html", {"form": form}, status=400 if form.errors else 200)


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


@conditional_page(lambda request, pk: [f"incident:{pk}"], clock_seconds=60)
def incident_detail(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    return render(request, "incidents/detail.html", incident_page_context(request, access))


def incident_edit(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only responders, the facilitator, the teams involved and admins change an incident.")
    form = IncidentEditForm(request.POST or None, instance=access.incident, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The incident is updated.")
        return redirect(access.incident)
    context = {"incident": access.incident, "form": form}
    return render(request, "incidents/edit.html", context, status=400 if form.errors else 200)


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
        template = "incidents/detail.html#related" if request.htmx else "incidents/detail.html"
        return render(request, template, context, status=422 if request.htmx else 400)
    if request.htmx:
        return render(request, "incidents/detail.html#related", incident_page_context(request, access))
    return redirect(access.incident.get_absolute_url() + "#related")


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
    if request.htmx:
        return render(request, "incidents/detail.html#related", incident_page_context(request, access))
    return redirect(access.incident.get_absolute_url() + "#related")
