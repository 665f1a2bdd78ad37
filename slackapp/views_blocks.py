"""The modals the Slack app shows (Block Kit), and reading their answers back."""

from django.conf import settings

from accounts.models import Team
from incidents.models import HowCaught

NEAR_MISS = "near_miss"
TIMELINE_ENTRY = "timeline_entry"
ANONYMOUS = "anonymous"

# Which block holds which form field, so the form's messages land under the right input.
NEAR_MISS_BLOCKS = {
    "what_almost_happened": "what",
    "how_caught": "how",
    "what_could_have_happened": "could",
    "team": "team",
}


def _text(text: str) -> dict:
    return {"type": "plain_text", "text": text[:150]}


def _option(value, label) -> dict:
    return {"text": _text(str(label)), "value": str(value)}


def near_miss_modal(initial_text: str = "") -> dict:
    teams = list(Team.objects.order_by("name").values_list("pk", "name")[:100])
    blocks = [
        {"type": "input", "block_id": "what", "label": _text("What almost happened?"),
         "hint": _text("The facts, briefly: what was about to go wrong."),
         "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                     **({"initial_value": initial_text} if initial_text else {})}},
        {"type": "input", "block_id": "how", "label": _text("How was it caught?"),
         "element": {"type": "static_select", "action_id": "value",
                     "options": [_option(value, label) for value, label in HowCaught.choices]}},
        {"type": "input", "block_id": "could", "optional": True, "label": _text("What could have happened?"),
         "hint": _text("If it had not been caught."),
         "element": {"type": "plain_text_input", "action_id": "value", "multiline": True}},
    ]  # fmt: skip
    if teams:
        blocks.append(
            {
                "type": "input",
                "block_id": "team",
                "optional": True,
                "label": _text("Team"),
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [_option(pk, name) for pk, name in teams],
                },
            }  # fmt: skip
        )
    blocks.append(
        {
            "type": "input",
            "block_id": ANONYMOUS,
            "optional": True,
            "label": _text("Anonymity"),
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [
                    {
                        "text": _text("File anonymously"),
                        "value": "yes",
                        "description": _text(
                            "We then keep nothing about you: no name, no Slack account, no exact time."
                        ),
                    }
                ],
            },
        }  # fmt: skip
    )
    return {
        "type": "modal",
        "callback_id": NEAR_MISS,
        "title": _text("Report a near miss"),
        "submit": _text("File it"),
        "close": _text("Cancel"),
        "blocks": blocks,
    }


def thanks_modal(anonymous: bool) -> dict:
    text = (
        "Thank you. Your report is filed anonymously: nothing links it to you."
        if anonymous
        else "Thank you for reporting this. Near misses are the cheapest lessons we get."
    )
    return {
        "type": "modal",
        "title": _text("Near miss filed"),
        "close": _text("Close"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def notice_modal(title: str, text: str) -> dict:
    return {
        "type": "modal",
        "title": _text(title),
        "close": _text("Close"),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def timeline_modal(incidents, message_text: str, metadata: str) -> dict:
    return {
        "type": "modal",
        "callback_id": TIMELINE_ENTRY,
        "private_metadata": metadata,
        "title": _text("Add to a timeline"),
        "submit": _text("Add"),
        "close": _text("Cancel"),
        "blocks": [
            {"type": "input", "block_id": "incident", "label": _text("Incident"),
             "element": {"type": "static_select", "action_id": "value",
                         "options": [_option(i.pk, f"#{i.pk} {i.title}") for i in incidents]}},
            {"type": "input", "block_id": "text", "label": _text("What happened"),
             "hint": _text("State what happened, without judging it."),
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                         "initial_value": message_text[:3000]}},
        ],
    }  # fmt: skip


def value(state: dict, block_id: str):
    """The answer in one input block: text, a selected option's value, or the ticked checkboxes' values."""
    element = state.get("values", {}).get(block_id, {}).get("value", {})
    if "selected_option" in element:
        return (element["selected_option"] or {}).get("value")
    if "selected_options" in element:
        return [option.get("value") for option in element["selected_options"] or []]
    return element.get("value")


def slack_ready() -> bool:
    return bool(settings.SLACK_SIGNING_SECRET and settings.SLACK_BOT_TOKEN)
