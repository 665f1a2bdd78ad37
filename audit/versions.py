"""Saving a form only over the version its editor opened, so a later save never silently wins.

Rows that people edit in forms carry a ``version`` that every save raises. A form sends back the
version it was opened at; the save locks the row, compares, and on a mismatch refuses with the row
as stored now, so the page can show both versions and keep what this person typed.
"""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db import transaction
from django.db.models import Model

from accounts.templatetags.timefmt import when


class EditConflict(Exception):
    """Someone saved the row since this editor opened it; ``current`` is the row as stored now."""

    def __init__(self, current: Model):
        super().__init__("Saved by someone else meanwhile.")
        self.current = current


class VersionedFormMixin:
    """A hidden ``version`` field holding the version the form was opened at."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        if self.instance.pk:
            self.initial["version"] = self.instance.version


@dataclass(frozen=True)
class Difference:
    """One field that differs between what this person sent and what was saved meanwhile."""

    label: str
    theirs: str


def _shown(form: forms.ModelForm, name: str, value) -> str:
    field = form.fields[name]
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return ", ".join(_shown(form, name, item) for item in value) or "—"
    if isinstance(field, forms.ModelChoiceField) and value is not None:
        return field.label_from_instance(value)
    if isinstance(value, datetime):
        return when(value)
    choices = dict(getattr(field, "choices", []) or [])
    if value in choices:
        return str(choices[value])
    return "—" if value in (None, "") else str(value)


def differences(form: forms.ModelForm, current: Model) -> list[Difference]:
    """The fields where the stored row differs from what the form sent, with the stored value shown."""
    found = []
    for name in form.fields:
        if name == "version" or not hasattr(current, name):
            continue
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        theirs = getattr(current, name)
        if hasattr(theirs, "all"):
            theirs_set, mine_set = set(theirs.all()), set(mine or [])
            if theirs_set == mine_set:
                continue
        elif theirs == mine or (theirs in (None, "") and mine in (None, "")):
            continue
        found.append(Difference(str(form.fields[name].label or name), _shown(form, name, theirs)))
    return found


def save_if_unchanged(form: forms.ModelForm) -> Model:
    """Save a valid form unless the row changed since the version it was opened at (``EditConflict``)."""
    instance = form.instance
    expected = form.cleaned_data.get("version")
    with transaction.atomic():
        current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
        if expected is not None and current.version != expected:
            raise EditConflict(current)
        instance.version = current.version  # the model's save raises it
        return form.save()


def rebase(form_class, data, current: Model, **kwargs) -> forms.ModelForm:
    """The same typed data, bound again at the stored version, so saving it next time is deliberate."""
    data = data.copy()
    data["version"] = str(current.version)
    form = form_class(data, instance=current, **kwargs)
    form.is_valid()
    return form
