"""Null remedies: an action item that only appeals to people's attention is not a fix.

The rules live in the language guide (``postmortems.language``, the same engine that reads
blame); this module turns its finding into the verdict and explanation people see when such
an item is refused: in the action-item form, in the meeting's quick capture, and in any API.
"""

from dataclasses import dataclass

from postmortems.language import find_attention_remedy


@dataclass(frozen=True)
class RemedyVerdict:
    """Whether an action item is refused as a null remedy, and why, with a better framing."""

    refused: bool
    excerpt: str = ""
    explanation: str = ""
    suggestion: str = ""
    rewrite: str = ""


def check_remedy(title: str, description: str = "") -> RemedyVerdict:
    """The one null-remedy check: refuse an action whose substance is people's attention, knowledge or standing.

    Reads the title, then the description. A refused verdict carries the words concerned, why
    they are not a fix, what kind of change would be, and (when one fits) a rewrite of the title.
    """
    for text in (title or "", description or ""):
        flag = find_attention_remedy(text)
        if flag is not None:
            return RemedyVerdict(
                refused=True,
                excerpt=flag.excerpt,
                explanation=f"“{flag.excerpt}” is an appeal to attention, not a fix. {flag.why}",
                suggestion=flag.suggestion,
                rewrite=flag.rewrite,
            )
    return RemedyVerdict(refused=False)


def attention_remedy_error(title: str, description: str = "") -> str | None:
    """Why this item is refused as a null remedy, with examples of system changes; None when it is fine."""
    verdict = check_remedy(title, description)
    if not verdict.refused:
        return None
    instead = (
        f" For example: “{verdict.rewrite}”" if verdict.rewrite and verdict.rewrite.startswith(("Make", "Add")) else ""
    )
    return f"{verdict.explanation} {verdict.suggestion}{instead}"


def is_null_remedy(title: str, description: str = "") -> bool:
    return check_remedy(title, description).refused
