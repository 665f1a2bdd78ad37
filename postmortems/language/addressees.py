"""Who an action addresses: "everyone", "the on-call engineers", "Sam", "Priya and Jonas"."""

from __future__ import annotations

from . import lexicon as lx
from .lemmas import is_known
from .tokens import Sentence


def names_person(sentence: Sentence, i: int) -> bool:
    return any(
        low in lx.PERSON_PRONOUNS or (capital and low in lx.FIRST_NAMES)
        for low, capital in zip(sentence.lows[i : i + 3], sentence.capitals[i : i + 3], strict=True)
    )


# Words before a mention of people: "all the", "every", "the new", besides a role's modifiers ("backup", "QA").
_SHARES = lx._words("half most all some each every none few many")
_BEFORE_PEOPLE = lx._words("the our all every each new any other on-call oncall release platform support payments")


def people_subject(sentence: Sentence, i: int) -> int | None:
    """The index after a mention of people at ``i`` ("everyone", "the on-call engineers", "Sam"), or None."""
    lows = sentence.lows
    n = len(lows)
    j = i
    if j + 1 < n and lows[j + 1] == "of" and (lows[j][:1].isdigit() or lows[j] in _SHARES):
        j += 2  # "100% of engineers", "half of the team"
    while (
        j < n
        and not (
            lows[j] in lx.PEOPLE_GROUPS
            and (j + 1 >= n or lows[j + 1] not in lx.ROLE_NOUNS and lows[j + 1] not in ("rotation",))
        )
        and (lows[j] in _BEFORE_PEOPLE or lows[j] in lx.ROLE_MODIFIERS)
    ):
        j += 1
    if j >= n:
        return None
    low, capital = lows[j], sentence.capitals[j]
    if j + 2 < n and lows[j + 1] in {"and", "&"} and capital:
        other = people_subject(sentence, j + 2)
        if other is not None:
            return other
    if (
        low in lx.PEOPLE_GROUPS
        or low in lx.ROLE_NOUNS
        or sentence.lemmas[j] in lx.ROLE_NOUNS
        or low in lx.PERSON_PRONOUNS
    ):
        end = j + 1
        while end < n and (lows[end] in lx.ROLE_NOUNS or lows[end] in ("rotation",)):
            end += 1
        if end + 1 < n and lows[end] == "on" and lows[end + 1] in {"call", "duty", "shift"}:
            end += 2  # "everyone on call"
        return end
    if low in {"team", "teams"} and j > i:
        return j + 1
    if (
        capital
        and j == i
        and low not in lx.SYSTEM_NAMES
        and low not in lx.PEOPLE_GROUPS
        and sentence.texts[j].isalpha()
        and (
            i
            or low in lx.FIRST_NAMES
            or (j + 1 < n and lows[j + 1] in {"to", "will", "must", "should"} and not is_known(low))
        )
    ):
        end = j + 1
        if end < n and sentence.capitals[end] and lows[end] not in lx.SYSTEM_NAMES:
            end += 1
        return end
    return None
