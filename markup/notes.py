"""Language notes stored beside the text they concern, computed when the text is saved.

The language guide lives in ``postmortems`` (above the apps whose models hold text), so it
plugs in here with ``register_language_reader``; models in any app declare
``language_notes = LanguageNotesField(sources=("title", "summary"))`` and pages read the stored
notes instead of checking text on every render, as they read stored HTML instead of rendering
markdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import models

_readers: list[Callable[[str], dict]] = []


def register_language_reader(reader: Callable[[str], dict]) -> None:
    """Set the function that reads one text into a storable dict (``{"checked", "language", "flags"}``)."""
    _readers[:] = [reader]


def read_for_storage(text: str) -> dict:
    """The stored reading of ``text``; without a registered reader the text counts as not checked."""
    if not _readers:
        return {"checked": False, "language": "", "flags": []}
    return _readers[0](text)


def check_while_typing(form, *names: str, kind: str = "text") -> None:
    """Mark the form's text fields so the language guide's notes appear beside them while people type.

    ``kind="action"`` also asks whether the text is a null remedy ("be more careful").
    """
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs["data-language-check"] = kind


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class LanguageNotesField(models.JSONField):
    """The language guide's reading of other text fields of the model, refreshed whenever it is saved.

    Stored as ``{field name: {"text": fingerprint, "checked": bool, "language": str, "flags": [...]}}``;
    a field whose text did not change keeps its reading without being read again.
    """

    def __init__(self, *args, sources: tuple[str, ...] = (), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key in ("editable", "blank", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        stored = dict(getattr(model_instance, self.attname) or {})
        for source in self.sources:
            text = getattr(model_instance, source) or ""
            fingerprint = _fingerprint(text)
            if stored.get(source, {}).get("text") != fingerprint:
                stored[source] = {"text": fingerprint, **read_for_storage(text)}
        for stale in set(stored) - set(self.sources):
            del stored[stale]
        setattr(model_instance, self.attname, stored)
        return stored
