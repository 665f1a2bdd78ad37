"""The blameless language guide: notices blaming, judging and hindsight phrasing while people write.

One engine reads each sentence as clauses, on lemmas (``lemmas``): who or what the subject is and
what the predicate says they did (``clauses``: harm or a failed duty, an evaluation, a sanction, a
counterfactual, an interrogation), evaluations and hindsight whoever the subject (``judgements``),
appeals to people's attention (``appeals``) and null remedies (``remedies``). It leaves plain facts
alone: a person's name next to what they did ("Priya joined the call at 02:20") is a fact; a person
named as the one who failed ("Priya broke the deploy") is not how we write about a failure.

Each ``Flag`` says why the phrasing hurts learning, offers a better framing (``advice``) and, where
one fits, a rewrite of the writer's own sentence (``rewrite``).

Changing the rules: word classes live in ``lexicon.py``, the product's words in ``advice.py``.
Measure first: add fresh sentences to ``tests/postmortems/language_corpus.tsv`` as a new batch,
note how the current rules do on them, and only then widen a rule, in terms that would hold for
sentences not yet written.
"""

from __future__ import annotations

import gc
import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

from . import advice
from .advice import ATTENTION_REMEDY, HINDSIGHT, JUDGING_WORD, PERSON_BLAME, RULES, WHO_QUESTION
from .appeals import attention_appeals
from .clauses import findings_in_sentences, in_text_order, read_sentences
from .detection import language_of
from .people import directory_names
from .remedies import prose_remedies_in_sentences, read_remedy, read_remedy_in_prose
from .rewrite import propose
from .starts import APPEAL_MARK
from .tokens import chunk_matches, sentences_in, sentences_of

__all__ = [
    "ATTENTION_REMEDY",
    "HINDSIGHT",
    "JUDGING_WORD",
    "PERSON_BLAME",
    "RULES",
    "WHO_QUESTION",
    "Flag",
    "check_text",
    "directory_names",
    "find_attention_remedy",
    "LanguageReading",
    "notes_for_storage",
    "read_language",
    "reading_of",
]

KEY_LENGTH = 200
_KEY_NOISE = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Flag:
    """One phrase the guide suggests rewording, with why and a better framing."""

    rule: str
    start: int
    end: int
    excerpt: str
    why: str
    suggestion: str
    # The writer's own sentence (``rewrite_start:rewrite_end``) said in a better way, or "".
    rewrite: str = ""
    rewrite_start: int = -1
    rewrite_end: int = -1

    def as_dict(self) -> dict:
        """What is stored with the text when it is saved (see ``notes_for_storage``)."""
        return asdict(self)

    @property
    def key(self) -> str:
        """A stable fingerprint (rule and normalised excerpt), so a dismissal survives edits elsewhere.

        At most ``KEY_LENGTH`` characters: a long excerpt keeps its start and a digest of the rest.
        """
        words = _SPACES.sub(" ", _KEY_NOISE.sub(" ", self.excerpt.replace("’", "'").lower())).strip()
        key = f"{self.rule}:{words}"
        if len(key) > KEY_LENGTH:
            digest = hashlib.sha256(words.encode()).hexdigest()[:16]
            key = f"{key[: KEY_LENGTH - len(digest) - 1]}#{digest}"
        return key


def _note(text: str, rule: str, start: int, end: int, suggestion: str) -> tuple[str, int, int, str]:
    """(rule, start, end, suggestion) of a note before it becomes a ``Flag``; offsets hug the words, so the
    excerpt never starts or ends in whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return rule, start, end, suggestion


_EMPHASIS = "*_`~"


class _Reading:
    """One sentence (or line) of a text and the words of the directory's names: what the readers share.

    ``one_chunk``: the text is one piece of ``chunks`` already (which cuts such a piece into itself alone),
    so its sentences are read once and every reader reads them directly, without cutting it again or keeping
    what they find (the flags it leads to are kept, per piece). Notes are plain (rule, start, end, suggestion)
    tuples until ``flag`` makes the one ``Flag`` each note becomes.
    """

    def __init__(self, text: str, people: frozenset[str], one_chunk: bool = False):
        self.text = text
        self.people = people
        self.one_chunk = one_chunk
        self.sentences = sentences_of(text) if one_chunk else sentences_in(text)
        self._findings = None

    @property
    def findings(self):
        if self._findings is None:
            if self.one_chunk:
                found = findings_in_sentences(self.sentences, self.people)
                if len(found) > 1:
                    found.sort(key=in_text_order)
                self._findings = found
            else:
                self._findings = read_sentences(self.text, self.people)
        return self._findings

    def prose_remedies(self):
        return prose_remedies_in_sentences(self.sentences) if self.one_chunk else read_remedy_in_prose(self.text)

    def clause_notes(self) -> list[tuple[str, int, int, str]]:
        """What the clause reader finds: a person as subject of harm, evaluations, sanctions, counterfactuals."""
        text = self.text
        return [
            _note(text, found.rule, found.start, _closing_emphasis(text, found), _advice_for(found, text))
            for found in self.findings
        ]

    def flag(self, note: tuple[str, int, int, str]) -> Flag:
        """The note as a flag, with a rewrite of its sentence read from the clause finding it overlaps."""
        rule, start, end, suggestion = note
        text = self.text
        finding = next((f for f in self.findings if f.start < end and start < f.end), None) if self.findings else None
        if finding is not None:
            kind, subject = finding.kind, finding.subject
        else:
            kind, subject = _KIND_OF_RULE.get(rule, ""), None
        proposal = propose(text, rule, kind, start, end, subject)
        if proposal is None:
            return _flag(rule, start, end, text[start:end], advice.WHY[rule], suggestion, "", -1, -1)
        rewrite_start, rewrite_end, sentence = proposal
        return _flag(
            rule, start, end, text[start:end], advice.WHY[rule], suggestion, sentence, rewrite_start, rewrite_end
        )

    def attention_notes(self) -> list[tuple[str, int, int, str]]:
        text = self.text
        remedies = self.prose_remedies()
        notes = (
            [
                _note(
                    text,
                    ATTENTION_REMEDY,
                    found.start,
                    found.end,
                    advice.for_remedy_kind(found.kind, text[found.start : found.end]),
                )
                for found in remedies
            ]
            if remedies
            else []
        )
        for sentence in self.sentences:
            if not sentence.marked & APPEAL_MARK:
                continue  # no word that can start an appeal (``attention_appeals`` would find none)
            for first, last in attention_appeals(sentence):
                start, end = sentence.starts[first], sentence.end(last - 1)
                notes.append(_note(text, ATTENTION_REMEDY, start, end, advice.for_attention_remedy(text[start:end])))
        return notes


def _closing_emphasis(text: str, found) -> int:
    """The end of a finding, past markdown emphasis it opened ("caused by *Jonas*")."""
    end = found.end
    while end < len(text) and text[end] in _EMPHASIS and text[found.start : end].count(text[end]) % 2:
        end += 1
    return end


def _advice_for(found, text: str) -> str:
    excerpt = text[found.start : found.end]
    if found.kind == "judgement":
        return advice.for_judging_word(excerpt.lower())
    if found.kind == "subject_harm":
        return advice.for_person(excerpt)
    if (
        found.rule == WHO_QUESTION
        and excerpt[:3].lower() in {"who", "whi", "wha"}
        and not excerpt.lower().startswith("what")
    ):
        return advice.for_who_question(excerpt)
    return advice.for_kind(found.kind)


@lru_cache(maxsize=64)
def _people_words(people: tuple[str, ...]) -> frozenset[str]:
    """The lower-case words of the directory's names, for the clause reader."""
    return frozenset(word.lower().lstrip("@") for person in people for word in person.split() if len(word) > 1)


def _without_overlaps(notes: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    # The widest phrase wins: it carries the most specific advice ("the intern forgot" over "forgot").
    if len(notes) < 2:
        return [note for note in notes if note[1] < note[2]]
    starts: list[int] = []
    kept: list[tuple[str, int, int, str]] = []
    for note in sorted(notes, key=_widest_first):
        rule, start, end, _suggestion = note
        if end <= start:
            continue
        place = bisect_right(starts, start)
        if (place and kept[place - 1][2] > start) or (place < len(kept) and kept[place][1] < end):
            continue
        starts.insert(place, start)
        kept.insert(place, note)
    return kept


def _widest_first(note: tuple[str, int, int, str]) -> tuple[int, int, int]:
    return note[1] - note[2], _RULE_ORDER[note[0]], note[1]


_RULE_ORDER = {rule: order for order, rule in enumerate(RULES)}
_KIND_OF_RULE = {HINDSIGHT: "counterfactual", WHO_QUESTION: "interrogation", PERSON_BLAME: "evaluation"}


def check_text(text: str, people: Iterable[str] = ()) -> list[Flag]:
    """Flag blaming, judging, hindsight phrasing, who-questions and attention remedies in ``text``.

    ``people`` are names from the directory (see ``directory_names``); a name only matters
    when the text frames that person as the one who failed. Flags come in text order and
    never overlap.
    """
    if not text or text.isspace():
        return []
    # One set per directory, kept: its hash is computed once, not once per sentence.
    people_words = _people_words(tuple(sorted({person for person in people if person})))
    return [
        _moved(flag, chunk.start())
        for chunk in chunk_matches(text)
        for flag in _checked_sentence(chunk.group(), people_words)
    ]


@lru_cache(maxsize=50_000)
def _checked_sentence(chunk: str, people: frozenset[str]) -> tuple[Flag, ...]:
    """The flags of one sentence (or line), kept per process: typing changes one sentence at a time."""
    reading = _Reading(chunk, people, one_chunk=True)
    notes = reading.clause_notes() + reading.attention_notes()
    if not notes:
        return ()  # most sentences
    return tuple(map(reading.flag, _without_overlaps(notes)))


def _moved(flag: Flag, offset: int) -> Flag:
    if not offset:
        return flag
    rewrite_start = flag.rewrite_start + offset if flag.rewrite_start >= 0 else -1
    rewrite_end = flag.rewrite_end + offset if flag.rewrite_end >= 0 else -1
    return _flag(
        flag.rule,
        flag.start + offset,
        flag.end + offset,
        flag.excerpt,
        flag.why,
        flag.suggestion,
        flag.rewrite,
        rewrite_start,
        rewrite_end,
    )


_new_object = object.__new__
_set_attribute = object.__setattr__


def _flag(
    rule: str,
    start: int,
    end: int,
    excerpt: str,
    why: str,
    suggestion: str,
    rewrite: str,
    rewrite_start: int,
    rewrite_end: int,
) -> Flag:
    """The ``Flag`` these values make, made without the frozen dataclass's nine guarded assignments (a review
    makes hundreds of flags): the same value, equal to and hashed as the one ``Flag(...)`` makes."""
    flag = _new_object(Flag)
    _set_attribute(
        flag,
        "__dict__",
        {
            "rule": rule,
            "start": start,
            "end": end,
            "excerpt": excerpt,
            "why": why,
            "suggestion": suggestion,
            "rewrite": rewrite,
            "rewrite_start": rewrite_start,
            "rewrite_end": rewrite_end,
        },
    )
    return flag


def find_attention_remedy(text: str) -> Flag | None:
    """The first appeal to attention in ``text`` (an action item that changes no system), or None.

    The same reading as ``check_text`` gives, so a title refused here carries the same note the
    language guide shows beside it; a bare title ("Training for the on-call") is read as an action.
    """
    if not text or text.isspace():
        return None
    reading = _Reading(text, frozenset())
    notes = _without_overlaps(reading.attention_notes())
    if not notes:
        found = read_remedy(text)
        if found is None:
            return None
        excerpt = text[found.start : found.end]
        notes = [_note(text, ATTENTION_REMEDY, found.start, found.end, advice.for_remedy_kind(found.kind, excerpt))]
    return reading.flag(notes[0])


# --- reading a text: checked, or in a language the guide cannot read --------------------------------


@dataclass(frozen=True)
class LanguageReading:
    """The guide's reading of one text: ``checked`` is False when the text is not in a language it reads."""

    checked: bool
    flags: list[Flag]
    language: str = "en"

    def as_dict(self) -> dict:
        return {"checked": self.checked, "language": self.language, "flags": [flag.as_dict() for flag in self.flags]}

    @classmethod
    def from_dict(cls, stored: dict) -> LanguageReading:
        return cls(
            stored.get("checked", True),
            [Flag(**flag) for flag in stored.get("flags", ())],
            stored.get("language", "en"),
        )


def read_language(text: str, people: Iterable[str] = ()) -> LanguageReading:
    """Check ``text``; text in a language the guide cannot read is marked not checked, never passed as clean."""
    if not text or text.isspace():
        return LanguageReading(True, [])
    language = language_of(text)
    if language != "en":
        return LanguageReading(False, [], language)
    return LanguageReading(True, check_text(text, people))


def notes_for_storage(text: str) -> dict:
    """The reading of ``text`` to store beside it when it is saved, knowing the names in the directory."""
    return read_language(text, directory_names()).as_dict()


def reading_of(obj, field: str) -> LanguageReading:
    """The reading stored with ``obj.<field>`` when it was saved; read now only for rows saved before notes were stored."""
    stored = (getattr(obj, "language_notes", None) or {}).get(field)
    if stored is not None:
        return LanguageReading.from_dict(stored)
    return read_language(getattr(obj, field) or "", directory_names())


# Everything loaded so far (the lexicon, the readers, the framework under them) lives as long as the process.
# Frozen, the collector no longer walks it each time a check's short-lived tokens fill a generation: that
# walk was a tenth of checking a review. Freed objects are still freed; only cycles among them would stay.
gc.freeze()
