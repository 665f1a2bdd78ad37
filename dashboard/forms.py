from django import forms

from accounts.models import Team
from incidents.models import Severity

PERIODS = {
    "3m": ("Last 3 months", 3),
    "6m": ("Last 6 months", 6),
    "12m": ("Last 12 months", 12),
    "36m": ("Last 3 years", 36),
}
DEFAULT_PERIOD = "12m"


class DashboardFilterForm(forms.Form):
    """Which part of the organisation and which stretch of time the dashboard summarises."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), to_field_name="slug", required=False, empty_label="All teams"
    )
    period = forms.ChoiceField(choices=[(key, label) for key, (label, _) in PERIODS.items()], required=False)
    severity = forms.ChoiceField(
        label="Severity (detection and mitigation)",
        choices=[("", "All severities"), *Severity.choices],
        required=False,
    )

    def filters(self) -> dict:
        """The chosen filters; anything invalid falls back to the default rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "team": data.get("team"),
            "period": data.get("period") or DEFAULT_PERIOD,
            "severity": data.get("severity") or "",
        }
