"""Template helpers of the reviews: language-note labels."""

from django import template

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
