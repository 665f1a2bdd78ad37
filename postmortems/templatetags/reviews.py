"""Template helpers of the reviews: the review panel on the incident page and language-note labels."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.models import Role
from incidents.access import can_edit_incident
from postmortems.models import Review, meeting_due_by, review_required
from postmortems.services import SNIPPET_START, SNIPPET_STOP

register = template.Library()

RULE_LABELS = {
    "person_blame": "Names a person as the cause",
    "judging_word": "Judging word",
    "hindsight": "Hindsight",
    "who_question": "A “who” or “why did you” question",
    "attention_remedy": "Appeals to attention",
}


@register.filter
def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, "Language note")


@register.inclusion_tag("postmortems/includes/review_panel.html", takes_context=True)
def review_panel(context, incident):
    """The incident page's way into its review: its state, or how to start one."""
    user = context["request"].user
    review = Review.objects.filter(incident=incident).select_related("facilitator").first()
    is_facilitator = user.is_org_admin or user.has_role(Role.FACILITATOR, incident.team_id)
    return {
        "incident": incident,
        "review": review,
        "required": review_required(incident),
        "due_by": meeting_due_by(incident),
        "can_start": review is None and can_edit_incident(user, incident),
        "is_facilitator": is_facilitator,
        "csrf_token": context.get("csrf_token"),
    }


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
