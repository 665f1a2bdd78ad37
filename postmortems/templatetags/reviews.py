"""Template helpers of the reviews: language-note labels, the versions a part of the document is kept under."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from fragments.kept import VersionName
from postmortems.search import SNIPPET_START, SNIPPET_STOP
from postmortems.versions import document_part

register = template.Library()

RULE_LABELS = {
    "person_blame": "Names a person as the cause",
    "judging_word": "Judging word",
    "hindsight": "Hindsight",
    "who_question": "A “who” or “why did you” question",
    "attention_remedy": "Appeals to attention",
}


@register.filter
def kept_under(review, part: str) -> VersionName:
    """``review|kept_under:"factors"``: the version that list of the document is kept under (``document_part``)."""
    return VersionName(document_part(review, part))


@register.filter
def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, "Language note")


@register.filter
def clock(seconds: int) -> str:
    """Seconds as the meeting timer shows them: 4:05, 72:30."""
    seconds = max(int(seconds or 0), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def marked_snippet(snippet: str) -> str:
    """A search snippet with the words found in <mark>; everything else escaped."""
    text = escape(" ".join((snippet or "").split()))
    return mark_safe(text.replace(SNIPPET_START, "<mark>").replace(SNIPPET_STOP, "</mark>"))
