"""The timeline, edited inline on the incident page with htmx (and plain forms without JavaScript)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from incidents.access import IncidentAccess, get_incident_for_user
from incidents.forms import TimelineEntryForm
from incidents.models import TimelineEntry
from incidents.services import TimelineEditConflict, update_timeline_entry
from incidents.views.page import TEMPLATE, incident_page_context, timeline_context
from web.htmx import HtmxHttpRequest, render_page, wants_fragment


def _editable(request, pk: int) -> IncidentAccess:
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only responders, the facilitator, the teams involved and admins change the timeline.")
    return access


def _timeline_url(access: IncidentAccess) -> str:
    return access.incident.get_absolute_url() + "#timeline"


def _page(request: HtmxHttpRequest, access: IncidentAccess, partial: str, status: int = 200, **overrides):
    """The incident page, or its ``partial`` for htmx; the fragment needs only the timeline's part of the page."""
    if wants_fragment(request):
        context = timeline_context(access, **overrides)
    else:
        context = incident_page_context(request, access, **overrides)
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


def timeline(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not wants_fragment(request):
        return redirect(_timeline_url(access))
    return _page(request, access, "timeline")


@require_POST
def entry_add(request: HtmxHttpRequest, pk: int):
    access = _editable(request, pk)
    form = TimelineEntryForm(request.POST, prefix="new", instance=TimelineEntry(incident=access.incident))
    if form.is_valid():
        entry = form.save(commit=False)
        entry.author = request.user
        entry.save()
        if not wants_fragment(request):
            return redirect(_timeline_url(access))
        response = _page(request, access, "timeline")
        # Ready for the next fact: the fresh form takes the focus after the swap.
        response.context_data["entry_form"].fields["text"].widget.attrs["autofocus"] = True
        return response
    response = _page(request, access, "timeline_add", status=422, entry_form=form)
    return reswap(retarget(response, "#timeline-add"), "outerHTML")


@require_http_methods(["GET", "POST"])
def entry_edit(request: HtmxHttpRequest, pk: int, entry_pk: int):
    access = _editable(request, pk)
    entry = get_object_or_404(TimelineEntry, incident=access.incident, pk=entry_pk)
    status = 200
    if request.method == "GET":
        form = TimelineEntryForm(instance=entry)
    else:
        form = TimelineEntryForm(request.POST, instance=entry)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                update_timeline_entry(entry, changes, expected_version=form.cleaned_data.get("version"))
            except TimelineEditConflict as conflict:
                # Keep what this person typed; show the other version; saving again replaces it.
                theirs = conflict.current.text
                data = request.POST.copy()
                data["version"] = conflict.current.version
                form = TimelineEntryForm(data, instance=conflict.current)
                form.is_valid()
                form.add_error(
                    None,
                    "Someone else changed this entry while you were editing it. Their version now reads: "
                    f"“{theirs}”. Your text is below; save again to replace theirs, or cancel.",
                )
                status = 409
            else:
                if not wants_fragment(request):
                    return redirect(_timeline_url(access))
                return _page(request, access, "timeline")
        else:
            status = 422
    response = _page(request, access, "timeline_entry", status=status, entry=entry, editing=entry.pk, edit_form=form)
    if status != 200:
        response = reswap(retarget(response, f"#entry-{entry.pk}"), "outerHTML")
    return response


@require_POST
def entry_delete(request: HtmxHttpRequest, pk: int, entry_pk: int):
    access = _editable(request, pk)
    entry = get_object_or_404(TimelineEntry, incident=access.incident, pk=entry_pk)
    entry.soft_delete(by=request.user)
    if not wants_fragment(request):
        return redirect(_timeline_url(access))
    return _page(request, access, "timeline")
