from datetime import datetime, timedelta

from django import forms
from django.db import models
from django.db.models import Count
from django.utils import timezone

from accounts.models import Team, User
from audit.versions import VersionedFormMixin
from fragments import times
from incidents.guards import why_moving_mitigation_needs_a_reason
from incidents.models import (
    SEVERITY_MEANINGS,
    HowCaught,
    Incident,
    NearMiss,
    Service,
    Severity,
    Status,
    TimelineEntry,
)
from markup.notes import check_while_typing

# A little slack for clocks that disagree; anything later than this is "in the future".
CLOCK_SKEW = timedelta(minutes=5)
TIME_FIELDS = ["impact_started_at", "detected_at", "mitigated_at", "resolved_at"]


class LocalDateTimeInput(forms.DateTimeInput):
    """A ``datetime-local`` input in the viewer's zone; seconds appear only when the value has them."""

    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "second"):
            self.attrs["step"] = "1" if value.second else "60"
            if isinstance(value, datetime) and times.is_keeping():  # in a shared fragment: each viewer's zone
                moment = value if timezone.is_aware(value) else timezone.make_aware(value)
                return times.shown(moment, "input-seconds" if value.second else "input")
            return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
        if value and isinstance(value, str) and value.count(":") == 2:
            self.attrs["step"] = "1"
        return super().format_value(value)


def zone_help(text: str = "") -> str:
    zone = times.zone_name()
    return f"{text} In your time zone, {zone}.".strip() if text else f"In your time zone, {zone}."


def severity_choices():
    return [(value, f"{label} — {SEVERITY_MEANINGS[Severity(value)]}") for value, label in Severity.choices]


def teams_for(user):
    return Team.objects.all() if user.is_org_admin else Team.objects.filter(memberships__user=user)


class PeoplePicker(forms.CheckboxSelectMultiple):
    """Tick boxes for people with a search box above them (static/js/incidents.js narrows the list)."""

    template_name = "widgets/people_picker.html"

    def __init__(self, attrs=None, choices=(), search_label: str = "a person"):
        super().__init__({"class": "checkbox-list people-list", **(attrs or {})}, choices)
        self.search_label = search_label

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, attrs) | {"search_label": self.search_label}


class NotInFutureMixin:
    """Times are facts about the past: refuse one that lies ahead (naming the field)."""

    def clean(self):
        cleaned = super().clean()
        latest = timezone.now() + CLOCK_SKEW
        for name in TIME_FIELDS + ["occurred_at"]:
            value = cleaned.get(name)
            if value and value > latest and name in self.fields:
                label = (self.fields[name].label or name).lower()
                what = "This time" if label == "time" else f"The {label} time"
                self.add_error(name, f"{what} is in the future; enter when it happened.")
        return cleaned


class IncidentCreateForm(NotInFutureMixin, forms.ModelForm):
    """The short form: enough to start; the rest is filled in later."""

    class Meta:
        model = Incident
        fields = ["title", "severity", "team", "impact_started_at", "restricted"]
        widgets = {"severity": forms.RadioSelect, "impact_started_at": LocalDateTimeInput}
        labels = {"title": "What is happening?", "restricted": "Restricted (for example a security incident)"}
        help_texts = {
            "title": "A short, factual name, such as “Checkout returns 502 for card payments”.",
            "restricted": "Only responders, the facilitator and admins will know this incident exists.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "title")
        self.fields["severity"].choices = severity_choices()
        self.fields["team"].queryset = teams_for(user)
        self.fields["team"].empty_label = None if self.fields["team"].queryset.count() == 1 else "Choose a team"
        self.fields["impact_started_at"].help_text = zone_help("When customers or systems were first affected.")
        self.fields["impact_started_at"].label = "Impact started"


class IncidentEditForm(VersionedFormMixin, NotInFutureMixin, forms.ModelForm):
    """Everything about an incident; the time order rule lives on the model."""

    class Meta:
        model = Incident
        fields = [
            "title",
            "severity",
            "status",
            "summary",
            "customer_impact",
            "impact_started_at",
            "detected_at",
            "mitigated_at",
            "mitigation_change_reason",
            "resolved_at",
            "team",
            "involved_teams",
            "services",
            "responders",
            "facilitator",
            "restricted",
            "disposition",
            "duplicate_of",
        ]
        widgets = {
            "severity": forms.RadioSelect,
            "impact_started_at": LocalDateTimeInput,
            "detected_at": LocalDateTimeInput,
            "mitigated_at": LocalDateTimeInput,
            "resolved_at": LocalDateTimeInput,
            "involved_teams": forms.CheckboxSelectMultiple,
            "services": forms.CheckboxSelectMultiple,
            "responders": PeoplePicker(search_label="a responder"),
            "summary": forms.Textarea(attrs={"rows": 8}),
            "customer_impact": forms.Textarea(attrs={"rows": 3}),
            "mitigation_change_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "impact_started_at": "Impact started",
            "detected_at": "Detected",
            "mitigated_at": "Mitigated",
            "resolved_at": "Resolved",
            "involved_teams": "Other teams involved",
            "disposition": "Closed as",
        }
        help_texts = {
            "customer_impact": "Who was affected and how, in numbers where you have them.",
            "responders": "The people who worked on it; they share the follow-up.",
            "involved_teams": "Teams besides the leading one.",
            "status": "Investigating → mitigated → resolved → reviewed. Publishing its review marks it reviewed.",
            "duplicate_of": "Only when this is a duplicate.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "title", "summary", "customer_impact")
        self.fields["severity"].choices = severity_choices()
        self.fields["team"].queryset = Team.objects.all()
        people = User.objects.filter(is_active=True)
        self.fields["responders"].queryset = people.order_by("display_name", "username")
        self.fields["responders"].label_from_instance = lambda user: user.name
        self.fields["facilitator"].label_from_instance = lambda user: user.name
        # The leading team is not "another" team; incidents.js also hides the one chosen in the form.
        self.fields["involved_teams"].queryset = Team.objects.exclude(pk=self.instance.team_id)
        self.fields["facilitator"].queryset = people
        self.fields["duplicate_of"].queryset = (
            Incident.objects.visible_to(user).exclude(pk=self.instance.pk).only("pk", "title", "impact_started_at")
        )
        self.fields["duplicate_of"].label_from_instance = lambda incident: f"#{incident.pk} {incident.title}"
        for name in TIME_FIELDS:
            self.fields[name].help_text = zone_help()
        self.fields["status"].choices = Status.choices
        # Each change of the mitigation time gives its own reason; the earlier ones stay in the history.
        self.initial["mitigation_change_reason"] = ""

    def clean(self):
        cleaned = super().clean()
        team = cleaned.get("team")
        if team is not None and "involved_teams" in cleaned:
            cleaned["involved_teams"] = [other for other in cleaned["involved_teams"] if other.pk != team.pk]
        self.clean_mitigation_change()
        # Time to mitigate is one of the numbers that matter: a status past "investigating" needs its time.
        if cleaned.get("disposition"):
            return cleaned
        status = cleaned.get("status")
        stored = Incident.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        if status == Status.REVIEWED and stored not in (Status.RESOLVED, Status.REVIEWED):
            self.add_error("status", "An incident is reviewed only after it is resolved: mark it resolved first.")
        needs = {
            Status.MITIGATED: ["mitigated_at"],
            Status.RESOLVED: ["mitigated_at", "resolved_at"],
            Status.REVIEWED: ["mitigated_at", "resolved_at"],
        }.get(status, [])
        for name in needs:
            if not cleaned.get(name) and name not in self.errors:
                label = self.fields[name].label.lower()
                self.add_error(name, f"The status is “{Status(status).label.lower()}”: add when it was {label}.")
        return cleaned

    def clean_mitigation_change(self) -> None:
        reason = (self.cleaned_data.get("mitigation_change_reason") or "").strip()
        moved = "mitigated_at" in self.changed_data and self.instance.pk and self.instance.mitigated_at
        if not moved:
            self.cleaned_data["mitigation_change_reason"] = self.instance.mitigation_change_reason
            return
        needs = why_moving_mitigation_needs_a_reason(self.instance)
        if needs and not reason:
            self.add_error("mitigation_change_reason", needs)
        self.cleaned_data["mitigation_change_reason"] = reason


def https_urls(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class TimelineEntryForm(NotInFutureMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TimelineEntry
        fields = ["occurred_at", "kind", "text", "link", "known_then", "missing_then"]
        widgets = {
            "occurred_at": LocalDateTimeInput,
            "text": forms.Textarea(attrs={"rows": 2}),
            "known_then": forms.Textarea(attrs={"rows": 2}),
            "missing_then": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"occurred_at": "Time", "text": "What happened", "link": "Link"}
        formfield_callback = https_urls
        help_texts = {
            "link": "A graph, log search, chat message or ticket.",
            "text": "State the fact, without judging it: what was seen, done, decided or said.",
            "known_then": "Decisions only: what the people deciding knew at that moment.",
            "missing_then": "Decisions only: what they could not know yet. If nothing seemed missing, say so.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "text", "known_then", "missing_then")
        self.fields["occurred_at"].help_text = zone_help()
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        # Unique ids per entry, so several forms can be on the page at once.
        if self.instance.pk:
            self.auto_id = f"id_entry{self.instance.pk}_%s"


class IncidentLinkForm(forms.Form):
    # A number, not a list of every incident: an organisation has thousands, and the page must stay light.
    incident = forms.ModelChoiceField(
        queryset=Incident.objects.none(),
        label="Related incident",
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        help_text="Its number, as shown after # in the incident list.",
        error_messages={"invalid_choice": "There is no other incident with that number that you can see."},
    )
    note = forms.CharField(
        max_length=200, required=False, help_text="What they have in common, for example “same retry storm”."
    )

    def __init__(self, *args, user, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = Incident.objects.visible_to(user).exclude(pk=incident.pk)
        self.auto_id = "id_link_%s"


class NearMissForm(forms.ModelForm):
    anonymous = forms.BooleanField(
        required=False,
        label="File anonymously",
        help_text=(
            "We then store no trace of you: no name, no account, no address, no exact time (only the day), "
            "and nobody is notified about who filed it — not even you can prove it later."
        ),
    )

    class Meta:
        model = NearMiss
        fields = ["what_almost_happened", "how_caught", "what_could_have_happened", "service", "team"]
        widgets = {
            "what_almost_happened": forms.Textarea(attrs={"rows": 3}),
            "what_could_have_happened": forms.Textarea(attrs={"rows": 2}),
            "how_caught": forms.RadioSelect,
        }
        labels = {
            "what_almost_happened": "What almost happened?",
            "how_caught": "How was it caught?",
            "what_could_have_happened": "What could have happened?",
            "service": "System or service",
        }
        help_texts = {
            "what_almost_happened": "The facts, briefly: what was about to go wrong.",
            "what_could_have_happened": "If it had not been caught.",
            "team": (
                "Optional. In a small team, naming it narrows down who could have filed this report; "
                "leave it empty if that matters to you."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "what_almost_happened", "what_could_have_happened")
        self.fields["how_caught"].choices = HowCaught.choices
        self.fields["service"].queryset = Service.objects.all()
        self.fields["service"].empty_label = "Not sure / none of these"
        # Never filled in from the filer's own teams: a team is only given when the person picks one.
        self.fields["team"].queryset = Team.objects.annotate(size=Count("memberships__user", distinct=True))
        self.fields["team"].label_from_instance = lambda team: (
            f"{team.name} ({team.size} {pluralize_people(team.size)})"
        )
        self.fields["team"].empty_label = "Not sure / rather not say"


def pluralize_people(count: int) -> str:
    return "person" if count == 1 else "people"


PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
PERIOD_CHOICES = [
    ("", "Any time"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("365d", "Last 12 months"),
]


class IncidentFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", widget=forms.TextInput(attrs={"type": "search"}))
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), to_field_name="slug", required=False, empty_label="All teams"
    )
    severity = forms.ChoiceField(choices=[("", "All severities"), *Severity.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False, label="Started")
    sort = forms.ChoiceField(
        choices=[
            ("", "Newest first"),
            ("oldest", "Oldest first"),
            ("severity", "Most severe first"),
            ("ttd", "Longest time to detect"),
            ("ttm", "Longest time to mitigate"),
        ],
        required=False,
        label="Order",
    )


class NearMissFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), to_field_name="slug", required=False, empty_label="All teams"
    )
    how_caught = forms.ChoiceField(choices=[("", "Any way"), *HowCaught.choices], required=False, label="Caught by")
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False, empty_label="All services")
    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False, label="Filed")
