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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon as lx
from .judgements import read_judgements
from .lemmas import is_known, lemma, misspelling_of
from .people import COMMON_WORDS as DIRECTORY_COMMON_WORDS

PERSON_BLAME = "person_blame"
JUDGING_WORD = "judging_word"
HINDSIGHT = "hindsight"
WHO_QUESTION = "who_question"

# A word ("didn't", "on-call"), a possessive ending in an apostrophe ("Jonas’"), a number, or punctuation.
_TOKEN = re.compile(
    r"@?[^\W\d_][\w’'-]*s['’](?![\w’'])|@?[^\W\d_][\w’'-]*[\w]|[^\W\d_]|\d[\w:.,/%-]*|[.!?;:,()\[\]\"“”—–]|\n"
)
_SENTENCE_END = frozenset(".!?;\n")
_CLAUSE_BREAK = frozenset(',:()—–"“”')
_CONTRACTIONS = {
    "n't": "not", "'ve": "have", "'re": "be", "'ll": "will", "'m": "be", "'d": "would",
}  # fmt: skip
_CHAT_CONTRACTIONS = lx._words("shouldve couldve wouldve mustve mightve")
_IS_AFTER = lx._words("it that this there what who here he she where how everything which one")
_FILLERS = lx._words(
    """just simply also then honestly frankly basically clearly obviously apparently evidently still even
    probably actually really totally completely somehow literally unfortunately allegedly supposedly
    ultimately once lol tbh tho though so"""
)
# A comma around an aside the subject is read past (", once again,", "as usual,").
_BEFORE_SKIPPED_ASIDE = _FILLERS | lx.REPEAT_MARKERS | lx._words("yet as once who of")
_AFTER_SKIPPED_ASIDE = _FILLERS | lx.REPEAT_MARKERS | lx._words("usual course")
_DETERMINERS_OR_POSSESSIVES = lx.DETERMINERS | lx.POSSESSIVE_PRONOUNS


@dataclass(frozen=True, slots=True)
class Finding:
    """Part of a sentence read as blame, judging, hindsight or an interrogation of a person."""

    rule: str
    # subject_harm, possessive, evaluation, judgement, cleft, sanction, counterfactual, interrogation, repeat
    kind: str
    start: int
    end: int
    subject: tuple[int, int] | None = None  # where the person is named, for the rewrite


class Sentence:
    """The tokens of one sentence as parallel lists, each listed once for every reader: the words as written,
    in lower case, their lemmas, where each starts and ends in the text, and whether it is capitalised.

    Contractions come apart ("didn't" → "did", "not"), and a possessive "'s" is its own token (lemma ``POSS``).
    """

    __slots__ = ("texts", "lows", "lemmas", "starts", "capitals", "marks", "marked")

    def __init__(self, texts, lows, lemmas, starts, capitals, marks):
        self.texts = texts
        self.lows = lows
        self.lemmas = lemmas
        self.starts = starts
        self.capitals = capitals
        # The readings each token may start (``lexicon.start_marks``), and all of them in the sentence.
        self.marks = marks
        self.marked = 0
        for mark in set(marks):
            self.marked |= mark

    def __len__(self) -> int:
        return len(self.lows)

    def end(self, k: int) -> int:
        """Where token ``k`` ends in the text."""
        return self.starts[k] + len(self.texts[k])


def sentences_of(text: str) -> list[Sentence]:
    """The sentences of ``text`` as tokens. A sentence ends at ".", "!", "?", ";" or a line break (which is
    left out), except the dot after "Mr", "Ms", "Dr", which is left out too.

    No token holds a space, so the text is cut at spaces first and each distinct piece ("deploy,", "Priya's")
    is cut into tokens once and kept (``_piece_parts``); a line break is the only token that is a space.
    """
    texts, lows, lemmas, starts, capitals, marks = [], [], [], [], [], []
    add_text, add_low, add_lemma = texts.append, lows.append, lemmas.append
    add_start, add_capital, add_marks = starts.append, capitals.append, marks.append
    bounds = []  # the index after each sentence's last token
    last = 0
    find = text.find
    line_start = 0
    for line in text.split("\n"):
        at = line_start
        for piece in line.split():
            at = find(piece, at)
            for offset, word, low, lem, capital, mark in _piece_parts(piece):
                if low in _SENTENCE_END:
                    if low == "." and len(lows) > last and lows[-1] in lx.HONORIFICS:
                        continue  # "Mr. Halvorsen" goes on
                    add_text(word)
                    add_low(low)
                    add_lemma(lem)
                    add_start(at + offset)
                    add_capital(capital)
                    add_marks(mark)
                    last = len(lows)
                    bounds.append(last)
                    continue
                add_text(word)
                add_low(low)
                add_lemma(lem)
                add_start(at + offset)
                add_capital(capital)
                add_marks(mark)
            at += len(piece)
        line_start += len(line) + 1
        if len(lows) > last:  # the line break
            last = len(lows)
            bounds.append(last)
    if len(bounds) == 1:
        return [Sentence(texts, lows, lemmas, starts, capitals, marks)]
    sentences, first = [], 0
    for bound in bounds:
        sentences.append(
            Sentence(
                texts[first:bound],
                lows[first:bound],
                lemmas[first:bound],
                starts[first:bound],
                capitals[first:bound],
                marks[first:bound],
            )
        )
        first = bound
    return sentences


@lru_cache(maxsize=65536)
def _piece_parts(piece: str) -> tuple[tuple[int, str, str, str, bool, int], ...]:
    """The tokens of one piece of a text between spaces, each as (offset, text, lower case, lemma, capitalised,
    the readings it may start): a piece reads alone as it reads in its text, since no token holds a space."""
    parts = []
    for match in _TOKEN.finditer(piece):
        start = match.start()
        for offset, _length, word, low, lem, capital in _word_parts(match[0]):
            parts.append((start + offset, word, low, lem, capital, lx.start_marks(low, lem, capital)))
    return tuple(parts)


@lru_cache(maxsize=65536)
def _word_parts(word: str) -> tuple[tuple[int, int, str, str, str, bool], ...]:
    """What one written word reads as: (offset, length, text, lower case, lemma, capitalised) per token.

    Kept per word: a review repeats the same few thousand words, and this is most of a check's work.
    """
    low = word.lower().replace("’", "'")
    if low in _CHAT_CONTRACTIONS:  # "shouldve", "couldve": chat drops the apostrophe
        head = low[:-2]
        return (
            (0, len(head), word[: len(head)], head, head, word[:1].isupper()),
            (len(head), 2, word[len(head) :], "'ve", "have", False),
        )
    if "'" in low and low[0].isalpha():
        head, tail = _split_contraction(low)
        if tail:
            cut = len(head)
            parts = []
            if head:
                parts.append((0, cut, word[:cut], head, lemma(head), word[:1].isupper()))
            if tail == "'s-is":
                low_tail, lem_tail = "is", "be"
            elif tail == "'s":
                low_tail, lem_tail = "'s", "POSS"
            else:
                low_tail, lem_tail = tail, _CONTRACTIONS.get(tail, tail)
            parts.append((cut, len(word) - cut, word[cut:], low_tail, lem_tail, False))
            return tuple(parts)
    return ((0, len(word), word, low, lemma(low), word[:1].isupper()),)


def _split_contraction(low: str) -> tuple[str, str]:
    if low.endswith("n't"):
        head = low[:-3]
        return {"ca": "can", "wo": "will", "sha": "shall"}.get(head, head), "n't"
    for tail in ("'ve", "'re", "'ll", "'m", "'d", "'s", "'"):
        if low.endswith(tail) and len(low) > len(tail):
            head = low[: -len(tail)]
            if tail == "'s":
                return head, ("'s" if head not in _IS_AFTER else "'s-is")
            if tail == "'":
                return head, "'s" if head.endswith("s") else ""
            return head, tail
    return low, ""


class SentenceReader:
    """Reads one sentence; ``people`` is the lower-case directory index (first words → full names)."""

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

    def mentions(self, mark: int) -> bool:
        """Whether a word of the sentence may start the reading ``mark`` stands for (``lexicon.start_marks``).

        Each reading passes over every word without its mark; asked first, this lets a sentence without
        any of them skip the reading whole.
        """
        return bool(self.marked & mark)

    # --- who ---------------------------------------------------------------------------------

    def person_at(self, i: int) -> tuple[int, str] | None:
        """(index after the noun phrase, how sure) if a person or group of people starts at ``i``.

        ``certain`` for names, pronouns and roles; ``maybe`` for "they" and unknown capitalised
        words, which need a predicate only people do.
        """
        if i >= self.n:
            return None
        written, capital = self.lows[i], self.capitals[i]
        if not capital and written not in lx.PERSON_STARTS and written not in self.people and written[:1] != "@":
            return None  # most words: nothing below can read them as a person
        low = written.lstrip("@")
        if low in lx.PERSON_PRONOUNS:
            return i + 1, "certain"
        if low in lx.HONORIFICS and i + 1 < self.n and self.capitals[i + 1]:
            return i + 2, "certain"  # "Mr. Halvorsen", "Ms. Achterberg", "Mister Oyelaran"
        if low in lx.WEAK_PRONOUNS:
            return i + 1, "maybe"
        if low in lx.DETERMINERS or low in lx.POSSESSIVE_PRONOUNS:
            j = i + 1
            if low == "one" and j + 1 < self.n and self.lows[j] == "of":
                j += 2
                if j < self.n and self.lows[j] in _DETERMINERS_OR_POSSESSIVES:
                    j += 1
            while j < self.n and (self.lows[j] in lx.ROLE_MODIFIERS or self._is_modifier_name(j)) and j - i < 5:
                j += 1
            if (
                j + 2 < self.n
                and self.lemmas[j + 1] == "POSS"
                and (self.lows[j + 2] in lx.ROLE_NOUNS or self.lows[j + 2] in lx.ROLE_MODIFIERS)
            ):
                # "the vendor's engineer", "the web team's on-call engineer"
                k = j + 2
                while k < self.n and self.lows[k] in lx.ROLE_MODIFIERS and self.lows[k] not in lx.ROLE_NOUNS:
                    k += 1
                while k + 1 < self.n and self.lows[k + 1] in lx.ROLE_NOUNS:
                    k += 1
                if k < self.n and self.lows[k] in lx.ROLE_NOUNS:
                    return k + 1, "certain"
            if (
                j + 1 < self.n
                and self.lows[j + 1] in lx.ROLE_NOUNS
                and self.lows[j] not in lx.ROLE_NOUNS
                and ("-" in self.lows[j] or self.lemmas[j] == self.lows[j] and self.texts[j].isalpha())
                and self.lows[j] not in _NOT_MODIFIERS
            ):
                j += 1  # "the night-shift operator", "the billing engineer"
            if j > i + 1 and not (j < self.n and self.lows[j] in lx.ROLE_NOUNS) and self.lows[j - 1] in lx.ROLE_NOUNS:
                j -= 1  # "the on-call didn't …": the last modifier was the noun
            if j < self.n and (
                self.lows[j] in lx.ROLE_NOUNS
                or self.lemmas[j] in lx.ROLE_NOUNS
                or misspelling_of(self.lows[j], lx.ROLE_NOUNS)
            ):
                end = j + 1
                if end < self.n and self.lows[end] in lx.ROLE_NOUNS:  # "on-call engineer"
                    end += 1
                if end + 1 < self.n and self.lows[end] == "on" and self.lows[end + 1] in ("call", "duty", "shift"):
                    end += 2  # "the SRE on call"
                if end + 2 < self.n and self.lows[end] in ("from", "on", "in") and self.lows[end + 1] in ("the", "our"):
                    for k in range(end + 2, min(self.n, end + 5)):
                        if self.lows[k] in lx.GROUP_NOUNS:
                            end = k + 1  # "an engineer from the data team"
                            break
                return end, "certain"
            if j < self.n and self.lows[j] in lx.GROUP_NOUNS and (j > i + 1 or low in ("the", "that")):
                return j + 1, "group"
            return None
        text = self.texts[i]
        if text.startswith("@") and low not in lx.SYSTEM_NAMES and not low.endswith("bot"):
            return i + 1, "certain"  # a mention in chat is someone
        if low in ("ops", "qa", "devops", "infra") and (i == 0 or not self.capitals[i] or low == "ops"):
            return i + 1, "certain"
        if (low in lx.ROLE_MODIFIERS or low in lx.ROLE_NOUNS) and i + 1 < self.n and self.lows[i + 1] in lx.GROUP_NOUNS:
            return i + 2, "group"  # "Dev team pushed …", "Platform team broke …"
        if not text.lstrip("@")[:1].isalpha():
            return None
        name_end = self._name_end(i)
        if name_end:
            return name_end, "certain"
        if capital and low not in lx.SYSTEM_NAMES and low not in _NOT_NAMES and text.replace("-", "").isalpha():
            # A capitalised word no English dictionary knows, written like a name (not "PagerDuty",
            # not "AWS"), reads as someone's name: "Magnus took the login service down".
            plain = text.replace("-", "")
            if len(plain) > 2 and plain[1:].islower() and not is_known(low):
                return i + 1, "certain"
            return i + 1, "maybe"
        return None

    def _is_modifier_name(self, j: int) -> bool:
        return (
            self.capitals[j]
            and self.lows[j] not in lx.ROLE_NOUNS
            and j + 1 < self.n
            and (self.lows[j + 1] in lx.GROUP_NOUNS or self.lows[j + 1] in lx.ROLE_NOUNS)
        )

    def _name_end(self, i: int) -> int | None:
        low = self.lows[i].lstrip("@")
        known = low in self.people or low in lx.FIRST_NAMES
        if known and (self.capitals[i] or (low not in _COMMON_WORDS and low not in DIRECTORY_COMMON_WORDS)):
            j = i + 1
            # "Priya Raman": a second capitalised word continues the name.
            if j < self.n and self.capitals[j] and self.texts[j].isalpha() and self.lows[j] not in _NOT_NAMES:
                if self.lows[j] in self.people or self.lows[j] not in lx.SYSTEM_NAMES and self.lows[j] not in _VERBISH:
                    j += 1
            return j
        return None

    # --- reading -----------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        found += self._sanctions()
        found += self._interrogations()
        found += self._framed_before()
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
        """Where a person could start: the words ``person_at`` does not pass over at once."""
        people = self.people
        if people.isdisjoint(self.lows):
            return [i for i, mark in enumerate(self.marks) if mark & lx.PERSON_MARK]
        return [
            i
            for i, (low, mark) in enumerate(zip(self.lows, self.marks, strict=True))
            if mark & lx.PERSON_MARK or low in people
        ]

    def _index_at(self, offset: int) -> int:
        for k, start in enumerate(self.starts):
            if start >= offset:
                return k
        return self.n

    def _span(self, i: int, j: int) -> tuple[int, int]:
        j = min(max(j, i + 1), self.n)
        while j - 1 > i and self.lows[j - 1] in (".", ",", ";", ":", "!"):
            j -= 1
        start, end = self.starts[i], self.sentence.end(j - 1)
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
                and low not in ("only", "early", "fly", "apply", "reply", "supply", "rely")
                and len(low) > 4
            ) or low in ("first", "quickly", "soon", "later"):
                if marks is not None and low in lx.CARELESS_ADVERBS:
                    marks.add("careless")
                j += 1
            elif low in _FILLERS or low in lx.CARELESS_ADVERBS or low in lx.REPEAT_MARKERS:
                if marks is not None and (low in lx.CARELESS_ADVERBS or low in lx.REPEAT_MARKERS):
                    marks.add("careless" if low in lx.CARELESS_ADVERBS else "repeat")
                j += 1
            elif (
                low in ("yet", "as", "once")
                and j + 1 < self.n
                and self.lows[j + 1] in ("again", "usual", "always", "ever")
            ):
                if marks is not None:
                    marks.add("repeat")
                j += 2
            elif (
                low == ","
                and j + 1 < self.n
                and (self.lows[j + 1] in _BEFORE_SKIPPED_ASIDE or self.lows[j - 1] in _AFTER_SKIPPED_ASIDE)
                or low in ("of", "course")
                and j > 0
                and self.lows[j - 1] in (",", "of")
            ):
                j += 1
            else:
                break
        return j

    def _predicate(self, i: int, end: int, sureness: str) -> Finding | None:
        """What the clause says the person at ``i:end`` did, if it frames them as the one who failed."""
        certain = sureness in ("certain", "group")
        subject = (i, end)
        if end < self.n and self.lemmas[end] == "POSS":
            return self._possessive(i, end + 1, certain, group=sureness == "group")
        # "The cause was X" reads the other way round; "X, who was on call," is an aside.
        marks: set[str] = set()
        j = self._skip(end, marks)
        if self.lows[i] == "whoever" and j < self.n:
            for k in range(j + 1, min(self.n, j + 5)):
                harm = self._harm(k)
                if harm:
                    return self._finding(PERSON_BLAME, "subject_harm", i, harm[0], subject)
        if j < self.n and self.lows[j] == "who" and self.lows[j - 1] == ",":
            j -= 1  # the comma before an aside was passed over as a filler
        if j < self.n and self.lows[j] == "," and j + 1 < self.n and self.lows[j + 1] == "who":
            close = self._find(",", j + 2, j + 8)
            j = self._skip(close + 1, marks) if close else j + 2  # "…, who never considered timeouts."
        if j >= self.n:
            return None
        if (
            self.lemmas[j] in ("decide", "choose", "try", "attempt", "manage")
            and j + 2 < self.n
            and self.lows[j + 1] == "to"
        ):
            j += 2  # "decided to drop the replica": what was done is the predicate
        elif (
            self.lemmas[j] == "go"
            and j + 2 < self.n
            and self.lows[j + 1] == "ahead"
            and self.lows[j + 2] in ("and", "to")
        ):
            j += 3
        lem, low = self.lemmas[j], self.lows[j]
        # Counterfactuals about a person: "ought to have checked", "could've caught", "was supposed to".
        counterfactual = self._counterfactual(j)
        if counterfactual and (certain or self._human_verb_after(counterfactual - 1)):
            return self._finding(HINDSIGHT, "counterfactual", i, counterfactual, subject)
        if (
            lem == "need"
            and low == "needed"
            and j + 2 < self.n
            and self.lows[j + 1] == "to"
            and self.lemmas[j + 2] in lx.DUTY_VERBS
        ):
            return self._finding(HINDSIGHT, "counterfactual", i, j + 3, subject)
        if lem == "be" and j + 1 < self.n and self.lows[j + 1].endswith("ing") and self.lemmas[j + 1] in _HUMAN_ONLY:
            return self._finding(PERSON_BLAME, "subject_harm", i, j + 2, subject)  # "was forgetting to close"
        if lem == "be":
            return self._copula(i, j, certain, group=sureness == "group")
        if certain and low in ("fault", "mistake", "mistakes", "error", "typo") and j == end:
            return self._finding(PERSON_BLAME, "possessive", i, j + 1, subject)  # "Svenja fault": the 's left out
        if lem == "go" and self._window_has(j + 1, 3, {"sleep", "bed"}) and "back" in self.lows[j + 1 : j + 3]:
            return self._finding(PERSON_BLAME, "subject_harm", i, self._through(j + 1, 3, {"sleep", "bed"}), subject)
        if lem == "keep" and j + 1 < self.n and self.lows[j + 1].endswith("ing"):
            verb = self.lemmas[j + 1]
            if verb not in lx.CREDIT_VERBS:
                return self._finding(PERSON_BLAME, "repeat", i, j + 2, subject)
        if (
            lem == "have"
            and j + 2 < self.n
            and self.lows[j + 1] == "a"
            and self.lows[j + 2] in ("habit", "history", "track", "pattern", "tendency", "reputation")
        ):
            return self._finding(PERSON_BLAME, "repeat", i, min(j + 5, self.n), subject)
        negated = self._negation(j)
        if negated and sureness == "group" and self.lows[j] in ("do", "does"):
            return None  # "the mobile team does not watch that channel" is how things are, not a failure
        if negated and not certain:
            return None
        if negated:
            k = self._skip(negated)
            if k < self.n:
                verb = self.lemmas[k]
                if verb == "do" and k + 2 < self.n and self.lows[k + 2] in ("job", "jobs"):
                    return self._finding(PERSON_BLAME, "evaluation", i, k + 3, subject)
                if verb in lx.DUTY_VERBS or verb in ("bother", "test"):
                    return self._finding(PERSON_BLAME, "subject_harm", i, k + 1, subject)
            return None
        if low in ("never",) or lem in ("never",):
            k = j + 1
            if k < self.n and self.lemmas[k] in lx.DUTY_VERBS and self.lows[self._clause_end(k) - 1] != "before":
                return self._finding(PERSON_BLAME, "repeat", i, k + 1, subject)
            return None
        if (
            lem == "take"
            and self._window_has(j + 1, 2, {"over", "too", "ages", "forever", "way", "far", "much"})
            and self._window_has(j + 1, 6, {"to"})
        ):
            return self._finding(PERSON_BLAME, "subject_harm", i, self._through(j + 1, 6, {"to"}) + 1, subject)
        if lem in ("fail",) and j + 2 < self.n and self.lows[j + 1] == "to":
            if self.lemmas[j + 2] not in lx.STATE_VERBS:
                return self._finding(PERSON_BLAME, "subject_harm", i, j + 3, subject)
        if lem == "make" and self._window_has(j + 1, 4, {"mistake", "mistakes", "error", "errors", "blunder"}):
            return self._finding(
                PERSON_BLAME,
                "subject_harm",
                i,
                self._through(j + 1, 4, {"mistake", "mistakes", "error", "errors", "blunder"}),
                subject,
            )
        harm = self._harm(j)
        if harm:
            if certain or harm[1] == "human" or marks:
                end = harm[0]
                for k in range(end, min(self.n, end + 3)):  # "dropped the wrong table"
                    if self.lows[k] in lx.BAD_OBJECT_ADJECTIVES:
                        end = k + 1
                return self._finding(PERSON_BLAME, "subject_harm", i, end, subject)
            return None
        if not certain and lem not in _WHO_ACTS:
            return None  # "they" and unknown words need an act only people do ("pushed", "merged")
        if low in ("who", "that", "which"):
            return None  # a relative clause: "It was Femi who spotted …" is read as a cleft
        stop = self._clause_end(j)
        repairing = lem in _REPAIR_VERBS and not (lem == "roll" and j + 1 < self.n and self.lows[j + 1] == "out")
        if not repairing and lem not in lx.STATE_VERBS and (certain or lem in _WHO_ACTS):
            for k in range(j + 1, min(stop, j + 9)):
                if self.lows[k] in lx.BAD_OBJECT_ADJECTIVES and (
                    k + 1 >= self.n or self.lows[k + 1] not in ("one", "ones")
                ):
                    return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
        # "restarted prod without warning anybody": unless the sentence explains why ("because …").
        explained = self._window_has(j + 1, self.n, {"because", "since", "allows", "allowed"})
        for k in range(j + 1, j + 1 if explained or lem in lx.STATE_VERBS else stop):
            if self.lows[k] == "without":
                nxt = self._skip_words(k + 1, {"even", "properly", "first", "any", "a", "an", "asking", "telling"})
                if nxt < self.n and (
                    self.lemmas[nxt] in lx.WITHOUT_GERUNDS
                    or self.lows[nxt].removesuffix("ing") in lx.WITHOUT_GERUNDS
                    or self.lows[nxt] in ("anyone", "anybody", "review", "approval", "ticket", "backup", "warning")
                ):
                    return self._finding(PERSON_BLAME, "subject_harm", i, nxt + 1, subject)
        if (
            lem in lx.CREDIT_VERBS and not (lem == "roll" and j + 1 < self.n and self.lows[j + 1] == "out")
        ) or lem in lx.STATE_VERBS:
            return self._later_harm(i, j, stop, subject) if lem not in _REPAIR_VERBS else None
        # An ordinary act turned into a slip: "pushed untested code", "approved it without reading it",
        # "ran it against prod by mistake", "broke the build again".
        window = self.lows[j + 1 : stop]
        if marks & {"careless"}:
            return self._finding(PERSON_BLAME, "subject_harm", i, j + 1, subject)
        before_other = window[: next((n for n, w in enumerate(window) if w in _CLAUSE_OPENERS), len(window))]
        if "repeat" in marks or "again" in before_other or ("as", "usual") in zip(window, window[1:], strict=False):
            return self._finding(PERSON_BLAME, "repeat", i, stop, subject)
        done_wrong = self._act_gone_wrong(j) or self._failure_after(j)
        if done_wrong:
            return self._finding(PERSON_BLAME, "subject_harm", i, done_wrong, subject)
        for k in range(j + 1, stop):
            if self.lows[k] == "by" and k + 1 < self.n and self.lows[k + 1] in ("mistake", "accident"):
                return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
            if self.lows[k] == "straight" and k + 2 < self.n and self.lows[k + 1] in ("to", "into", "onto"):
                return self._finding(PERSON_BLAME, "subject_harm", i, k + 3, subject)
        return self._later_harm(i, j, stop, subject)

    def _failure_after(self, j: int) -> int | None:
        """ "removed the rate limit and the API fell over": the act told with the failure that followed."""
        for k in range(j + 1, min(self.n - 2, j + 10)):
            if self.lows[k] in (".", ";", "because", "since", "after", "when", "while", "until"):
                return None
            if self.lows[k] == "and" and self.lows[k + 1] in ("the", "our", "all", "every"):
                for m in range(k + 2, min(self.n, k + 6)):
                    if self.lemmas[m] in lx.THING_FAILURES and self.lows[m] != self.lemmas[m]:
                        return m + 1 + (m + 1 < self.n and self.lows[m + 1] in ("over", "down", "offline"))
        return None

    def _act_gone_wrong(self, j: int) -> int | None:
        """The end of "pushed a config that broke login", "deployed to production instead of staging",
        "paused the job far too late": an act told with the harm it did or the better act it replaced."""
        if self.lemmas[j] in _REPAIR_VERBS:
            return None
        for k in range(j + 1, min(self.n, j + 10)):
            low = self.lows[k]
            if low in (".", ";", "!", "?", "because", "since", "so", "but", "after", "when", "while"):
                return None
            if low in ("that", "which") and k + 1 < self.n and self.lemmas[k + 1] in lx.HARM_OF_A_THING:
                harm = self._harm(k + 1)
                if harm or self.lemmas[k + 1] not in ("take", "bring", "knock"):
                    return harm[0] if harm else k + 2
            if (  # "instead of staging", but "instead of waiting" tells a choice
                low == "instead"
                and k + 2 < self.n
                and self.lows[k + 1] == "of"
                and (self.lows[k + 2] in lx.ENVIRONMENTS or not self.lows[k + 2].endswith("ing"))
            ):
                return k + 3
            if (
                low == "too"
                and k + 1 < self.n
                and self.lows[k + 1] in ("late", "early", "soon", "long", "quickly", "fast")
            ):
                return k + 2
        return None

    def _later_harm(self, i: int, j: int, stop: int, subject) -> Finding | None:
        """ "Priya acknowledged the page and then went back to sleep": a later harm in the same clause."""
        for k in range(j + 1, stop):
            if self.lows[k] in ("and", "but") and k + 1 < self.n:
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

    def _possessive(self, i: int, j: int, certain: bool, group: bool = False) -> Finding | None:
        """ "X's push took … offline", "X's fault", "the intern's careless merge corrupted …"."""
        subject = (i, j)
        stop = self._clause_end(j)
        for k in range(j, min(stop, j + 4)):
            low, lem = self.lows[k], self.lemmas[k]
            if (
                low
                in ("fault", "mistake", "mistakes", "blunder", "screw-up", "mess", "doing", "typo", "slip", "oversight")
                or lem in lx.JUDGEMENT_NOUNS
            ):
                if (
                    low == "fault"
                    and k + 1 < self.n
                    and self.lows[k + 1] in ("tolerance", "domain", "injection", "code")
                ):
                    continue
                return self._finding(PERSON_BLAME, "possessive", i, k + 1, subject)
            if (
                low in ("behaviour", "behavior", "attitude", "conduct", "competence", "judgement", "judgment")
                and k == j
            ):
                return self._finding(JUDGING_WORD, "evaluation", i, k + 1, subject)
            if (
                low == "manager"
                and k == j
                and self._window_has(k + 1, 5, {"hear", "know", "told", "informed", "aware", "involved"})
            ):
                return self._finding(JUDGING_WORD, "sanction", i, k + 1, subject)
            if low in ("file", "record") and k == j and i and self.lows[i - 1] in ("in", "into", "to", "on"):
                return self._finding(JUDGING_WORD, "sanction", i, k + 1, subject)
            if low in lx.JUDGEMENT_ADJECTIVES or low in ("lazy", "careless", "sloppy", "bad", "reckless"):
                return self._finding(JUDGING_WORD, "evaluation", i, k + 2, subject)
        if (not certain and self.lows[j - 2 : j - 1] and not self.capitals[i]) or group:
            return None  # "the platform team's pipeline change broke …" names whose change, not a culprit
        # An action of theirs as the subject of harm.
        for k in range(j, min(stop, j + 5)):
            lem = self.lemmas[k]
            if lem in ("phone", "laptop", "pager", "connection", "internet", "wifi", "vpn", "computer"):
                return None
            harm = self._harm(k) if lem not in _NOUNISH_HARM or k > j else None
            if harm and k > j:
                return self._finding(PERSON_BLAME, "possessive", i, harm[0], subject)
            if lem in ("lead", "result") and k + 1 < self.n and self.lows[k + 1] in ("to", "in"):
                return self._finding(PERSON_BLAME, "possessive", i, k + 2, subject)
            if lem == "be" and k + 1 < self.n:
                nxt = self._skip_words(k + 1, {"the", "a", "an", "main", "real", "root", "only", "what", "that", "to"})
                if nxt < self.n and (
                    self.lemmas[nxt] in lx.CAUSE_NOUNS
                    or self.lows[nxt] in lx.BAD_OBJECT_ADJECTIVES
                    or self.lows[nxt] == "blame"
                ):
                    return self._finding(PERSON_BLAME, "possessive", i, nxt + 1, subject)
                if nxt < self.n and self._harm(nxt):
                    return self._finding(PERSON_BLAME, "possessive", i, self._harm(nxt)[0], subject)
                return None
        return None

    def _copula(self, i: int, j: int, certain: bool, group: bool = False) -> Finding | None:
        """ "X is the reason …", "X was careless", "X was the one who …", "X was supposed to …"."""
        subject = (i, j)
        k = self._skip_words(
            self._skip(j + 1),
            {
                "the",
                "a",
                "an",
                "main",
                "real",
                "root",
                "only",
                "sole",
                "whole",
                "just",
                "so",
                "very",
                "really",
                "totally",
                "entirely",
                "clearly",
                "obviously",
                "being",
                "too",
                "single",
                "biggest",
                "primary",
            },
        )
        if k >= self.n:
            return None
        low, lem = self.lows[k], self.lemmas[k]
        if (
            low in ("person", "party", "guy", "one", "engineer")
            and k + 1 < self.n
            and self.lows[k + 1] == "responsible"
        ):
            k += 1
            low, lem = self.lows[k], self.lemmas[k]
        if low == "why" and k == j + 1:
            return self._finding(PERSON_BLAME, "evaluation", i, k + 1, subject)  # "Pascal is why the export failed"
        if lem in lx.CAUSE_NOUNS and low != "problem":
            if low == "cause" and k + 1 < self.n and self.lows[k + 1] == "analysis":
                return None
            return self._finding(PERSON_BLAME, "evaluation", i, k + 1, subject)
        if low in ("culprit", "problem") and self.lows[k - 1] == "the":
            return self._finding(PERSON_BLAME, "evaluation", i, k + 1, subject)
        if low in lx.JUDGEMENT_ADJECTIVES or low in ("distracted", "negligent") or lem in lx.JUDGEMENT_NOUNS:
            # "was careless and skipped the checklist": the failure told after the verdict is the wider note.
            # A person judged is named as the cause; a team's way of working is judged in words.
            later = self._later_harm(i, k, self._clause_end(k), subject)
            return later or self._finding(JUDGING_WORD if group else PERSON_BLAME, "evaluation", i, k + 1, subject)
        if low in ("to", "at") and k + 1 < self.n and self.lows[k + 1] in ("blame", "fault"):
            return self._finding(PERSON_BLAME, "evaluation", i, k + 2, subject)
        if low == "responsible" and k + 1 < self.n and self.lows[k + 1] == "for":
            rest = set(self.lemmas[k + 2 : self._clause_end(k)])
            if rest & {
                "outage",
                "incident",
                "failure",
                "mess",
                "breakage",
                "downtime",
                "break",
                "cause",
                "mistake",
                "error",
                "bug",
                "this",
                "it",
                "lose",
                "loss",
            }:
                return self._finding(PERSON_BLAME, "evaluation", i, k + 2, subject)
            return None
        if (
            low.endswith("ing")
            and (lem in lx.HARM_VERBS or lem in lx.PARTICLE_HARM)
            and set(self.lows[j + 1 : k]) & lx.REPEAT_MARKERS
        ):
            return self._finding(PERSON_BLAME, "repeat", i, k + 1, subject)  # "is always breaking staging"
        if low in ("supposed", "meant") and k + 1 < self.n and self.lows[k + 1] == "to" and certain:
            return self._finding(HINDSIGHT, "counterfactual", i, min(k + 3, self.n), subject)
        if low == "one" and k + 1 < self.n and self.lows[k + 1] in ("who", "that"):
            verb = self._skip(k + 2)
            if verb < self.n and self.lemmas[verb] not in lx.CREDIT_VERBS:
                return self._finding(PERSON_BLAME, "cleft", i, verb + 1, subject)
            return None
        if low == "too" or self.lows[k - 1] == "too":
            # "too busy with a customer to notice the alert": a duty left undone, told as the person's state.
            for m in range(k + 1, min(self.n, k + 8)):
                if self.lows[m] == "to" and m + 1 < self.n and self.lemmas[m + 1] in lx.DUTY_VERBS:
                    return self._finding(PERSON_BLAME, "subject_harm", i, m + 2, subject)
            return None
        if low in ("asleep", "away", "afk", "offline", "distracted", "busy"):
            return self._later_harm(i, k, self._clause_end(k), subject)  # "was asleep and missed the page"
        if low in ("not", "n't") and k + 1 < self.n and self.lows[k + 1] == "paying":
            return self._finding(PERSON_BLAME, "subject_harm", i, k + 3, subject)
        if low == "paying" and self.lows[k - 1] in ("not", "n't"):
            return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
        return None

    def _counterfactual(self, j: int) -> int | None:
        """End index of "should have <verb>", "ought to have", "could've", "needed to have", or None."""
        low = self.lows[j]
        lem = self.lemmas[j]
        if lem not in lx.MODALS and low not in lx.MODALS:
            return None
        k = j + 1
        if k < self.n and self.lows[k] in ("not", "n't", "never"):
            k += 1
        if k < self.n and self.lows[k] == "to":
            k += 1
        k = self._skip_words(
            k, {"easily", "just", "simply", "obviously", "clearly", "really", "at", "least", "ever", "definitely"}
        )
        if k < self.n and self.lemmas[k] == "have" and self.lows[k] in ("have", "'ve", "of"):
            verb = self._skip_words(k + 1, {"easily", "just", "simply", "obviously", "clearly", "really", "already"})
            if verb < self.n and self.lows[verb] == self.lemmas[verb] and self.lows[verb] not in lx.BARE_PARTICIPLES:
                return None  # "should have access": a need now, not a judgement of the past
            if (
                verb < self.n
                and self.lemmas[verb] not in ("be",)
                or verb < self.n
                and verb + 1 < self.n
                and self.lows[verb + 1] in ("more", "aware", "careful")
            ):
                return verb + 1
            if verb < self.n and self.lemmas[verb] == "be":
                if verb + 2 < self.n and self.lows[verb + 1] in ("allowed", "let", "permitted", "trusted"):
                    return verb + 3 if self.lows[verb + 2] == "to" else verb + 2
                return (
                    verb + 1
                    if verb + 1 < self.n
                    and self.lows[verb + 1] in lx.CARE_WORDS | {"more", "aware", "faster", "quicker"}
                    else None
                )
        if (
            low == "should"
            and k < self.n
            and self.lows[k] in ("know", "have")
            and k + 1 < self.n
            and self.lows[k + 1] in ("better",)
        ):
            return k + 2
        return None

    def _human_verb_after(self, j: int) -> bool:
        return (
            self.lemmas[j] in lx.DUTY_VERBS
            or self.lemmas[j] in _WHO_ACTS
            or self.lemmas[j] in ("know", "realise", "realize", "notice", "spot")
        )

    def _negation(self, j: int) -> int | None:
        if (
            self.lemmas[j] in ("do", "would", "can", "could", "will", "have")
            and j + 1 < self.n
            and self.lows[j + 1] in ("not", "n't", "never")
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
                        or self.lows[k + 1] in ("in", "overnight", "over", "for", "and", ",", ".", "all", "everywhere")
                    )
                ):
                    return k + 1, "human"
                if self.lows[k] in lx.PARTICLE_HARM[lem] or self.lemmas[k] in lx.PARTICLE_HARM[lem]:
                    human = lem in ("mess", "screw", "drop", "let", "leave", "sleep", "fall")
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
        if lem in lx.HARM_VERBS and not (low.endswith("ing") and j and self.lemmas[j - 1] not in ("be", "keep")):
            if (
                lem in ("lock", "disable", "drop", "delete", "kill", "miss", "skip", "ignore", "lose")
                and j + 1 < self.n
                and self.lows[j + 1] in ("in", "by", "off", "out", "for")
            ):
                return None
            human = lem in _HUMAN_ONLY
            return j + 1, "human" if human else "any"
        return None

    def _as_planned(self, j: int) -> bool:
        """ "as step four of the plan", "as the runbook describes", "per the runbook": the act was the procedure."""
        for k in range(j + 1, self.n):
            if self.lows[k] in ("as", "per", "following") and self._window_has(
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

    def _find(self, word: str, start: int, stop: int) -> int | None:
        for k in range(start, min(stop, self.n)):
            if self.lows[k] == word:
                return k
        return None

    def _window_has(self, j: int, width: int, words: set[str]) -> bool:
        return any(low in words for low in self.lows[j : j + width])

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
            if self.lows[k] in _CLAUSE_BREAK or self.lows[k] in _CLAUSE_WORDS:
                return k
        return self.n

    # --- shapes set up before the person -----------------------------------------------------

    def _framed_before(self) -> list[Finding]:
        """ "It was X who …", "this is on X", "down to X", "caused by X", "if only X had", "had X looked"."""
        found = []
        if not self.mentions(lx.FRAMING_MARK):
            return found
        for k in range(self.n):
            if not self.marks[k] & lx.FRAMING_MARK:
                continue
            low, lem = self.lows[k], self.lemmas[k]
            if low in ("if", "unless") or (low == "had" and (k == 0 or self.lows[k - 1] in (",", "and", "but"))):
                start = k
                j = k + 1
                if low != "had":
                    if j < self.n and self.lows[j] == "only":
                        j += 1
                    person = self.person_at(j)
                    if not person or person[0] >= self.n or self.lemmas[person[0]] != "have":
                        if (
                            person
                            and person[0] < self.n
                            and self.lemmas[person[0]] in ("do", "be")
                            and low == "if"
                            and j > k + 1
                        ):
                            # "if only he'd looked", "if only she were …"
                            return found + [
                                self._finding(HINDSIGHT, "counterfactual", start, person[0] + 2, (j, person[0]))
                            ]
                    else:
                        verb = self._skip(person[0] + 1)
                        if (
                            verb < self.n
                            and self.lemmas[verb] not in ("be",)
                            and (self._window_has(0, self.n, {"would", "'d", "wouldn't"}) or self.lows[k + 1] == "only")
                        ):
                            found.append(self._finding(HINDSIGHT, "counterfactual", start, verb + 1, (j, person[0])))
                        elif (
                            verb < self.n
                            and self.lows[verb] in ("not", "n't")
                            and self._window_has(0, self.n, {"would", "'d"})
                        ):
                            found.append(self._finding(HINDSIGHT, "counterfactual", start, verb + 2, (j, person[0])))
                else:
                    person = self.person_at(j)
                    if person and person[1] != "maybe" and person[0] < self.n:
                        verb = self._skip(person[0])
                        if (
                            verb < self.n
                            and self.lows[verb] not in ("been",)
                            and self._window_has(verb, 12, {"would", "'d", "wouldn't"})
                        ):
                            found.append(self._finding(HINDSIGHT, "counterfactual", start, verb + 1, (j, person[0])))
            elif (
                lem == "be"
                and k
                and self.lows[k - 1] in ("it", "this", "that", "'s-is")
                or (low == "it" and k + 1 < self.n and self.lemmas[k + 1] == "be")
                or (low == "its" and k + 2 < self.n and self.lows[k + 2] in ("who", "that"))  # chat's "its"
            ):
                # Clefts: "It was Kwame who deleted …".
                its = low == "its"
                j = k + 1 if lem == "be" or its else k + 2
                j = self._skip_words(j, {"all", "really", "clearly", "obviously", "definitely"})
                person = self.person_at(j)
                if (
                    person
                    and person[0] + 1 < self.n
                    and self.lows[person[0]] in ("who", "that")
                    and (its or self.lows[k - 1 if lem == "be" else k] == "it")
                ):
                    verb = self._skip(person[0] + 1)
                    if (
                        verb < self.n
                        and self.lemmas[verb] not in lx.CREDIT_VERBS
                        and self.lemmas[verb] not in ("join",)
                    ):
                        found.append(
                            self._finding(PERSON_BLAME, "cleft", k - 1 if lem == "be" else k, verb + 1, (j, person[0]))
                        )
            if (
                low == "on"
                and k
                and self.lemmas[k - 1]
                in ("be", "lie", "sit", "rest", "fall", "squarely", "entirely", "all", "totally", "100%", "fully")
            ):
                j = self._skip_words(k + 1, {"the", "@"})
                person = self.person_at(k + 1) or self.person_at(j)
                at_end = person and (
                    person[0] >= self.n
                    or self.lows[person[0]] in _SENTENCE_END | _CLAUSE_BREAK | {"tbh", "lol", "honestly", "alone"}
                )
                if person and (person[1] == "certain" or at_end) and self._subject_is_harm_or_deixis(k):
                    found.append(
                        self._finding(PERSON_BLAME, "evaluation", max(0, k - 3), person[0], (k + 1, person[0]))
                    )
            if (
                low == "to"
                and k
                and self.lows[k - 1] == "down"
                and k >= 2
                and self.lemmas[k - 2] in ("come", "be", "all", "entirely", "squarely", "largely", "mostly", "purely")
            ):
                person = self.person_at(k + 1)
                if person and person[1] != "maybe":
                    found.append(self._finding(PERSON_BLAME, "evaluation", k - 2, person[0], (k + 1, person[0])))
            if low in ("attributable", "attributed", "due", "owing") and k + 2 < self.n and self.lows[k + 1] == "to":
                person = self.person_at(k + 2)
                if person and person[1] == "certain" and (low != "due" or self._harm_before(k)):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], (k + 2, person[0])))
            if low == "with" and k and self.lemmas[k - 1] in ("lie", "rest", "squarely", "firmly"):
                person = self.person_at(k + 1)
                if person:
                    found.append(
                        self._finding(PERSON_BLAME, "evaluation", max(0, k - 3), person[0], (k + 1, person[0]))
                    )
            if lem in lx.CAUSE_NOUNS and lem not in ("trigger", "source"):
                # "The root of the problem is Hannah", "root cause: the new hire", "reason was Sam".
                j = k + 1
                if j + 1 < self.n and self.lows[j] == "of":
                    j = self._skip_words(
                        j + 1,
                        {"the", "this", "it", "all", "our", "problem", "outage", "incident", "issue", "whole", "thing"},
                    )
                if j < self.n and self.lows[j] in ("cause",):
                    j += 1
                j = self._skip_words(
                    j, {"here", "today", "really", "clearly", "ultimately", "in", "this", "case", "again"}
                )
                if j < self.n and (self.lemmas[j] == "be" or self.lows[j] in (":", "=", "-", "–", "—")):
                    person = self.person_at(self._skip_words(j + 1, {"simply", "just", "clearly", "obviously"}))
                    if person and person[1] != "maybe":
                        found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], None))
            if (
                low == "by"
                and k >= 2
                and self.lows[k - 1].endswith("ly")
                and self.lows[k - 2] in ("caused", "triggered", "introduced", "broken")
            ):
                person = self.person_at(k + 1)
                if person and person[1] != "maybe":
                    found.append(
                        self._finding(
                            PERSON_BLAME,
                            "evaluation",
                            k - 2,
                            person[0] + (2 if person[0] < self.n and self.lemmas[person[0]] == "POSS" else 0),
                            (k + 1, person[0]),
                        )
                    )
            if (
                low == "by"
                and k
                and self.lemmas[k - 1] in ("cause", "introduce", "break", "botch", "trigger", "start")
                and self.lows[k - 1] != "cause"
                or (
                    low == "by" and k and self.lows[k - 1] in ("caused", "introduced", "triggered", "broken", "botched")
                )
                or low == "by"
                and k
                and self.lows[k - 1] == "made"
                and self._window_has(0, k, {"mistake", "mistakes", "error", "errors"})
            ):
                person = self.person_at(k + 1)
                if (
                    person
                    and person[1] != "maybe"
                    and not (
                        person[0] < self.n
                        and self.lemmas[person[0]] == "POSS"
                        and not self._possessive_is_action(person[0] + 1)
                    )
                ):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k - 1, person[0], (k + 1, person[0])))
            elif low == "by" and k and self.lows[k - 1].endswith("ed"):
                person = self.person_at(k + 1)
                without = person and person[1] == "certain" and self._find("without", person[0], person[0] + 3)
                if without and self._window_has(without + 1, 4, lx.SKIPPED_SAFEGUARDS):
                    end = self._through(without + 1, 4, lx.SKIPPED_SAFEGUARDS)
                    found.append(self._finding(PERSON_BLAME, "subject_harm", k - 1, end, (k + 1, person[0])))
            if lem == "blame" and k + 1 < self.n and self.lows[k - 1 : k] != ["no"]:
                j = self._skip_words(k + 1, {"it", "this", "on", "everything", "all", "that", "the", "outage"})
                person = self.person_at(j)
                if person and person[1] != "maybe" and not self._negated_before(k):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], (j, person[0])))
            if (
                low
                in ("time", "times", "outage", "outages", "incident", "incidents", "mistake", "failure", "bug", "break")
                and k
                and (
                    self.lows[k - 1] in ("second", "third", "fourth", "fifth", "another", "nth", "umpteenth", "every")
                    or self.lows[k - 1] == "first"
                    and k >= 3
                    and self.lows[k - 3] in ("not", "n't")
                )
            ):
                person = self.person_at(k + 1)
                if person and person[1] != "maybe":
                    verb = self._skip(person[0])
                    if verb < self.n and self.lemmas[verb] == "have":
                        verb = self._skip(verb + 1)
                    if verb < self.n and self.lemmas[verb] not in lx.CREDIT_VERBS | lx.STATE_VERBS:
                        found.append(self._finding(PERSON_BLAME, "repeat", k - 1, verb + 1, (k + 1, person[0])))
            if (
                low == "to"
                and k >= 2
                and self.lows[k - 1] == "back"
                and self.lemmas[k - 2] in ("trace", "come", "go", "lead", "point")
            ):
                person = self.person_at(k + 1)
                if person and person[1] != "maybe":
                    found.append(self._finding(PERSON_BLAME, "evaluation", k - 2, person[0], (k + 1, person[0])))
            if (
                low == "if"
                and k + 4 < self.n
                and self.lows[k + 1] == "it"
                and self.lemmas[k + 2] == "be"
                and self._window_has(k + 3, 2, {"for"})
            ):
                j = k + 4 if self.lows[k + 3] == "for" else k + 5
                person = self.person_at(j)
                rest = set(self.lows[j:])
                if (
                    person
                    and person[1] != "maybe"
                    and rest & {"never", "not", "n't", "wouldn't"}
                    and not rest & {"still", "longer", "worse"}
                ):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], (j, person[0])))
            if (
                lem in ("consequence", "punishment", "penalty")
                and k >= 2
                and self.lows[k - 1] in ("a", "as")
                and self._window_has(
                    0, k, {"removed", "remove", "banned", "suspended", "barred", "lose", "taken", "take", "off"}
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 2), k + 1))
            if low == "when" and self._window_has(0, k, {"started", "began", "happened", "occurred"}):
                found += self._harm_because_of_an_act(k)
            if low in ("because", "thanks") and k + 1 < self.n:
                j = k + 1
                if self.lows[j] in ("of", "to"):
                    j += 1
                elif low == "because":
                    found += self._harm_because_of_an_act(k)
                    continue
                else:
                    continue
                person = self.person_at(j)
                if person and person[1] != "maybe" and person[0] < self.n and self.lemmas[person[0]] == "POSS":
                    judged = low == "thanks" and not lx.HARM_STATES.intersection(self.lows[:k])
                    if self._possessive_is_action(person[0] + 1, judged=judged) and self._harm_before(k):
                        found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0] + 2, (j, person[0])))
                elif person and person[1] != "maybe" and (self.lows[k + 1] == "of" or self._harm_before(k)):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], (j, person[0])))
        return found

    def _harm_because_of_an_act(self, k: int) -> list[Finding]:
        """ "The leak happened because Otto made the repository public", "the mess started when Priya …"."""
        person = self.person_at(k + 1)
        if not person or person[1] != "certain" or person[0] >= self.n or not self._harm_before(k):
            return []
        verb = self._skip(person[0])
        if verb >= self.n or self.lows[verb] in ("was", "were", "is", "had", "has", "did", "n't", "not"):
            return []
        lem = self.lemmas[verb]
        if lem in lx.STATE_VERBS or lem in lx.CREDIT_VERBS or lem in _REPAIR_VERBS or self.lows[verb] == lem:
            return []
        return [self._finding(PERSON_BLAME, "evaluation", k, verb + 1, (k + 1, person[0]))]

    def _possessive_is_action(self, j: int, judged: bool = False) -> bool:
        words = set(self.lemmas[j : j + 3])
        if words & {"mistake", "error", "fault", "typo", "carelessness", "negligence", "blunder"}:
            return True
        return not judged and bool(words & _ACTION_NOUNS)

    def _harm_before(self, k: int) -> bool:
        return any(lem in _HARM_CONTEXT for lem in self.lemmas[:k])

    def _negated_before(self, k: int) -> bool:
        return any(low in ("no", "not", "n't", "never", "without") for low in self.lows[max(0, k - 3) : k])

    def _subject_is_harm_or_deixis(self, k: int) -> bool:
        before = set(self.lows[:k])
        return bool(
            before
            & {
                "this",
                "that",
                "it",
                "outage",
                "incident",
                "one",
                "mess",
                "failure",
                "downtime",
                "thing",
                "'s-is",
                "that's",
                "blame",
                "fault",
                "everything",
                "all",
            }
        )

    def _asks_who(self, k: int, question: bool) -> bool:
        """ "Who …?" opening a question, or "tell me who …", "the question is who …"."""
        before = self.lows[k - 1] if k else ""
        if (
            k == 0
            or before
            in (
                ":",
                "(",
                '"',
                "“",
                "so",
                "and",
                "but",
                "seriously",
                "honestly",
                "ok",
                "okay",
                "now",
                "then",
                "also",
                "-",
                "—",
            )
            or before in lx.CHAT_OPENERS
        ):
            # In chat the question mark is often left out: "srsly who approved this pr".
            return question or before in (":",) or self._asks_who_in_chat(k)
        return before in (
            "know",
            "tell",
            "find",
            "ask",
            "see",
            "me",
            "us",
            "out",
            "figure",
            "wondering",
            "is",
            "was",
            "investigate",
            "establish",
            "determine",
            "identify",
        )

    def _asks_who_in_chat(self, k: int) -> bool:
        """ "who approved this", "who pushed that": an act of the past on this very thing."""
        verb = k + 1
        return (
            verb + 1 < self.n
            and self.lows[verb] != self.lemmas[verb]
            and (self.lemmas[verb] in _WHO_ACTS or self._harm(verb) is not None)
            and self.lows[verb + 1] in ("this", "that", "it", "the")
        )

    def _asks_person_why(self, k: int) -> bool:
        """ "Why did/didn't/would …", "why on earth did …", "how could …": the question asks someone to justify."""
        j = k + 1
        if self.lows[j] in ("on", "the") and self.lows[j + 1] in ("earth", "hell", "heck"):
            j += 2
        if j >= self.n:
            return False
        if self.lows[k] == "how":
            return self.lows[j] == "could" and j + 1 < self.n and self.lows[j + 1] in lx.WHY_SUBJECTS | {"he", "she"}
        return self.lemmas[j] in ("do", "would", "be", "have", "could", "can", "not")

    def _who_question(self, k: int) -> Finding | None:
        """A question for a person to answer for, unless it only asks who took part or who can help."""
        j = self._skip_words(
            k + 1, {"exactly", "actually", "the", "hell", "even", "on", "earth", "ever", "really", "just", "'s-is"}
        )
        if j >= self.n or self.lows[k + 1] in (
            "else",
            "owns",
            "maintains",
            "knows",
            "can",
            "could",
            "should",
            "would",
            "has",
            "have",
            "to",
            "do",
            "does",
            "might",
        ):
            return None
        lem = self.lemmas[j]
        if lem in ("own", "maintain", "join", "attend", "help", "want", "like", "lead"):
            return None
        low = self.lows[j]
        if low != lem and low.endswith("s") and lem != "be" and not low.endswith("ss"):
            return None  # "Who approves a Friday deploy today?" asks how the process works
        if lem == "be":
            rest = self.lows[j + 1 : j + 4]
            if rest[:1] and rest[0] in (
                "paged",
                "notified",
                "told",
                "informed",
                "available",
                "affected",
                "impacted",
                "present",
                "attending",
                "awake",
                "around",
                "online",
                "there",
                "involved",
                "the",
                "in",
                "best",
                "our",
                "your",
                "their",
                "a",
                "an",
                "free",
                "able",
                "still",
                "also",
                "here",
                "with",
            ):
                if not (
                    rest[:2] in (["the", "culprit"], ["the", "one"], ["the", "cause"], ["the", "reason"])
                    or (
                        rest[:1] == ["the"]
                        and rest[1:2]
                        and rest[1] in ("person", "engineer", "developer")
                        and self._window_has(j + 3, 3, {"who", "that"})
                    )
                ):
                    return None
            if (
                rest[:1] == ["on"]
                and rest[1:3]
                and (
                    rest[1] in ("call", "call?", "rota", "rotation", "pager", "shift", "duty", "leave")
                    or rest[1:3]
                    in (
                        ["the", "call"],
                        ["the", "bridge"],
                        ["the", "rota"],
                        ["the", "rotation"],
                        ["the", "incident"],
                        ["the", "pager"],
                    )
                )
            ):
                return None
        end = self._clause_end(j)
        return self._finding(WHO_QUESTION, "interrogation", k, end)

    # --- sanctions and interrogations --------------------------------------------------------

    def _sanctions(self) -> list[Finding]:
        found = []
        if not self.mentions(lx.SANCTION_MARK):
            return found
        for k in range(self.n):
            if not self.marks[k] & lx.SANCTION_MARK:
                continue
            low, lem = self.lows[k], self.lemmas[k]
            if low in ("terminated", "terminate") and k and (self.lemmas[k - 1] == "be" or self.person_at(k + 1)):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 1))
                continue
            if (
                low in ("firing", "sackable", "fireable")
                and k + 1 < self.n
                and self.lows[k + 1] in ("offence", "offense", "matter")
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 2))
                continue
            if low in (
                "disciplinary",
                "disciplined",
                "reprimand",
                "reprimanded",
                "punish",
                "punished",
                "punishment",
                "sacked",
                "demoted",
                "pip",
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 1))
            elif low in ("fired", "sacked") and k and self.lemmas[k - 1] in ("be", "get"):
                found.append(self._finding(JUDGING_WORD, "sanction", k - 1, k + 1))
            elif (
                lem == "fire"
                and k + 1 < self.n
                and (self.person_at(k + 1) or self.lows[k + 1] in ("whoever",))
                and self.lows[k + 1] not in ("alarm", "drill")
                or low in ("written", "final", "formal")
                and k + 1 < self.n
                and self.lemmas[k + 1] == "warning"
                or low == "performance"
                and k + 1 < self.n
                and self.lows[k + 1] in ("review", "plan", "improvement", "conversation", "record", "file", "rating")
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 2))
            elif lem == "consequence" and (
                self._window_has(max(0, k - 3), 3, {"face", "be", "facing", "real", "serious"})
                or (
                    k + 2 < self.n
                    and self.lows[k + 1] == "for"
                    and (self.person_at(k + 2) or self.lows[k + 2].endswith("ing"))
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 1))
            elif lem == "hold" and self._window_has(k + 1, 5, lx.SANCTION_HOLD_WORDS):
                found.append(
                    self._finding(JUDGING_WORD, "sanction", k, self._through(k + 1, 5, lx.SANCTION_HOLD_WORDS))
                )
            elif lem == "owe" and self._window_has(k + 1, 5, {"apology", "explanation"}):
                found.append(
                    self._finding(JUDGING_WORD, "sanction", k, self._through(k + 1, 5, {"apology", "explanation"}))
                )
            elif (
                lem in ("apologise", "apologize")
                and k
                and (
                    self.lemmas[k - 1] in ("to", "should", "must", "need")
                    or self._window_has(max(0, k - 4), 4, {"expect", "make", "want", "demand"})
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 1))
            elif (
                lem == "manager"
                and k >= 2
                and self.lows[k - 1] in ("his", "her", "their", "your", "'s")
                and self._window_has(
                    max(0, k - 5),
                    4,
                    {
                        "talk",
                        "talking",
                        "speaking",
                        "speak",
                        "tell",
                        "escalate",
                        "go",
                        "report",
                        "email",
                        "loop",
                        "inform",
                        "raise",
                        "raising",
                        "bring",
                        "flag",
                    },
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 4), k + 1))
            elif (
                lem in ("lose", "revoke", "remove", "pull", "strip")
                and self._window_has(k + 1, 5, {"access", "rights", "privileges", "permissions"})
                and (
                    self.person_at(k - 1)
                    or (k >= 2 and self.person_at(k - 2))
                    or self._window_has(k + 1, 2, {"his", "her", "their", "your"})
                    or "'s" in self.lows[k + 1 : k + 4]
                )
            ):
                if self._window_has(k + 1, 3, {"his", "her", "their", "your", "'s"}) or (
                    k and self.lemmas[k - 1] in ("should", "must", "will")
                ):
                    found.append(
                        self._finding(
                            JUDGING_WORD,
                            "sanction",
                            k,
                            self._through(k + 1, 5, {"access", "rights", "privileges", "permissions"}),
                        )
                    )
            elif low == "hr" and (
                self._window_has(max(0, k - 3), 3, {"to", "involve", "loop", "tell", "report"})
                or self._window_has(k + 1, 4, {"told", "involved", "informed", "notified", "know"})
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 2), k + 1))
            elif low in ("shame", "example") and self._window_has(
                max(0, k - 3), 3, {"name", "make", "public", "publicly"}
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 3), k + 1))
            elif (
                lem == "let"
                and k + 2 < self.n
                and self.lows[k + 2] == "go"
                and (self.person_at(k + 1) or (k and self.lemmas[k - 1] == "be"))
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 3))
            elif lem == "let" and k and k + 1 < self.n and self.lows[k + 1] == "go" and self.lemmas[k - 1] == "be":
                found.append(self._finding(JUDGING_WORD, "sanction", k - 1, k + 2))  # "should be let go"
            elif (
                lem == "answer"
                and k + 1 < self.n
                and self.lows[k + 1] == "for"
                and self._window_has(
                    k + 2, 3, {"this", "it", "that", "outage", "incident", "mess", "failure", "breach"}
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 3))
            elif (
                low == "written"
                and k + 1 < self.n
                and self.lows[k + 1] == "up"
                and k
                and self.lemmas[k - 1] in ("be", "get")
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k - 1, k + 2))
            elif (
                lem == "take"
                and k + 1 < self.n
                and self.lows[k + 1] == "away"
                and self._window_has(k + 2, 5, {"access", "rights", "privileges", "permissions", "keys", "pager"})
            ):
                found.append(
                    self._finding(
                        JUDGING_WORD,
                        "sanction",
                        k,
                        self._through(k + 2, 5, {"access", "rights", "privileges", "permissions", "keys", "pager"}),
                    )
                )
        return found

    def _interrogations(self) -> list[Finding]:
        found = []
        if not self.mentions(lx.INTERROGATION_MARK):
            return found
        question = self.n and self.lows[-1] == "?"
        for k in range(self.n):
            if not self.marks[k] & lx.INTERROGATION_MARK:
                continue
            low = self.lows[k]
            if (
                low == "what"
                and (be := self._skip_words(k + 1, {"exactly", "actually", "even"})) + 1 < self.n
                and self.lemmas[be] == "be"
                and self.person_at(be + 1)
            ):
                after = self.person_at(be + 1)[0]
                verb = self.lows[after] if after < self.n else ""
                if verb in ("thinking", "smoking", "playing", "on") or (
                    verb == "doing"
                    and question
                    and after + 1 < self.n
                    and self.lows[after + 1] in ("?", "there", "on", "with", "for", "during", "all")
                ):
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, after + 1))
            elif (
                low == "what"
                and k + 3 < self.n
                and self.lows[k + 1] in ("on", "the")
                and self.lows[k + 2] in ("earth", "hell", "heck")
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 7)))
            elif low in ("why", "how") and k + 2 < self.n and self._asks_person_why(k):
                j = k + 1
                if self.lows[j] in ("on", "the") and self.lows[j + 1] in ("earth", "hell", "heck"):
                    j += 2
                j += 1
                if j < self.n and self.lows[j] in ("not", "n't"):
                    j += 1
                if j < self.n and self.lows[j] == "no" and j + 1 < self.n and self.lows[j + 1] == "one":
                    j += 1
                person = self.person_at(j)
                asked = self.lows[j] in lx.WHY_SUBJECTS if j < self.n else False
                if (
                    asked
                    or person
                    and (person[1] in ("certain", "group") or self.capitals[j] and self.lows[j] not in lx.SYSTEM_NAMES)
                ):
                    end = self._clause_end(person[0] if person else j + 1)
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, end))
            elif (
                low == "why"
                and k + 1 < self.n
                and self.lemmas[k + 1]
                in (
                    "do",
                    "would",
                    "be",
                    "have",
                    "could",
                    "can",
                    "didn't",
                    "wouldn't",
                    "couldn't",
                    "hadn't",
                    "wasn't",
                    "weren't",
                    "not",
                )
            ):
                j = k + 2
                if j < self.n and self.lows[j] in ("not", "n't"):
                    j += 1
                person = self.person_at(j)
                if person and (person[1] == "certain" or self.capitals[j] and self.lows[j] not in lx.SYSTEM_NAMES):
                    end = self._clause_end(person[0])
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, end))
            elif low == "who" and self._asks_who(k, question):
                finding = self._who_question(k)
                if finding:
                    found.append(finding)
            elif (
                low == "which"
                and k + 1 < self.n
                and (
                    (self.lows[k + 1] in ("one", "person", "idiot", "team", "of") or self.lows[k + 1] in lx.ROLE_NOUNS)
                    and (self.lows[k + 1] != "one" or self._window_has(k + 2, 2, {"of"}))
                    and (self.lows[k + 1] != "of" or self._window_has(k + 2, 1, {"you", "them", "us"}))
                )
            ):
                verb = self._skip_words(k + 2, {"of", "you", "them", "the", "engineers", "devs", "developers", "us"})
                if (
                    verb < self.n
                    and self.lemmas[verb] not in lx.STATE_VERBS
                    and self.lemmas[verb] not in _NEUTRAL_WHO_VERBS
                ):
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, verb + 2)))
            elif low == "whose" and k + 1 < self.n and question:
                nxt = self.lemmas[k + 1]
                acted = k + 2 < self.n and (self._harm(k + 2) or self.lemmas[k + 2] in _WHO_ACTS)
                if nxt in _ACTION_NOUNS or nxt in ("fault", "idea", "mistake", "responsibility", "call") or acted:
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, self._clause_end(k + 1)))
            elif (
                low in ("name", "names")
                and k + 2 < self.n
                and self.lows[k + 1] == "of"
                and self.lows[k + 2] in ("whoever", "who", "the")
            ):
                j = k + 3 if self.lows[k + 2] != "the" else self._find("who", k + 3, k + 6)
                if (
                    j is not None
                    and j < self.n
                    and self.lemmas[min(j + (1 if self.lows[k + 2] == "the" else 0), self.n - 1)] not in lx.CREDIT_VERBS
                ):
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, j + 2)))
            elif (
                low == "explain"
                and k + 1 < self.n
                and self.lows[k + 1] in ("why", "what", "how")
                and self._window_has(k + 2, 2, {"you", "he", "she"})
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 4)))
            elif (
                low in ("you",)
                and k + 1 < self.n
                and self.lemmas[k + 1] in ("need", "have", "owe")
                and self._window_has(k + 2, 3, {"explain", "justify", "answer"})
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 5)))
        return found


_REPAIR_VERBS = lx._words(
    """fix revert replace identify report flag patch spot notice trace isolate debug investigate diagnose catch
    detect discover locate repair quarantine document describe explain show share point highlight find
    remove clean correct undo roll"""
)
_MIS_VERBS = lx._words("route configure label name type read judge manage handle direct click apply set")
_CLAUSE_OPENERS = lx._words("after when because once until while before since as")
_NOT_MODIFIERS = lx._words("who that which and or but was is were are has had have did does do not")
_COMMON_WORDS = lx._words(
    """will mark grace hope faith joy ray rose dawn june bill frank jack sandy rob may max ivy page pat
    victor summer sun lane miles nick penny ruby chase chip crystal guy kit lee win young art buck don
    gene grant jay jean justice sue terry tim tom vic wood cam ben dan"""
)
_NOT_NAMES = lx._words(
    """i we it this that there these those they he she you our their then the a an at in on to and but so
    if when after before while because since once during at by for from with without root cause timeline
    summary impact action actions note notes update yesterday today tonight monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september october
    november december eu us uk utc prod production staging honestly frankly also again sorry please why
    what who how which where whose ok okay yes no not nothing nobody everyone someone anyone all every each
    both either one two three first second third last next later earlier around about looks seems
    maybe perhaps given instead lesson lessons question questions decision known missing"""
)
_VERBISH = lx._words("forgot broke pushed deleted took ran made left said told let was is has had did should could")
_CLAUSE_WORDS = lx._words("because although though while whereas since so which but")
_NOUNISH_HARM = lx._words("break crash leak lock drop")
_HUMAN_ONLY = lx._words(
    """forget neglect ignore overlook botch fumble fat-finger fatfinger bungle blunder goof rubber-stamp
    rubberstamp mistype misconfigure sabotage"""
)
_ACTION_NOUNS = lx._words(
    """change deploy deployment commit config configuration migration script command push merge patch pr
    rollout release edit update action decision query code refactor cleanup upgrade experiment import job
    typo hotfix fix call choice backfill restart rollback cutover"""
)
_HARM_CONTEXT = lx._words(
    """outage incident fail failure break broken down lose lost crash corrupt stall error stale delay leak
    breach wrong happen occur worse mess sideways south"""
)
_WHO_ACTS = lx._words(
    """push merge approve deploy break turn delete run cause touch change sign forget ship release commit
    write disable enable drop remove kill restart skip ignore miss let leave decide authorize authorise
    introduce configure mess screw approve okay ok green-light greenlight rubber-stamp"""
)
_NEUTRAL_WHO_VERBS = lx._words("own know be have see join attend call lead write help answer want like")


# A sentence or line of text: what is read, and cached, as one piece. It ends at a line break, the end of
# the text, or a ".", "!", "?" or ";" before a space, except the dot of "Mr.", "Ms.", "Dr.", "Mrs.", "Mx.".
# Runs of other characters are taken whole and a mark is looked at only where one is: scanning for the
# end one character at a time cost a tenth of a whole check.
_CHUNK = re.compile(
    r"\S(?:[^\n.!?;]+|\.(?:(?<=\bMr\.)|(?<=\bMs\.)|(?<=\bDr\.)|(?<=\bMrs\.)|(?<=\bMx\.))|[.!?;](?!\s|$))*"
    r"(?:[.!?;](?=\s|$))?"
)


def chunks(text: str):
    """(offset, text) of each sentence or line, the unit the readers cache their work on."""
    return ((match.start(), match.group()) for match in _CHUNK.finditer(text))


@lru_cache(maxsize=50_000)
def _findings_in(chunk: str, people: frozenset[str]) -> tuple[Finding, ...]:
    return tuple(finding for sentence in sentences_in(chunk) for finding in SentenceReader(sentence, people).findings())


@lru_cache(maxsize=256)
def sentences_in(chunk: str) -> tuple[Sentence, ...]:
    """The sentences of one chunk as tokens: read once, shared by the clause reader and the remedy reader."""
    return tuple(sentences_of(chunk))


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
