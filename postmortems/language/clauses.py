"""The clause reader: who or what each clause is about, and what it says they did.

Words are normalised to lemmas first (``lemmas.lemma``), then each sentence is read for the
shapes that turn a review into a trial, whatever the exact wording:

* a person as the subject of a harmful or failed predicate ("the contractor dropped the table",
  "Tomás's push took the API offline", "It was Kwame who deleted …");
* an evaluation of a person as the cause or of their character ("Deepa is the reason …",
  "this is on Marco", "down to Yusuf", "Leo was careless");
* a sanction ("disciplinary action", "held responsible", "owes an apology", "talk to their manager");
* a counterfactual about a person ("ought to have", "could've", "if only Fatima had …");
* an interrogation of a person ("what were you thinking", "tell me who …", "why did you …");
* repeat-offender framing ("keeps making …", "again", "has a habit of …").

Each finding says which words it concerns (``Finding.start``/``end`` are offsets into the text)
and what kind it is; ``advice`` and ``rewrite`` turn it into a note with a better framing.

Each reading lives in a module named for what it reads, on the steps they share (``reading``):
``subjects`` (who a clause is about), ``predicates`` (what they did), ``evaluations`` (their
possessive or a verdict on them), ``counterfactuals``, ``framings`` (shapes set up before the
person), ``sanctions``, ``questions`` and ``judgements`` (evaluations and hindsight whoever the
subject). ``SentenceReader`` reads a sentence with all of them; the text reaches it as tokens
(``tokens``).
"""

from __future__ import annotations

from functools import lru_cache

from . import starts
from .framings import FramingReading
from .judgements import read_judgements
from .predicates import PredicateReading
from .questions import QuestionReading
from .reading import Finding
from .sanctions import SanctionReading
from .tokens import chunks, sentences_in


class SentenceReader(PredicateReading, FramingReading, SanctionReading, QuestionReading):
    """Reads one sentence with every reading: who each clause is about and what it says they did."""

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        # Each reading is asked only where a word may start it (``mentions``), without reading the sentence.
        marked = self.marked
        if marked & starts.SANCTION_MARK:
            found += self._sanctions()
        if marked & starts.INTERROGATION_MARK:
            found += self._interrogations()
        if marked & starts.FRAMING_MARK:
            found += self._framed_before()
        if marked & starts.JUDGEMENT_MARK:
            found += read_judgements(self)
        resume = 0
        for i in self._person_candidates():
            if i < resume:
                continue
            person = self.person_at(i)
            if person:
                end, sureness = person
                finding = self._predicate(i, end, sureness)
                if finding:
                    found.append(finding)
                    resume = max(end, self._index_at(finding.end))
                    continue
                resume = end
        return found

    def _person_candidates(self) -> list[int]:
        """Where a person could start: the words ``person_at`` does not pass over at once.

        A determiner ("the", "our") starts a person only when a role or a group follows it somewhere in the
        sentence, so one after the last role (or in a sentence without any) is not a candidate.
        """
        marks, person, determiner = self.marks, starts.PERSON_MARK, starts.DETERMINER_MARK
        people = self.people
        if not self.marked & starts.ROLE_MARK and people.isdisjoint(self.lows):
            # No role anywhere, so no determiner starts a person: the words marked as people, and no determiner.
            either = person | determiner
            return [i for i, mark in enumerate(marks) if mark & either == person]
        last_role = -1
        if self.marked & starts.ROLE_MARK:
            role = starts.ROLE_MARK
            last_role = next(k for k in range(self.n - 1, -1, -1) if marks[k] & role)
        if people.isdisjoint(self.lows):
            return [i for i, mark in enumerate(marks) if mark & person and not (mark & determiner and i >= last_role)]
        return [
            i
            for i, (low, mark) in enumerate(zip(self.lows, marks, strict=True))
            if (mark & person or low in people) and not (mark & determiner and i >= last_role)
        ]


def findings_in_sentences(sentences, people: frozenset[str]) -> list[Finding]:
    """Every finding of the clause reader in ``sentences`` (``tokens.Sentence``), not kept.

    The language guide keeps its notes per piece of text and directory (``_checked_sentence``), so it reads a
    piece here, without keeping the same reading a second time under the same key.
    """
    found: list[Finding] = []
    for sentence in sentences:
        found += SentenceReader(sentence, people).findings()
    return found


@lru_cache(maxsize=50_000)
def _findings_in(chunk: str, people: frozenset[str]) -> tuple[Finding, ...]:
    return tuple(findings_in_sentences(sentences_in(chunk), people))


def _moved(finding: Finding, offset: int) -> Finding:
    subject = finding.subject and (finding.subject[0] + offset, finding.subject[1] + offset)
    return Finding(finding.rule, finding.kind, finding.start + offset, finding.end + offset, subject)


def read_sentences(text: str, people: frozenset[str]) -> list[Finding]:
    """Every finding of the clause reader in ``text``, in text order.

    Each sentence's reading is kept in a per-process cache, so text being typed is read again only
    where it changed (the live check sends the whole field on every pause).
    """
    found = [
        _moved(finding, offset) if offset else finding
        for offset, chunk in chunks(text)
        for finding in _findings_in(chunk, people)
    ]
    return sorted(found, key=in_text_order)


def in_text_order(finding: Finding) -> tuple[int, int]:
    return finding.start, -finding.end
