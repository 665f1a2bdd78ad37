from django import forms

from api.models import PersonalAccessToken, Scope


class NewTokenForm(forms.ModelForm):
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read-only token is enough for reports and dashboards; bots that file or change things need read and write.",
    )

    class Meta:
        model = PersonalAccessToken
        fields = ["name", "scope"]
