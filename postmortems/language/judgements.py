"""Evaluations and hindsight in a clause, whoever its subject is: read on the clause reader's tokens.

The clause reader (``clauses``) finds a person as the subject of a failure. Two more shapes judge
without naming anyone, so they are read here on the same tokens and lemmas:

* an **evaluation** of conduct: a word that judges character or care ("careless", "sloppy",
  "human error", "poor judgement", "dropped the ball"), a verdict of fault or blame ("their fault",
  "to blame"), unless the sentence denies it ("nobody is to blame") or the word has its technical
  sense ("sloppy quorum", "lazy loading", "dumb pipe");
* **foreseeability**, the hindsight that makes a failure look easy to avoid: a counterfactual
  about what someone should or could have done ("we should have known", "could easily have been
  avoided", "anyone could have seen"), a claim that it was obvious ("obviously", "plain to see",
  "easy to spot", "the signs were there", "bound to happen"), or that it was simple ("simply needed
  to", "all they had to do was").

The word classes live in ``lexicon``; this module says how they combine in a clause.
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts
from .advice import HINDSIGHT, JUDGING_WORD

_NEGATIONS = lx._words("not n't no nobody never without avoid neither nor noone")
_BE = lx._words("be")
_SUBJECT_ADVERBS = lx._words("really definitely surely obviously clearly honestly probably all")


# Common words that start a judgement only before one of a few words (what ``_evaluation`` and ``_foreseeable``
# ask of the word after them): "for all to see", "before anyone noticed", "no excuse", "only had to"; "had" starts
# one only as a sentence's first word ("Had anyone looked …").
_ONLY_BEFORE = {
    "for": lx._words("all anyone everyone anybody"),
    "before": lx.ANYONE | lx._words("we they he she"),
    "no": lx._words("excuse"),
    "only": lx._words("needed had has have need needs"),
}


def read_judgements(reader) -> list:
    """Evaluations and hindsight in the sentence ``reader`` holds (a ``clauses.SentenceReader``)."""
    found = []
    lows = reader.lows
    for k in reader.starts_of(starts.JUDGEMENT_MARK):
        needed = _ONLY_BEFORE.get(lows[k])
        if needed is not None and _next(reader, k) not in needed:
            continue  # "for", "before", "no", "only" before any other word start nothing
        if k and lows[k] == "had":
            continue  # nor does "had" inside a sentence
        span = _evaluation(reader, k) or _foreseeable(reader, k)
        if span:
            rule, start, end = span
            found.append(reader._finding(rule, "judgement" if rule == JUDGING_WORD else "counterfactual", start, end))
    return found


def _negated(reader, k: int, width: int = 4) -> bool:
    return any(low in _NEGATIONS for low in reader.lows[max(0, k - width) : k])


def _next(reader, k: int) -> str:
    return reader.lows[k + 1] if k + 1 < reader.n else ""


def _evaluation(reader, k: int) -> tuple[str, int, int] | None:
    """A word or pair that judges a person's conduct, starting at ``k``."""
    lows, lemmas = reader.lows, reader.lemmas
    low, lem, nxt = lows[k], lemmas[k], _next(reader, k)
    if low in lx.JUDGEMENT_WORDS or lem in lx.JUDGEMENT_WORDS:
        if nxt in lx.TECHNICAL_SENSES.get(low, ()) or nxt in lx.TECHNICAL_SENSES.get(lem, ()):
            return None
        if low == "dumb" and nxt in {"down", "luck"}:
            return None
        end = k + 2 if nxt in lx.SLIP_NOUNS else k + 1
        return JUDGING_WORD, k, end
    if low in lx.ERROR_AGENTS:
        at = k + 2 if nxt == "'s" else k + 1
        if at < reader.n and lows[at] in {"error", "errors"}:
            return JUDGING_WORD, k, at + 1
    if low in lx.SLIP_JUDGES and nxt in lx.SLIP_NOUNS:
        return JUDGING_WORD, k, k + 2
    if low in lx.POOR_WORDS and nxt in {"judgement", "judgment", "judgements", "judgments", "decision", "decisions"}:
        return JUDGING_WORD, k, k + 2
    if lem == "drop" and nxt == "the" and k + 2 < reader.n and lows[k + 2] == "ball":
        return JUDGING_WORD, k, k + 3
    if low == "asleep" and lows[k + 1 : k + 4] == ["at", "the", "wheel"]:
        return JUDGING_WORD, k, k + 4
    if lem in {"screw", "goof"} and nxt == "up" or low in {"screw-up", "screwup", "goof-up", "screw-ups"}:
        return JUDGING_WORD, k, k + (2 if nxt == "up" else 1)
    if low == "paying" and nxt == "attention" and k and lows[k - 1] in {"not", "n't"}:
        return JUDGING_WORD, k - 1, k + 2
    if low == "lack" and nxt == "of" and k + 2 < reader.n and lows[k + 2] in lx.VIRTUES:
        return JUDGING_WORD, k, k + 3 + (lows[k + 2] == "common")
    if lem == "know" and nxt == "better" and (low == "knew" or k and lows[k - 1] in {"should", "must"}):
        return JUDGING_WORD, k - (low != "knew"), k + 2
    if low == "no" and nxt == "excuse":
        return JUDGING_WORD, k, k + 2
    if lem == "bother" and (
        _negated(reader, k, 3) or (nxt == "to" and k and lows[k - 1] not in {"be", "is", "was", "'m", "am"})
    ):
        start = k - 1 if k and lows[k - 1] in {"not", "n't", "never"} else k
        return JUDGING_WORD, start, k + 2 if nxt == "to" else k + 1
    if low == "fault":
        if nxt in lx.TECHNICAL_SENSES["fault"]:
            return None
        if k and lows[k - 1] == "at" and not _negated(reader, k - 1, 3):
            return JUDGING_WORD, k - 1, k + 1
        if nxt in {"lies", "lay", "lie"} and not _negated(reader, k, 2):
            return JUDGING_WORD, k, k + 2
        if k and lows[k - 1] in lx.FAULT_OWNERS:
            return JUDGING_WORD, k - 1, k + 1
    if lem == "blame" and not low.startswith(("blameless", "blame-")):
        if (k and lows[k - 1] == "git") or nxt in {"less", "free", "-free", "culture", "game"}:
            return None
        if _negated(reader, k, 5):
            return None  # "nobody is to blame", "we are not looking for someone to blame"
        return JUDGING_WORD, k, k + 1
    return None


def _foreseeable(reader, k: int) -> tuple[str, int, int] | None:
    """Hindsight starting at ``k``: a counterfactual, or a failure called obvious, foreseeable or simple."""
    lows, lemmas, n = reader.lows, reader.lemmas, reader.n
    low, lem, nxt = lows[k], lemmas[k], _next(reader, k)
    if low in {"obviously", "clearly"} and _sentence_start(reader, k):
        return HINDSIGHT, k, k + 1
    if low in {"obvious", "obviously"}:
        if _negated(reader, k, 2) or (k and lows[k - 1] in {"less", "non", "non-"}):
            return None  # "it was not obvious from the logs" is what the review should find
        return HINDSIGHT, k, k + 1
    if low == "clearly":
        if k and lemmas[k - 1] in {"be", "very", "so"} and not nxt.startswith(lx.CLEARLY_DESCRIBES):
            return HINDSIGHT, k - 1, k + 1
        if nxt in lx.CLEARLY_JUDGES or (
            nxt in {"a", "an", "the"} and _next(reader, k + 1) in lx.SLIP_NOUNS | {"wrong", "bad"}
        ):
            return HINDSIGHT, k, k + 2
    if low in {"plainly", "evidently"} and nxt in {
        "visible",
        "there",
        "wrong",
        "broken",
        "showed",
        "shows",
        "a",
        "an",
        "not",
    }:
        return HINDSIGHT, k, k + 2
    if low == "plain" and lows[k + 1 : k + 3] == ["to", "see"]:
        return HINDSIGHT, k, k + 3
    if (
        low == "for"
        and k + 3 < n
        and lows[k + 1] in {"all", "anyone", "everyone", "anybody"}
        and lows[k + 2 : k + 4] == ["to", "see"]
    ):
        return HINDSIGHT, k, k + 4
    if low == "staring" and k + 3 < n and lows[k + 2 : k + 4] == ["in", "the"]:
        return HINDSIGHT, k, min(n, k + 5)
    if low in {"hindsight", "retrospect"} and k and lows[k - 1] in {"in", "with", "of"}:
        return HINDSIGHT, k - 1, k + 1
    if low == "looking" and nxt == "back" and (k + 2 >= n or lows[k + 2] == ","):
        return HINDSIGHT, k, k + 2
    if low == "easy" and nxt == "to" and k + 2 < n and lemmas[k + 2] in lx.FORESEE_VERBS:
        before = lows[max(0, k - 2) : k]
        if before[-1:] in (["be"],) or (len(before) == 2 and before[1] == "it" and lemmas[k - 2] == "make"):
            return None
        start = k
        if k and lemmas[k - 1] == "be":
            start = k - 1
            if k >= 2 and lows[k - 2] == "it":
                start = k - 2
        elif k and lows[k - 1] == "so":
            start = k - 1
        return HINDSIGHT, start, k + 3
    if low in {"bound", "going"} and nxt == "to" and k + 2 < n and lemmas[k + 2] in {"happen", "break", "fail"}:
        if k >= 2 and lemmas[k - 1] in {"be", "always"} and "it" in lows[max(0, k - 3) : k]:
            return HINDSIGHT, lows.index("it", max(0, k - 3), k), k + 3
    if low in {"predictable", "foreseeable"} and _after_be(reader, k):
        return HINDSIGHT, k, k + 1
    if (
        (lem in lx.WARNING_SIGNS or lem == "flag" and k and lows[k - 1] == "red")
        and k + 2 < n
        and lemmas[k + 1] == "be"
    ):
        at = k + 3 if lows[k + 2] == "all" else k + 2
        if at < n and lows[at] in {"there", "clear", "obvious", "plain", "staring", "visible"}:
            return HINDSIGHT, k, at + 1
    if lem in {"miss", "ignore", "overlook"} and low != lem:
        j = k + 1
        while (
            j < n
            and j < k + 5
            and lows[j] in {"the", "all", "some", "several", "clear", "obvious", "warning", "early", "many"}
        ):
            j += 1
        if j > k + 1 and j < n and (lemmas[j] in lx.WARNING_SIGNS or lemmas[j] == "flag" and lows[j - 1] == "red"):
            return HINDSIGHT, k, j + 1
    if lem == "fail" and nxt == "to" and k + 2 < n and lemmas[k + 2] in lx.FAILED_DUTIES:
        return HINDSIGHT, k, k + 3
    if low in {"simply", "just", "only"} and k + 2 < n and lemmas[k + 1] in {"need", "have"} and lows[k + 2] == "to":
        if lows[k + 1] in {"needed", "had", "has", "have", "need", "needs"}:
            return HINDSIGHT, k, k + 3
    if low == "all":
        for j in range(k + 1, min(n - 3, k + 5)):
            if (
                lemmas[j] in {"have", "need"}
                and lows[j + 1 : j + 3] == ["to", "do"]
                and j + 3 < n
                and lemmas[j + 3] == "be"
            ):
                return HINDSIGHT, k, j + 4
    if low in {"anyone", "anybody", "everyone", "everybody"} or (low == "any" and k + 1 < n):
        for j in range(k + 1, min(n, k + 8)):
            if lows[j] in {"could", "would", "should", "can"}:
                verb = j + 2 if j + 1 < n and lemmas[j + 1] == "have" else j + 1
                if verb < n and lemmas[verb] in lx.FORESEE_VERBS | lx.FAILED_DUTIES:
                    return HINDSIGHT, k, verb + 1
                break
            if lows[j] in {".", ",", ";", "?", "!", "and", "but", "if", "who"}:
                if lows[j] != "who":
                    break
    if low == "before" and k + 2 < n and lows[k + 1] in lx.ANYONE | lx._words("we they he she"):
        j = k + 2 + (lows[k + 2] in {"even", "finally"})
        if j < n and lemmas[j] in {"act", "notice", "react", "bother", "care", "look", "do"} and lows[j] != lemmas[j]:
            return HINDSIGHT, k, j + 1
    if (low == "had" and k == 0 or low == "if") and k + 2 < n:
        j = k + 1 + (lows[k + 1] == "only")
        who = lows[j] if j < n else ""
        if low == "had" and who in lx.ANYONE | {"they", "you"}:
            verb = reader._skip_words(j + 1, {"just", "simply", "only", "even"})
        elif low == "if" and who in lx.ANYONE and j + 1 < n and lows[j + 1] == "had":
            verb = reader._skip_words(j + 2, {"just", "simply", "only", "even", "bothered", "to"})
        else:
            verb = None
        if verb is not None and verb < n and lows[verb] != lemmas[verb] and lemmas[verb] not in lx.UNKNOWING_VERBS:
            return HINDSIGHT, k, verb + 1
    if low in lx.MODALS_OF_HINDSIGHT:
        return _modal_hindsight(reader, k)
    return None


def _modal_hindsight(reader, k: int) -> tuple[str, int, int] | None:
    """ "should have known", "we should've caught it", "could easily have been avoided"."""
    lows, lemmas, n = reader.lows, reader.lemmas, reader.n
    low = lows[k]
    j = k + 1
    if j < n and lows[j] in {"not", "n't", "never"}:
        j += 1
    j = reader._skip_words(j, {"easily", "simply", "so", "ever", "really", "definitely", "at", "least"})
    if j >= n or lemmas[j] != "have" or lows[j] not in {"have", "'ve", "of"}:
        return None
    verb = reader._skip_words(j + 1, {"easily", "just", "simply", "really", "already"})
    been = verb < n and lows[verb] == "been"
    if been:
        verb += 1
    if verb >= n:
        return None
    word, lemma = lows[verb], lemmas[verb]
    inflected = word != lemma or word in lx.BARE_PARTICIPLES
    start = _subject_before(reader, k)
    if low == "should":
        if been and (word in lx.FORESEEN_STATES or word == "more"):
            return HINDSIGHT, start if start is not None else k, verb + 1 + (word == "more")
        if inflected and lemma in lx.HINDSIGHT_VERBS:
            return HINDSIGHT, start if start is not None else k, verb + 1
        if start is not None and inflected and not been and lemma not in {"be", "have"}:
            return HINDSIGHT, start, verb + 1
        return None
    if inflected and lemma in lx.AVOIDABLE_VERBS:
        return HINDSIGHT, k, verb + 1
    return None


def _subject_before(reader, k: int) -> int | None:
    """Where a pronoun or group of people stands right before the modal at ``k`` ("we", "nobody", "the team")."""
    j = k - 1
    while j >= 0 and reader.lows[j] in _SUBJECT_ADVERBS:
        j -= 1
    if j < 0:
        return None
    word = reader.lows[j]
    if word in {"team", "one"}:  # "the team", "no one"
        return j - 1 if j and reader.lows[j - 1] == ("the" if word == "team" else "no") else None
    return j if word in lx.HINDSIGHT_SUBJECTS else None


def _sentence_start(reader, k: int) -> bool:
    return all(not low[:1].isalnum() for low in reader.lows[:k])


def _after_be(reader, k: int) -> bool:
    j = k - 1
    while j >= 0 and reader.lows[j] in {"entirely", "totally", "completely", "so", "perfectly", "very", "quite", "all"}:
        j -= 1
    return j >= 0 and reader.lemmas[j] == "be"
