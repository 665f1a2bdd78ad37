"""Null remedies: an action whose substance changes people, not the system.

An action item either changes an artefact (code, a test, an alert, a tool, the pipeline, a
configuration, the runbook's content, who owns what) or it asks people to change: to pay
attention, know more, remember, follow a rule more strictly, or answer for what happened.
Only the first kind makes the same failure less likely next time. The reader works on the
same lemmas and clauses as the blame reader (``clauses``): it finds the action's head verb and
what it acts on, and refuses the action when its substance is people's attention, knowledge or
standing, unless a mechanism (a check that blocks, an automatic alert) carries it.

Whether a sentence proposes an action and where its head verb is: ``proposals``; what the action
changes: ``substance``; who it addresses: ``addressees``.
"""

from __future__ import annotations

from functools import lru_cache

from .proposals import PREFIXES, action_head, reads_as_a_proposal
from .substance import NullRemedy, read_action
from .tokens import chunks, sentences_in, sentences_of


def read_remedy(text: str) -> NullRemedy | None:
    """The first part of ``text`` (an action item's title or description) that is a null remedy, or None."""
    for sentence in sentences_of(text):
        found = read_action(sentence)
        if found:
            return found
    return None


def read_remedy_in_prose(text: str) -> list[NullRemedy]:
    """Null remedies proposed in running text ("We should remind everyone to …"), for the language guide.

    Only sentences written as an action (an imperative, or "we should/will/need to …") are read,
    so an account of what happened ("Priya reminded the channel at 02:10") is left alone.
    """
    found = []
    for offset, chunk in chunks(text):
        for remedy in _prose_remedies_in(chunk):
            found.append(NullRemedy(remedy.kind, remedy.start + offset, remedy.end + offset) if offset else remedy)
    return found


def prose_remedies_in_sentences(sentences) -> list[NullRemedy]:
    """The null remedies proposed in ``sentences`` (``tokens.Sentence``), not kept: the language guide keeps its
    notes per piece of text (``_checked_sentence``) and reads a piece here without keeping it twice."""
    found = []
    for sentence in sentences:
        head = action_head(sentence)
        if head is None:
            continue
        index, modal = head
        if not modal:
            # A label before the action ("Decision: hold a retro …").
            before = sentence.lows[:index]
            if index and not (all(low in PREFIXES or not low[:1].isalnum() for low in before) or ":" in before):
                continue
            if not reads_as_a_proposal(sentence, index):
                continue  # "Reminded …", "The tool is careful …" tell what happened
        remedy = read_action(sentence, prose=True)
        if remedy:
            found.append(remedy)
    return found


@lru_cache(maxsize=50_000)
def _prose_remedies_in(chunk: str) -> tuple[NullRemedy, ...]:
    return tuple(prose_remedies_in_sentences(sentences_in(chunk)))
