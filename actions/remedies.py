"""Null remedies: an action item that only appeals to people's attention is not a fix.

The rules live in the language guide (``postmortems.language``); this module only
turns its finding into the explanation people see when such an item is refused.
"""

from postmortems.language import find_attention_remedy


def attention_remedy_error(title: str, description: str = "") -> str | None:
    """Why this item is refused as a null remedy, with examples of system changes; None when it is fine."""
    for text in (title or "", description or ""):
        flag = find_attention_remedy(text)
        if flag is not None:
            return f"“{flag.excerpt}” is an appeal to attention, not a fix. {flag.why} {flag.suggestion}"
    return None


def is_null_remedy(title: str, description: str = "") -> bool:
    return attention_remedy_error(title, description) is not None
