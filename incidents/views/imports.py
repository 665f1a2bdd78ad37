"""Paste a chat transcript, see the entries it will make, adjust them, then save."""

from datetime import datetime
from functools import cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django_htmx.http import HttpResponseClientRedirect

from incidents.access import get_incident_for_user
from incidents.models import EntryKind
from incidents.services import ImportedRow, import_timeline_entries
from incidents.transcript_forms import IMPORT_KINDS, ImportRowFormSet, TranscriptForm
from incidents.transcripts import parse_transcript
from web.htmx import HtmxHttpRequest, render_page


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


@cache
def kind_options(selected: str) -> str:
    """The <option>s of the kind select, built once per selected value (a preview has thousands of rows)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if value == selected else "", label) for value, label in IMPORT_KINDS),
    )


def _local_input(value) -> str:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%dT%H:%M:%S")
    return value or ""


def preview_rows(rows: list[dict] | None = None, formset=None) -> list[dict]:
    """The preview as plain values, from fresh rows or from a bound formset with its errors.

    Thousands of rows render far faster this way than through form widgets.
    """
    if formset is not None:
        rows = []
        for form in formset:
            values = {
                name: form[name].value() for name in ("include", "occurred_at", "kind", "text", "source", "reason")
            }
            rows.append({**values, "errors": form.errors})
    return [
        {
            "number": index + 1,
            "prefix": f"rows-{index}",
            "include": row["include"],
            "occurred_at": _local_input(row["occurred_at"]),
            "kind_options": kind_options(row["kind"]),
            "text": row["text"] or "",
            "source": row["source"] or "",
            "reason": row["reason"] or "",
            "errors": row.get("errors", {}),
        }
        for index, row in enumerate(rows or [])
    ]


def timeline_import(request: HtmxHttpRequest, pk: int):
    access = get_incident_for_user(request.user, pk)
    if not access.can_edit:
        raise PermissionDenied("Only people who can change this incident import into its timeline.")
    incident = access.incident
    step = request.POST.get("step", "paste")
    form = TranscriptForm(request.POST or None, initial={"day": timezone.localtime(incident.impact_started_at).date()})
    rows = None
    shown = []
    import_error = ""
    status = 200
    if request.method == "POST" and step == "preview":
        if form.is_valid():
            transcript = parse_transcript(
                form.cleaned_data["transcript"], day=form.cleaned_data["day"], tz=timezone.get_current_timezone()
            )
            initial = _rows_from(transcript)
            # Only the management form is used from this formset; the rows render from plain values.
            rows = ImportRowFormSet(initial=initial, prefix="rows")
            shown = preview_rows(initial)
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
        shown = preview_rows(formset=rows)
        status = 422
    context = {
        "incident": incident,
        "form": form,
        "rows": rows,
        "preview_rows": shown,
        "import_error": import_error,
    }
    return render_page(request, "incidents/import.html", context, partial="import", status=status)
