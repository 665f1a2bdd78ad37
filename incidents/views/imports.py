"""Paste a chat transcript, see the entries it will make, adjust them, then save."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from incidents.access import get_incident_for_user
from incidents.forms import ImportRowFormSet, TranscriptForm
from incidents.models import EntryKind
from incidents.services import ImportedRow, import_timeline_entries
from incidents.transcripts import parse_transcript
from incidents.views import HtmxHttpRequest


def _rows_from(transcript) -> list[dict]:
    rows = [
        {
            "include": True,
            "occurred_at": timezone.localtime(entry.occurred_at),
            "kind": EntryKind.COMMUNICATION,
            "text": entry.entry_text,
            "source": f"line {', '.join(map(str, entry.lines))}",
            "reason": "",
            "_sort": (0, entry.occurred_at, entry.lines[0]),
        }
        for entry in transcript.entries
    ]
    rows.sort(key=lambda row: row.pop("_sort"))
    # Unreadable lines come last, unticked, so nothing is dropped without the person seeing it.
    noun = "message" if transcript.format == "slack" else "line"
    rows += [
        {
            "include": False,
            "occurred_at": None,
            "kind": EntryKind.COMMUNICATION,
            "text": line.text,
            "source": f"{noun} {line.line}",
            "reason": line.reason,
        }
        for line in transcript.unparsed
    ]
    return rows


def timeline_import(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only people who can change this incident import into its timeline.")
    incident = access.incident
    step = request.POST.get("step", "paste")
    form = TranscriptForm(request.POST or None, initial={"day": timezone.localtime(incident.impact_started_at).date()})
    rows = None
    import_error = ""
    status = 200
    if request.method == "POST" and step == "preview":
        if form.is_valid():
            transcript = parse_transcript(
                form.cleaned_data["transcript"], day=form.cleaned_data["day"], tz=timezone.get_current_timezone()
            )
            rows = ImportRowFormSet(initial=_rows_from(transcript), prefix="rows")
            if not transcript.entries and not transcript.unparsed:
                form.add_error("transcript", "There is nothing to import in this paste.")
                rows, status = None, 422
        else:
            status = 422
    elif request.method == "POST" and step == "save":
        rows = ImportRowFormSet(request.POST, prefix="rows")
        if rows.is_valid():
            kept = [
                ImportedRow(row["occurred_at"], row["kind"], row["text"].strip())
                for row in rows.cleaned_data
                if row.get("include")
            ]
            if kept:
                import_timeline_entries(incident, kept, author=request.user)
                messages.success(request, f"{len(kept)} timeline entr{'y' if len(kept) == 1 else 'ies'} imported.")
                url = incident.get_absolute_url() + "#timeline"
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            import_error = "Tick at least one row to import, or go back to the incident."
        status = 422
    context = {"incident": incident, "form": form, "rows": rows, "import_error": import_error}
    if request.htmx:
        return render(request, "incidents/import.html#import", context, status=status)
    return render(request, "incidents/import.html", context, status=400 if status != 200 else 200)
