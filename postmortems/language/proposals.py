"""Whether a sentence proposes an action, and where the action's head verb is.

An action item's title is an action; in running text only a sentence written as one is: an imperative
("Remind the team …"), "we should/will/need to …", "Let's …", a noun-phrase action ("Training for …"),
or people obliged ("Everyone must …"). A label before a colon ("Retro sticky:") names the note.
"""

from __future__ import annotations

from . import lexicon as lx
from .addressees import people_subject
from .tokens import Sentence

PREFIXES = lx._words(
    """we i they let's lets please action item items todo ai owner next step steps follow-up followup going
    forward from now on"""
)
MODAL_HEADS = lx._words("will should must need needs to have has shall can could ought going")
# Verbs whose object decides: "write a memo" appeals to people, "write a runbook section" changes an artefact.
OBJECT_DECIDES = lx._words(
    """add create write hold run schedule organise organize send post include improve raise share circulate
    publish put set make ensure give do conduct host arrange book start launch plan introduce establish
    increase build get have review revisit update provide offer deliver"""
)
OBLIGATIONS = lx._words("must should need needs ought shall")
_REPORTING_VERBS = lx._words("is are was were has have had took takes stay stays went")
_IMPERATIVES = (
    lx.ATTENTION_VERBS
    | OBJECT_DECIDES
    | lx._words(
        """be deploy take exercise pay stay double-check follow review check watch don't dont do never avoid stop
    keep try think slow read test always hold"""
    )
    | lx.TAKING_PART
)


def reads_as_a_proposal(sentence: Sentence, index: int) -> bool:
    """An imperative ("Remind …", "Be careful …"), a noun-phrase action ("Training for …"), or
    "Everyone must …" — not a sentence that reports what happened."""
    low = sentence.lows[index]
    if low in lx.ATTENTION_NOUNS:
        # "Retrospective notes are in the folder" reports; "Retrospective with the team" proposes.
        return not any(word in _REPORTING_VERBS for word in sentence.lows[index + 1 : index + 4])
    if low in _IMPERATIVES and low == sentence.lemmas[index]:
        return True
    if OBLIGATIONS.isdisjoint(sentence.lows) and "will" not in sentence.lows and "to" not in sentence.lows:
        return False  # people are only obliged by a word of obligation after them, or told they will be
    people = people_subject(sentence, index)
    if people is not None:
        following = sentence.lows[people : people + 2]
        if (
            following[:1] == ["to"]
            and people + 1 < len(sentence.lows)
            and sentence.lows[people + 1] == sentence.lemmas[people + 1]
        ):
            return True  # "Nils to stop pushing …": the owner and the action, as an action item names them
        told = people + 2
        if following == ["will", "be"] and told < len(sentence.lows) and sentence.lemmas[told] in lx.ATTENTION_VERBS:
            return sentence.lows[told] != sentence.lemmas[told]  # "Staff will be reminded of …"
        return bool(set(following) & OBLIGATIONS)
    return False


def action_head(sentence: Sentence) -> tuple[int, bool] | None:
    """Index of the action's head verb, and whether a modal ("we should …") introduced it."""
    lows = sentence.lows
    i, n, modal = 0, len(lows), False
    # A tag in brackets before the action ("[INC-2231]", "(P1)") names the ticket; the action follows it.
    if n and lows[0] in {"[", "("}:
        close = "]" if lows[0] == "[" else ")"
        i = next((k + 1 for k in range(1, min(n - 1, 6)) if lows[k] == close), 0)
    # A label before a colon ("Retro sticky:", "Decision log:", "Action:") names the note; the action follows it.
    label_end = next((k for k in range(i + 1, min(n - 1, i + 4)) if lows[k] == ":"), None) if ":" in lows else None
    if label_end is not None:
        i = label_end + 1
    if n > i + 2 and lows[i] == "let" and lows[i + 1] == "'s":
        return i + 2, True  # "Let's train …" proposes, as "we will" does
    while i < n and (
        lows[i] in PREFIXES
        or lows[i] in (":", "-", "*", "•", "[", "]", "(", ")", ",")
        or lows[i].endswith("ly")
        and i + 1 < n
    ):
        if lows[i] in {"we", "i", "they"}:
            modal = True
        i += 1
    if modal:
        start = i
        while i < n and (
            lows[i] in MODAL_HEADS or lows[i] in {"also", "all", "really", "definitely", "probably", "going"}
        ):
            if lows[i] in {"have", "has"} and (i + 1 >= n or lows[i + 1] != "to"):
                break  # "we have no alert …" states a fact
            i += 1
        if i == start or all(low in {"also", "all", "really", "definitely", "probably"} for low in lows[start:i]):
            return None  # "We did not know …" tells what happened; it proposes nothing
    return (i, modal) if i < n else None
