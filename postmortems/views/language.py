"""The language guide while typing, on every form where people write (incidents, timeline, near misses, actions)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from postmortems import review_language
from postmortems.access import get_review_for_user
from postmortems.language import Flag, directory_names, find_attention_remedy, read_language
from postmortems.views.access import require_edit, require_unpublished

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


def live_notes(text: str, *, action: bool = False, keep_url: str = "") -> dict:
    """The notes partial's context for text being typed: its notes, or that it could not be read.

    ``keep_url`` is where "Keep my wording" sends its reason when the text belongs to a review.
    """
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
        "keep_url": keep_url,
    }


@login_required
@require_POST
def language_check(request):
    """Notes for one field's text as it is typed (debounced by the page); anyone signed in may ask."""
    text = request.POST.get("text", "")[:TEXT_LIMIT]
    review = request.POST.get("review", "")
    # Only the address is given here; keeping a wording checks who may, as every review view does.
    keep_url = reverse("review_flag_keep", args=[int(review)]) if review.isdigit() else ""
    context = live_notes(text, action=request.POST.get("kind") == "action", keep_url=keep_url)
    return render(request, "postmortems/includes/language_notes.html", context)


@require_POST
def review_flag_keep(request, pk: int):
    """ "Keep my wording" on a note shown while typing in a review: the reason is stored and shown when publishing."""
    access = get_review_for_user(request.user, pk)
    require_unpublished(access.review)
    require_edit(access.can_edit)
    try:
        kept = review_language.keep_wording(
            access.review,
            request.POST.get("rule", ""),
            request.POST.get("excerpt", ""),
            request.POST.get("reason", ""),
            request.user,
        )
    except ValidationError as error:
        return render(
            request, "postmortems/includes/language_kept.html", {"error": " ".join(error.messages)}, status=422
        )
    return render(request, "postmortems/includes/language_kept.html", {"kept": kept})
