import zoneinfo
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accounts import throttling
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


def _in_words(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = -(-minutes // 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def pause_message(pause: throttling.SignInPause) -> str:
    where = "for this username" if pause.reason == "account" else "from your network address"
    at = datetime.fromtimestamp(pause.until, tz=UTC)
    return (
        f"Sign-in {where} is paused for a while after several unsuccessful attempts, to keep accounts safe. "
        f"Please try again in {_in_words(pause.seconds_left)} (after {at:%H:%M} UTC). "
        "If you have forgotten your password, an admin of your team can set a new one."
    )


class ThrottledSignInMixin:
    """Refuses sign-in while a pause is in force, and warns before the last attempts."""

    pause: throttling.SignInPause | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        address = throttling.client_address(self.request)
        pause = throttling.current_pause(self.request, username)
        if pause:
            throttling.record_refusal(username, address, pause)
            self._refuse(pause)
        try:
            return super().clean()
        except ValidationError as error:
            if error_code(error) != "invalid_login":
                raise
            pause = throttling.current_pause(self.request, username)
            if pause:
                self._refuse(pause)
            left = throttling.attempts_left(self.request, username)
            if left is not None and 0 < left <= 2:
                raise ValidationError(
                    [
                        *error.error_list,
                        ValidationError(
                            f"{left} more unsuccessful attempt{'' if left == 1 else 's'} will pause sign-in "
                            f"for this username for {_in_words(settings.LOGIN_THROTTLE_PAUSE)}.",
                            code="attempts_left",
                        ),
                    ]
                ) from None
            raise

    def _refuse(self, pause: throttling.SignInPause):
        self.pause = pause
        raise ValidationError(pause_message(pause), code="paused")


def error_code(error: ValidationError) -> str | None:
    return getattr(error, "code", None) or next((e.code for e in getattr(error, "error_list", [])), None)


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    pass


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    pass
