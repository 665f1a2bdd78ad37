"""The timeline, edited inline on the incident page with htmx (and plain forms without JavaScript)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from incidents.access import IncidentAccess, get_incident_for_user
from incidents.forms import TimelineEntryForm
from incidents.models import EntryKind, TimelineEntry
from incidents.services import TimelineEditConflict, update_timeline_entry
from incidents.views import HtmxHttpRequest


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


def _editable(request, pk: int) -> IncidentAccess:
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only responders, the facilitator, the teams involved and admins change the timeline.")
    return access


def _full_page(request, access: IncidentAccess, status: int = 200, **overrides) -> HttpResponse:
    from incidents.views.incidents import incident_page_context

    context = incident_page_context(request, access, **overrides)
    return render(request, "incidents/detail.html", context, status=status)


def _timeline_url(access: IncidentAccess) -> str:
    return access.incident.get_absolute_url() + "#timeline"


def timeline(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if request.htmx:
        return render(request, "incidents/detail.html#timeline", timeline_context(access))
    return redirect(_timeline_url(access))


@require_POST
def entry_add(request: HtmxHttpRequest, pk: int):
    access = _editable(request, pk)
    form = TimelineEntryForm(request.POST, prefix="new", instance=TimelineEntry(incident=access.incident))
    if form.is_valid():
        entry = form.save(commit=False)
        entry.author = request.user
        entry.save()
        if request.htmx:
            context = timeline_context(access)
            # Ready for the next fact: the fresh form takes the focus after the swap.
            context["entry_form"].fields["text"].widget.attrs["autofocus"] = True
            return render(request, "incidents/detail.html#timeline", context)
        return redirect(_timeline_url(access))
    if request.htmx:
        response = render(
            request, "incidents/detail.html#timeline_add", {"incident": access.incident, "entry_form": form}, status=422
        )
        return reswap(retarget(response, "#timeline-add"), "outerHTML")
    return _full_page(request, access, status=400, entry_form=form)


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
                if request.htmx:
                    return render(request, "incidents/detail.html#timeline", timeline_context(access))
                return redirect(_timeline_url(access))
        else:
            status = 422
    if request.htmx:
        context = {
            "incident": access.incident,
            "entry": entry,
            "can_edit": True,
            "editing": entry.pk,
            "edit_form": form,
        }
        response = render(request, "incidents/detail.html#timeline_entry", context, status=status)
        if status != 200:
            response = reswap(retarget(response, f"#entry-{entry.pk}"), "outerHTML")
        return response
    return _full_page(request, access, status=400 if status != 200 else 200, editing=entry.pk, edit_form=form)


@require_POST
def entry_delete(request: HtmxHttpRequest, pk: int, entry_pk: int):
    access = _editable(request, pk)
    entry = get_object_or_404(TimelineEntry, incident=access.incident, pk=entry_pk)
    entry.soft_delete(by=request.user)
    if request.htmx:
        return render(request, "incidents/detail.html#timeline", timeline_context(access))
    return redirect(_timeline_url(access))
