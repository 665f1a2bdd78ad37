from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Membership, Team, User
from actions.models import ActionItem, ActionKind, ActionStatus, NotificationPreference, Priority, TeamChatHook
from incidents.models import Incident
from markup.notes import check_while_typing


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActionItemForm(forms.ModelForm):
    """Create or edit an action item. The model refuses null remedies, with an explanation."""

    change_url = forms.URLField(
        label="Link to the change",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The pull request, ticket or design document that makes the change.",
    )

    class Meta:
        model = ActionItem
        fields = ["title", "kind", "owner", "team", "due_on", "priority", "change_url", "description", "addresses"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "kind": "Test, guardrail, tooling, observability and architecture change the system; "
            "with an owner and a link to the change, one of them meets the 48-hour obligation.",
        }

    def __init__(self, *args, review=None, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        check_while_typing(self, "title", "description", kind="action")
        self.fields["owner"].queryset = owner_choices(incident or self.instance.incident, self.instance.owner_id)
        self.fields["owner"].label_from_instance = lambda user: user.name
        self.fields["team"].queryset = Team.objects.all()
        if review is None and self.instance.review_id:
            review = self.instance.review
        if review is not None:
            self.fields["addresses"].queryset = review.factors.select_related("category")
            self.fields["addresses"].label_from_instance = lambda factor: (
                f"{factor.category}: {factor.description[:70]}"
            )
            self.fields["addresses"].widget = forms.CheckboxSelectMultiple(choices=self.fields["addresses"].choices)
        else:
            del self.fields["addresses"]
        if not self.instance.pk and incident is not None and not self.initial.get("team"):
            self.initial["team"] = incident.team_id


def owner_choices(incident, current_owner_id=None):
    """People who can own an incident's action item: its teams, responders and facilitator (for a
    restricted incident only those of them who may see it).

    Listing the whole organisation would put hundreds of names in every form on the page.
    """
    people = User.objects.filter(is_active=True)
    if incident is None:
        return people
    teams = Q(team_id=incident.team_id) | Q(team__in=incident.involved_teams.values("pk"))
    # Each group is a small indexed set; OR-ing joins instead would test every person against every row.
    near = (
        Q(pk__in=Membership.objects.filter(teams).values("user_id"))
        | Q(pk__in=Incident.responders.through.objects.filter(incident=incident).values("user_id"))
        | Q(pk=incident.facilitator_id)
    )
    if current_owner_id:
        near |= Q(pk=current_owner_id)
    # Of a restricted incident, only people who may see it can own its items (and hear of them).
    return incident.audience(people.filter(near))


class QuickActionItemForm(ActionItemForm):
    """The short inline form on the incident and review pages: the fields that matter to meet the obligation."""

    class Meta(ActionItemForm.Meta):
        fields = ["title", "kind", "owner", "change_url", "due_on", "team", "addresses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.team_id:
            del self.fields["team"]


class ActionStatusForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["status", "wont_do_reason", "landing_evidence_url"]
        widgets = {"wont_do_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "wont_do_reason": "Needed for “won't do”; everyone who can see the item reads it.",
            "landing_evidence_url": "For “done”: the merged change, release or deploy that shipped it. "
            "Without one, the link to the change is the evidence.",
        }
        # The model's clean() asks for the reason, so the rule lives in one place.


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_reminders"]


class TeamChatHookForm(forms.ModelForm):
    url = forms.URLField(
        label="Web hook URL",
        max_length=500,
        assume_scheme="https",
        help_text="A Slack-compatible incoming web hook (it receives JSON with a “text” field).",
    )

    class Meta:
        model = TeamChatHook
        fields = ["url", "enabled"]
        labels = {"enabled": "Send obligation reminders about this team's incidents to the hook"}

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise ValidationError("Use an http(s) address.")
        return url


DUE_CHOICES = [
    ("", "Any time"),
    ("overdue", "Overdue"),
    ("week", "Due in the next 7 days"),
    ("month", "Due in the next 30 days"),
    ("none", "No due date"),
]
STATUS_CHOICES = [("", "Open or in progress"), ("all", "Any status"), *ActionStatus.choices]
SORT_CHOICES = [
    ("due", "Due date"),
    ("-due", "Due date, latest first"),
    ("priority", "Priority"),
    ("-created", "Newest"),
    ("title", "Title"),
    ("team", "Team"),
]


class ActionFilterForm(forms.Form):
    """Filters that live in the URL, so a filtered list can be bookmarked and shared."""

    q = forms.CharField(label="Search", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    team = forms.ModelChoiceField(Team.objects.all(), required=False, empty_label="All teams", to_field_name="slug")
    kind = forms.ChoiceField(choices=[("", "All kinds"), *ActionKind.choices], required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    due = forms.ChoiceField(choices=DUE_CHOICES, required=False)
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Priority.choices], required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
