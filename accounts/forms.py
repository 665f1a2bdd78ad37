import zoneinfo

from django import forms

from accounts.models import Membership, Role, User

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Every time in the product is shown to you in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "time_zone"]
        help_texts = {"display_name": "How colleagues see you in reviews and timelines."}


class AddMemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ENGINEER)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(memberships__team=team)

    def save(self) -> Membership:
        return Membership.objects.create(team=self.team, user=self.cleaned_data["user"], role=self.cleaned_data["role"])


class ChangeRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]
