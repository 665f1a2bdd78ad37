"""What every reading of a sentence shares: its tokens, where a finding lies, and what a verb does.

``Reading`` holds one sentence (``tokens.Sentence``) and the directory's names, and offers the small
steps every reading takes: passing over fillers and asides, finding a word in a window, where a clause
ends, whether a verb does harm or fails (``_harm``) and whether a harm follows later in the clause.
The readings themselves (``subjects``, ``predicates``, ``evaluations``, ``counterfactuals``,
``framings``, ``sanctions``, ``questions``) build on it; ``clauses.SentenceReader`` is all of them.
"""

from __future__ import annotations

from typing import NamedTuple

from . import lexicon as lx
from .advice import PERSON_BLAME
from .tokens import CLAUSE_BREAK, Sentence

_FILLERS = lx._words(
    """just simply also then honestly frankly basically clearly obviously apparently evidently still even
    probably actually really totally completely somehow literally unfortunately allegedly supposedly
    ultimately once lol tbh tho though so"""
)
# A comma around an aside the subject is read past (", once again,", "as usual,").
_BEFORE_SKIPPED_ASIDE = _FILLERS | lx.REPEAT_MARKERS | lx._words("yet as once who of")
_AFTER_SKIPPED_ASIDE = _FILLERS | lx.REPEAT_MARKERS | lx._words("usual course")
_CLAUSE_WORDS = lx._words("because although though while whereas since so which but")
_MIS_VERBS = lx._words("route configure label name type read judge manage handle direct click apply set")


class Finding(NamedTuple):
    """Part of a sentence read as blame, judging, hindsight or an interrogation of a person.

    A named tuple, not a frozen dataclass: a review makes hundreds, and a tuple is made ten times faster.
    """

    rule: str
    # subject_harm, possessive, evaluation, judgement, cleft, sanction, counterfactual, interrogation, repeat
    kind: str
    start: int
    end: int
    subject: tuple[int, int] | None = None  # where the person is named, for the rewrite


class Reading:
    """One sentence being read; ``people`` is the lower-case directory index (first words → full names)."""

    def __init__(self, sentence: Sentence, people: frozenset[str]):
        self.n = len(sentence.lows)
        self.people = people
        self.texts = sentence.texts
        self.lows = sentence.lows
        self.lemmas = sentence.lemmas
        self.starts = sentence.starts
        self.capitals = sentence.capitals
        self.marks = sentence.marks
        self.marked = sentence.marked
        self.sentence = sentence
        # The sentence's words as a set: a step that needs a word ("and", "without") is skipped at once
        # in a sentence without it, since it could find nothing there.
        self.words = set(sentence.lows)

    def mentions(self, mark: int) -> bool:
        """Whether a word of the sentence may start the reading ``mark`` stands for (``lexicon.start_marks``).

        Each reading passes over every word without its mark; asked first, this lets a sentence without
        any of them skip the reading whole.
        """
        return bool(self.marked & mark)

    def starts_of(self, mark: int) -> list[int]:
        """Where a reading marked ``mark`` may start: every word with that mark, none when no word has it."""
        if not self.mentions(mark):
            return []
        return [k for k, marks in enumerate(self.marks) if marks & mark]

    def _index_at(self, offset: int) -> int:
        for k, start in enumerate(self.starts):
            if start >= offset:
                return k
        return self.n

    def _span(self, i: int, j: int) -> tuple[int, int]:
        j = min(max(j, i + 1), self.n)
        while j - 1 > i and self.lows[j - 1] in {".", ",", ";", ":", "!"}:
            j -= 1
        start, end = self.starts[i], self.starts[j - 1] + len(self.texts[j - 1])
        return start, min(end, start + 160)

    def _finding(self, rule, kind, i, j, subject=None) -> Finding:
        start, end = self._span(i, j)
        subject_span = self._span(*subject) if subject else None
        return Finding(rule, kind, start, end, subject_span)

    def _skip(self, j: int, marks: set[str] | None = None) -> int:
        """Past fillers and adverbs ("just", "accidentally", ", once again,") after a subject."""
        while j < self.n:
            low = self.lows[j]
            if (
                low.endswith("ly")
                and low not in {"only", "early", "fly", "apply", "reply", "supply", "rely"}
                and len(low) > 4
            ) or low in {"first", "quickly", "soon", "later"}:
                if marks is not None and low in lx.CARELESS_ADVERBS:
                    marks.add("careless")
                j += 1
            elif low in _FILLERS or low in lx.CARELESS_ADVERBS or low in lx.REPEAT_MARKERS:
                if marks is not None and (low in lx.CARELESS_ADVERBS or low in lx.REPEAT_MARKERS):
                    marks.add("careless" if low in lx.CARELESS_ADVERBS else "repeat")
                j += 1
            elif (
                low in {"yet", "as", "once"}
                and j + 1 < self.n
                and self.lows[j + 1] in {"again", "usual", "always", "ever"}
            ):
                if marks is not None:
                    marks.add("repeat")
                j += 2
            elif (
                low == ","
                and j + 1 < self.n
                and (self.lows[j + 1] in _BEFORE_SKIPPED_ASIDE or self.lows[j - 1] in _AFTER_SKIPPED_ASIDE)
                or low in {"of", "course"}
                and j > 0
                and self.lows[j - 1] in {",", "of"}
            ):
                j += 1
            else:
                break
        return j

    def _find(self, word: str, start: int, stop: int) -> int | None:
        for k in range(start, min(stop, self.n)):
            if self.lows[k] == word:
                return k
        return None

    def _window_has(self, j: int, width: int, words: set[str]) -> bool:
        return not words.isdisjoint(self.lows[j : j + width])

    def _through(self, j: int, width: int, words: set[str]) -> int:
        for k in range(j, min(j + width, self.n)):
            if self.lows[k] in words:
                return k + 1
        return j + 1

    def _skip_words(self, j: int, words: set[str]) -> int:
        while j < self.n and self.lows[j] in words:
            j += 1
        return j

    def _clause_end(self, j: int) -> int:
        for k in range(j + 1, self.n):
            if self.lows[k] in CLAUSE_BREAK or self.lows[k] in _CLAUSE_WORDS:
                return k
        return self.n

    def _negation(self, j: int) -> int | None:
        if (
            self.lemmas[j] in {"do", "would", "can", "could", "will", "have"}
            and j + 1 < self.n
            and self.lows[j + 1] in {"not", "n't", "never"}
        ):
            k = j + 2
            if self.lemmas[j] == "have" and k < self.n and self.lemmas[k] in ("be",):
                return None
            return k
        return None

    def _harm(self, j: int) -> tuple[int, str] | None:
        """(end index, "human" or "any") when the verb at ``j`` does harm or fails."""
        if j >= self.n:
            return None
        lem, low = self.lemmas[j], self.lows[j]
        nxt = self.lows[j + 1] if j + 1 < self.n else ""
        if lem in lx.NOT_HARM_PARTICLES and nxt in lx.NOT_HARM_PARTICLES[lem]:
            return None
        if lem in lx.PARTICLE_HARM:
            for k in range(j + 1, min(j + 6, self._clause_end(j))):
                if (
                    lem == "leave"
                    and self.lows[k] == "on"
                    and (
                        k + 1 >= self.n
                        or self.lows[k + 1] in {"in", "overnight", "over", "for", "and", ",", ".", "all", "everywhere"}
                    )
                ):
                    return k + 1, "human"
                if self.lows[k] in lx.PARTICLE_HARM[lem] or self.lemmas[k] in lx.PARTICLE_HARM[lem]:
                    human = lem in {"mess", "screw", "drop", "let", "leave", "sleep", "fall"}
                    return k + 1, "human" if human else "any"
        if lem in lx.VALUE_SENSITIVE_VERBS and (
            self._as_planned(j)
            or not self._window_has(j + 1, 5, lx.VALUABLE_OBJECTS)
            or self._window_has(j + 1, 4, {"staging", "test", "sandbox", "stale", "old", "temporary", "unused", "tmp"})
        ):
            return None
        if lem in lx.LAPSE_VERBS and self._window_has(j + 1, 12, lx.CIRCUMSTANCE_WORDS):
            return None
        if low == "fat" and nxt.startswith("finger"):
            return j + 2, "human"  # "fat fingerd the replica count", as chat writes it
        if lem.startswith("mis") and len(lem) > 6 and lem[3:] in _MIS_VERBS:
            return j + 1, "human"  # "misrouted", "misconfigured", "mislabelled": done wrongly
        if lem in lx.HARM_VERBS and not (low.endswith("ing") and j and self.lemmas[j - 1] not in {"be", "keep"}):
            if (
                lem in {"lock", "disable", "drop", "delete", "kill", "miss", "skip", "ignore", "lose"}
                and j + 1 < self.n
                and self.lows[j + 1] in {"in", "by", "off", "out", "for"}
            ):
                return None
            human = lem in lx.HUMAN_ONLY_FAILURES
            return j + 1, "human" if human else "any"
        return None

    def _as_planned(self, j: int) -> bool:
        """ "as step four of the plan", "as the runbook describes", "per the runbook": the act was the procedure."""
        for k in range(j + 1, self.n):
            if self.lows[k] in {"as", "per", "following"} and self._window_has(
                k + 1,
                3,
                {
                    "step",
                    "part",
                    "planned",
                    "documented",
                    "described",
                    "runbook",
                    "plan",
                    "designed",
                    "agreed",
                    "asked",
                    "scheduled",
                },
            ):
                return True
        return False

    def _later_harm(self, i: int, j: int, stop: int, subject) -> Finding | None:
        """ "Priya acknowledged the page and then went back to sleep": a later harm in the same clause."""
        if "and" not in self.words and "but" not in self.words:
            return None
        for k in range(j + 1, stop):
            if self.lows[k] in {"and", "but"} and k + 1 < self.n:
                later = self._skip(k + 1)
                if (
                    later < self.n
                    and self.lows[later] == "never"
                    and later + 1 < self.n
                    and self.lemmas[later + 1] not in lx.STATE_VERBS
                ):
                    return self._finding(PERSON_BLAME, "subject_harm", i, later + 2, subject)
                negated = later < self.n and self._negation(later)
                if negated and negated < self.n and self.lemmas[negated] in lx.DUTY_VERBS:
                    return self._finding(PERSON_BLAME, "subject_harm", i, negated + 1, subject)
                if later < self.n and (
                    self._harm(later)
                    or self.lemmas[later] == "go"
                    and self._window_has(later, 4, {"home", "sleep", "bed"})
                ):
                    harm = self._harm(later)
                    return self._finding(PERSON_BLAME, "subject_harm", i, harm[0] if harm else later + 3, subject)
        return None
