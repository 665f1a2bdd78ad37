import json
from datetime import timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from incidents.models import Service, TimelineEntry
from markup.notes import check_while_typing
from postmortems.models import (
    SECTION_TEXTS,
    ContributingFactor,
    FactorCategory,
    ImprovementOpportunity,
    Perspective,
    Review,
    ReviewFeedback,
)

LONG_TEXT_LIMIT = 50_000


def check_as_you_type(field: forms.Field, *, review: Review, html_name: str, notes_id: str) -> None:
    """Ask the language guide about this field's text whenever typing pauses (htmx, debounced)."""
    field.widget.attrs.update(
        {
            "hx-post": reverse("review_check", args=[review.pk]),
            "hx-trigger": "input changed delay:500ms",
            "hx-target": f"#{notes_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-vals": json.dumps({"field": html_name}),
            "aria-describedby": notes_id,
        }
    )


class SectionForm(forms.Form):
    """One section text of the write-up, with the version it was based on."""

    text = forms.CharField(
        required=False, max_length=LONG_TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8, "autofocus": True})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, section: str, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = SECTION_TEXTS[section]
        self.fields["text"].help_text = Review._meta.get_field(section).help_text
        check_as_you_type(
            self.fields["text"], review=review, html_name=self.add_prefix("text"), notes_id=f"notes-{section}"
        )


class FactorForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = ContributingFactor
        fields = ["description", "category", "depth", "service", "timeline_entries"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "timeline_entries": forms.CheckboxSelectMultiple,
        }
        labels = {"depth": "Depth (the iceberg)", "timeline_entries": "Linked timeline entries"}
        help_texts = {
            "depth": "Event: this time only. Pattern: it has happened before. Structure: how we are organised "
            "makes it likely. Mental model: a belief we hold that made it likely.",
        }

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = FactorCategory.objects.filter(active=True)
        self.fields["category"].empty_label = "Choose a category"
        self.fields["service"].queryset = Service.objects.all()
        self.fields["service"].empty_label = "No particular service"
        if "timeline_entries" in self.fields:
            if review.incident_id:
                self.fields["timeline_entries"].queryset = TimelineEntry.objects.filter(incident_id=review.incident_id)
            else:
                del self.fields["timeline_entries"]
        self.fields["description"].max_length = 5000
        notes_id = f"notes-factor-{self.instance.pk}" if self.instance.pk else f"notes-{self.prefix or 'factor'}-new"
        check_as_you_type(
            self.fields["description"], review=review, html_name=self.add_prefix("description"), notes_id=notes_id
        )
        self.notes_id = notes_id


class QuickFactorForm(FactorForm):
    """The meeting's one-line capture: description, category, depth."""

    class Meta(FactorForm.Meta):
        fields = ["description", "category", "depth", "service"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class OpportunityForm(forms.ModelForm):
    class Meta:
        model = ImprovementOpportunity
        fields = ["question"]
        labels = {"question": "How might we …?"}
        help_texts = {"question": "A question that opens the way to a change in the system."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "question")

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if not question.lower().startswith("how might we"):
            raise forms.ValidationError("Frame it as a question that starts with “How might we …”.")
        if not question.endswith("?"):
            question += "?"
        return question


class PerspectiveForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Perspective
        fields = list(Perspective.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in Perspective.TEXT_FIELDS}
        help_texts = {
            "saw": "Signals, dashboards, messages: what reached you, and when.",
            "knew": "What you knew at that moment, not what we know now.",
            "assumed": "What you took for granted, and what made it seem reasonable.",
            "pressure": "Time, competing work, pages at 3 a.m., anything that shaped your choices.",
        }

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Perspective.TEXT_FIELDS:
            check_as_you_type(
                self.fields[name], review=review, html_name=self.add_prefix(name), notes_id=f"notes-{name}"
            )


def participant_choices(review: Review):
    """Who may be invited to a review: anyone active, or for a restricted incident only those who may see it."""
    people = User.objects.filter(is_active=True)
    return review.incident.audience(people) if review.incident_id else people


class ParticipantsForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participant_choices(review)


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["meeting_at", "meeting_minutes", "meeting_place"]
        widgets = {"meeting_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        help_texts = {"meeting_at": "In your own time zone."}

    def clean_meeting_at(self):
        value = self.cleaned_data["meeting_at"]
        if value and value < timezone.now() - timedelta(days=1):
            raise forms.ValidationError("Pick a time that is not in the past.")
        return value


class DismissFlagForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(
        max_length=500,
        label="Why this note does not apply here",
        widget=forms.TextInput(attrs={"placeholder": "e.g. a quotation from the alert text"}),
    )


SCALE = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.ModelForm):
    blameless = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="Did the review stay blameless? (1 not at all – 5 fully)",
    )
    useful = forms.TypedChoiceField(
        choices=SCALE, coerce=int, widget=forms.RadioSelect, label="Was it useful? (1 not at all – 5 very)"
    )

    class Meta:
        model = ReviewFeedback
        fields = ["blameless", "useful", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"comment": "Anything to tell the facilitator?"}
        help_texts = {"comment": "The facilitator sees averages and comments, never who wrote them."}


class LibraryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    category = forms.ChoiceField(required=False)
    service = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    period = forms.ChoiceField(required=False)
