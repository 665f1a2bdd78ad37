"""The forms of importing a chat transcript: the paste, then one row of the preview per line."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.forms import LocalDateTimeInput
from incidents.models import EntryKind
from incidents.transcripts import MAX_BYTES, MAX_LINES, measure
from markup.notes import check_while_typing


class TranscriptForm(forms.Form):
    transcript = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "data-max-bytes": MAX_BYTES, "data-max-lines": MAX_LINES}),
        strip=False,
        help_text=(
            "Paste lines like “[14:02] name: text” or “2026-03-01 14:02:11 name: text”, or a Slack channel "
            f"export (JSON). Up to {MAX_BYTES // 1000} KB and {MAX_LINES:,} lines at a time."
        ),
    )
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day for lines that only have a time of day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["transcript"].help_text += f" Times without a zone are read as {zone}."

    def clean_transcript(self):
        text = self.cleaned_data["transcript"]
        size, lines = measure(text)
        if size > MAX_BYTES or lines > MAX_LINES:
            raise ValidationError(
                f"This paste has {size:,} bytes in {lines:,} lines; we take up to {MAX_BYTES // 1000} KB and "
                f"{MAX_LINES:,} lines at a time. Split it into parts and import them one after another."
            )
        if not text.strip():
            raise ValidationError("Paste the transcript here.")
        return text


IMPORT_KINDS = [(value, label) for value, label in EntryKind.choices if value != EntryKind.DECISION]


class ImportRowForm(forms.Form):
    """One row of the preview: keep it or not, and adjust time, kind and text before saving."""

    include = forms.BooleanField(required=False, label="Import")
    occurred_at = forms.DateTimeField(required=False, label="Time", widget=LocalDateTimeInput)
    kind = forms.ChoiceField(choices=IMPORT_KINDS, initial=EntryKind.COMMUNICATION)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Text")
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "text")
        self.fields["text"].widget.attrs["data-check-now"] = ""  # the preview shows notes before anyone types

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include"):
            if not cleaned.get("occurred_at") and "occurred_at" not in self.errors:
                self.add_error("occurred_at", "Give this entry a time, or leave it out.")
            if not (cleaned.get("text") or "").strip():
                self.add_error("text", "Give this entry some text, or leave it out.")
        return cleaned


ImportRowFormSet = forms.formset_factory(ImportRowForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES)
