"""Where each reading may start: the words it starts from, and a mark per reading on every token.

A reading passes over every word that cannot start it; ``start_marks`` says, once per distinct word
(``tokens`` keeps its answer with the word), which readings a token may start, so a reader passes over
a word, or a sentence without any such word, by one bit test.
"""

from __future__ import annotations

from . import lexicon as lx
from .lemmas import misspelling_of

# The words each reading of the clause reader starts from (as written or as lemma; an interrogation only as
# written), besides ``lx.JUDGEMENT_STARTS`` and ``lx.APPEAL_STARTS``: a word not among them is passed over at once.
FRAMING_STARTS = lx.CAUSE_NOUNS | lx._words(
    """if unless had it be on to with by blame because thanks time times outage outages incident incidents
    mistake failure bug break consequence punishment penalty when its attributable attributed due owing"""
)
SANCTION_STARTS = lx._words(
    """terminated terminate firing sackable fireable disciplinary disciplined reprimand reprimanded punish
    punished punishment sacked demoted suspended dismissed pip fired fire written final formal performance consequence hold owe
    apologise apologize manager lose revoke remove pull strip hr shame example let answer take"""
)
INTERROGATION_STARTS = lx._words("what why how who which whose name names explain you")
PERSON_STARTS = (
    lx.PERSON_PRONOUNS
    | lx.WEAK_PRONOUNS
    | lx.DETERMINERS
    | lx.POSSESSIVE_PRONOUNS
    | lx.ROLE_MODIFIERS
    | lx.ROLE_NOUNS
    | lx.FIRST_NAMES
    | lx._words("ops qa devops infra")
)

# Each token carries a mark per reading it may start (``start_marks``), worked out once per distinct word.
PERSON_MARK, FRAMING_MARK, SANCTION_MARK, INTERROGATION_MARK, JUDGEMENT_MARK, APPEAL_MARK = 1, 2, 4, 8, 16, 32
# A role or a group of people ("engineer", "team", "night shift", "contracter"): what a person after "the",
# "our" ends on.
ROLE_MARK = 64
# A determiner or possessive ("the", "our", "his") that starts a person only when a role or a group follows it.
DETERMINER_MARK = 128
_DETERMINERS_ONLY = (lx.DETERMINERS | lx.POSSESSIVE_PRONOUNS) - lx.PERSON_PRONOUNS - lx.WEAK_PRONOUNS - lx.HONORIFICS


def start_marks(low: str, lemma: str, capital: bool) -> int:
    """The readings a token may start: a person (a capitalised word, a pronoun, a role, a mention), a framing,
    a sanction, an interrogation, a judgement, an appeal to attention; whether it is a role or a group, and
    whether it is a determiner that needs one after it."""
    marks = PERSON_MARK if capital or low in PERSON_STARTS or low[:1] == "@" else 0
    if low in FRAMING_STARTS or lemma in FRAMING_STARTS:
        marks |= FRAMING_MARK
    if low in SANCTION_STARTS or lemma in SANCTION_STARTS:
        marks |= SANCTION_MARK
    if low in INTERROGATION_STARTS:
        marks |= INTERROGATION_MARK
    if low in lx.JUDGEMENT_STARTS or lemma in lx.JUDGEMENT_STARTS:
        marks |= JUDGEMENT_MARK
    if low in lx.APPEAL_STARTS or lemma in lx.APPEAL_STARTS:
        marks |= APPEAL_MARK
    if (
        low in lx.ROLE_NOUNS
        or lemma in lx.ROLE_NOUNS
        or low in lx.GROUP_NOUNS
        or low in lx.SHIFTS
        or misspelling_of(low, lx.ROLE_NOUNS)
    ):
        marks |= ROLE_MARK
    if low.lstrip("@") in _DETERMINERS_ONLY:
        marks |= DETERMINER_MARK
    return marks
