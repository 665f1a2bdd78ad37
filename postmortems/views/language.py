"""The language guide while typing, on every form where people write (incidents, timeline, near misses, actions)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from postmortems.language import Flag, directory_names, find_attention_remedy, read_language

TEXT_LIMIT = 50_000


@dataclass(frozen=True)
class LiveNote:
    """A flag as the notes partial shows it, with the words of the sentence a rewrite replaces."""

    flag: Flag
    text: str

    def __getattr__(self, name):
        return getattr(self.flag, name)

    @property
    def rewrite_original(self) -> str:
        if self.flag.rewrite_start < 0:
            return ""
        return self.text[self.flag.rewrite_start : self.flag.rewrite_end]


def live_notes(text: str, *, action: bool = False) -> dict:
    """The notes partial's context for text being typed: its notes, or that it could not be read."""
    reading = read_language(text, directory_names())
    flags = list(reading.flags)
    if action and reading.checked:
        remedy = find_attention_remedy(text)
        if remedy is not None and all(flag.rule != remedy.rule for flag in flags):
            flags.insert(0, remedy)
    return {
        "flags": [LiveNote(flag, text) for flag in flags],
        "unchecked": not reading.checked,
        "language": reading.language,
        "checked_now": bool(text.strip()),
        "editable": True,
    }


@login_required
@require_POST
def language_check(request):
    """Notes for one field's text as it is typed (debounced by the page); anyone signed in may ask."""
    text = request.POST.get("text", "")[:TEXT_LIMIT]
    context = live_notes(text, action=request.POST.get("kind") == "action")
    return render(request, "postmortems/includes/language_notes.html", context)
