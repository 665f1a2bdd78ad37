"""Appeals to people's attention anywhere in running text: "be more careful", "pay closer attention".

``remedies`` reads an action item, or a sentence written as one, for what its action changes. An
appeal to attention also hides inside sentences that are not written as actions ("Engineers will
pay more attention to the deploy output", "This must never happen again"), so the predicates
that ask people to be more attentive, careful or disciplined are read here on the clause reader's
tokens, wherever they stand, unless a system is the subject of the clause ("the tool is careful
to lock the table …" is a fact about the tool).
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts

_BE_FORMS = lx._words("be being stay staying become becoming remain")
_MORE = lx._words("more extra very really much especially doubly super")
_COMPARED = lx._words("are is am were was get got 're 'm")
_CLOSER = lx._words("more closer better extra careful close special")
_CARE_NOUNS = lx._words("care caution vigilance diligence discipline attentiveness")
_READING = lx._words("read review check test look watch follow proofread proof-read scan verify")
_SCRUTINY = lx._words("carefully closely thoroughly attentively diligently")
_FROM_NOW_ON = lx._words("next time future forward now every each always")
_BEFORE_DOUBLE_CHECK = lx._words("always must should will to please")
_ASKED_TO = lx._words("ask asking tell telling instruct require expect encourage get")
_ASKED_FOR = {
    ("be", "careful"), ("be", "more"), ("pay", "attention"), ("stay", "alert"), ("watch", "out"), ("take", "care"),
    ("think", "twice"),
}  # fmt: skip
_NOTES = lx._words("reminder memo email announcement")
_NOBODY = lx._words("anyone anybody nobody")
_SURE_TO = lx._words("check double-check doublecheck verify look read test review confirm follow be run ask pay always")
_TALK = lx._words("word talk chat")
_CLAUSE_OPENERS = lx._words("but and so while when")
# Common words that start an appeal only before one of a few words (what ``_appeal_at`` asks of the word after
# them): a form of "be" before "more", "a", "on" or a state ("be careful", "was more careful", "is a lot more
# careful", "stay on top of"); "do" before "better" or "it/this/that" ("do better next time", "don't let it
# happen again"); "have" before "a" ("have a word with"); "take" before "more" ("take more care"); "it" and
# "this" before a modal ("this must never happen again"). Before any other word they are passed over at once.
_BE_BEFORE = _MORE | lx.ATTENTIVE_STATES | lx._words("a on")
_DO_BEFORE = lx._words("better it this that")
_HAVE_BEFORE = lx._words("a")
_TAKE_BEFORE = lx._words("more extra greater better special")
_MODALS_BEFORE = lx._words("will must shall can")
_ONLY_BEFORE = {
    **dict.fromkeys(("be", "being", "been", "is", "was", "were", "are", "am", "'re", "'m"), _BE_BEFORE),
    **dict.fromkeys(("do", "does", "did", "done", "doing"), _DO_BEFORE),
    **dict.fromkeys(("have", "has", "had", "having"), _HAVE_BEFORE),
    **dict.fromkeys(("take", "takes", "took", "taken", "taking"), _TAKE_BEFORE),
    **dict.fromkeys(("it", "this"), _MODALS_BEFORE),
}


def attention_appeals(sentence) -> list[tuple[int, int]]:
    """(first token, token after the last) of each appeal to attention in ``sentence`` (a ``tokens.Sentence``)."""
    if not sentence.marked & starts.APPEAL_MARK:
        return []
    lows, lemmas, marks = sentence.lows, sentence.lemmas, sentence.marks
    n = len(lows)
    # The words with blanks after them, made when first needed: an appeal looks at most a few words past either
    # end of the sentence, and a blank (at the end, or reached by a small negative index) reads as no word there.
    padded = None
    found = []
    for k in range(n):
        if not marks[k] & starts.APPEAL_MARK:
            continue
        needed = _ONLY_BEFORE.get(lows[k])
        if needed is not None and (lows[k + 1] if k + 1 < n else "") not in needed:
            continue  # "was", "it", "did", "had" before any other word start nothing
        if padded is None:
            padded = lows + _BLANKS
        span = _appeal_at(lows, lemmas, k, padded)
        if span and not _system_is_subject(lows, span[0]):
            found.append(span)
    return found


_BLANKS = [""] * 10


def _appeal_at(lows: list[str], lemmas: list[str], k: int, padded: list[str]) -> tuple[int, int] | None:
    """The tokens of an appeal to attention that starts at (or just before) ``k``, or None.

    ``padded`` is ``lows`` with ``_BLANKS`` after it: ``at(j)`` is the word at ``j``, or "" before the first
    or past the last (every index asked lies within ten of the sentence).
    """
    n = len(lows)
    low, lem = lows[k], lemmas[k]
    at = padded.__getitem__
    if low in _BE_FORMS or low in _COMPARED:
        j = k + 1
        if at(j) == "a" and at(j + 1) in {"lot", "bit"}:
            j += 2
        while at(j) in _MORE:
            j += 1
        if (low in _BE_FORMS or j > k + 1) and at(j) in lx.ATTENTIVE_STATES:
            return k, j + 1
        if (
            low in {"stay", "be"}
            and at(k + 1) == "on"
            and (at(k + 2), at(k + 3)) in {("top", "of"), ("the", "lookout")}
        ):
            return k, k + 4
    if lem == "be":
        return None  # nothing below starts at a form of "be"
    if lem == "take" and at(k + 1) in {"more", "extra", "greater", "better", "special"} and at(k + 2) == "care":
        return k, k + 3
    if lem == "pay":
        j = k + 1 + (at(k + 1) in _CLOSER)
        if at(j) == "attention":
            return k, j + 1
    if low.startswith(("retrain", "re-train", "re-educat", "reeducat")) and not lx.trains_a_machine(lows, k):
        return k, k + 1
    if low == "refresher" and at(k + 1) in {"training", "session", "sessions", "course", "courses"}:
        return k, k + 2
    if low in {"more", "additional", "extra", "further"} and at(k + 1) == "training" and at(k + 2) in {"for", "on"}:
        return k, k + 3
    if low in {"more", "extra"} and at(k + 1) in _CARE_NOUNS:
        return k, k + 2
    if lem in {"try", "work"} and at(k + 1) == "harder":
        return k, k + 2
    if lem == "do" and (at(k + 1), at(k + 2), at(k + 3)) == ("better", "next", "time"):
        return k, k + 4
    if lem in {"do", "let"} and at(k + 1) in {"it", "this", "that"} and _negated_before(lows, k, 3):
        j = k + 2 + (at(k + 2) == "happen")
        if at(j) == "again":
            start = k - 1 if at(k - 1) in {"not", "n't", "never"} and at(k - 2) in {"do", "will", "to"} else k
            return max(0, start - (at(start - 1) in {"do", "will"})), j + 1
    if low in {"this", "it"} and at(k + 1) in {"will", "must", "shall", "can"}:
        j = k + 2 + (at(k + 2) in {"not", "n't", "never"})
        if j > k + 2 and (at(j), at(j + 1)) == ("happen", "again"):
            return k, j + 2
    if (low, at(k + 1)) in (("think", "twice"),):
        return k, k + 2
    if (low, at(k + 1), at(k + 2)) == ("slow", "down", "and"):
        return k, k + 3
    double = low.startswith(("double-check", "doublecheck")) or low == "double" and at(k + 1).startswith("check")
    head = k + 2 if low == "double" else k + 1  # "double check" written as two words
    if low in _READING or lem in _READING or double:
        for j in range(head, min(n, k + 7)):
            if at(j) in {".", ";", "!", "?", ","}:
                break
            if at(j) == "more" and at(j + 1) in _SCRUTINY:
                return k, j + 2
            if (at(j), at(j + 1), at(j + 2)) == ("with", "more", "care"):
                return k, j + 3
            if at(j) == "carefully" and low == lem and low in _READING:
                return k, j + 1
            if (at(j), at(j + 1), at(j + 2)) == ("properly", "next", "time"):
                return k, j + 3
            if double and at(j) in _FROM_NOW_ON:
                if at(j) in {"next", "every", "each"} and at(j + 1) == "time":
                    return k, j + 2
                if (at(j - 1), at(j)) in {("in", "future"), ("going", "forward")} or at(j) == "always":
                    return k, j + 1
                if (at(j - 1), at(j)) == ("the", "future"):
                    return k, j + 1
                if (at(j - 1), at(j), at(j + 1)) == ("from", "now", "on"):
                    return k, j + 2
        if double:
            if at(k - 1) in _BEFORE_DOUBLE_CHECK or (
                at(k - 1) == "to" and at(k - 2) in {"need", "needs", "have", "has"}
            ):
                return k - 1 if at(k - 1) != "to" else k - 2, head
            if k == 0 or not lows[k - 1][:1].isalnum() or at(head) in {"your", "their", "his", "her"}:
                return k, head
    if lem == "remind":
        j = k + 1 + (at(k + 1) in {"the", "all", "our", "every"})
        for person in range(j, min(n, j + 3)):
            if at(person) in _NOBODY:
                break  # "nothing reminded anyone to flip it back" tells what was missing
            if at(person) in lx.PEOPLE_GROUPS or lemmas[person] in lx.ROLE_NOUNS or at(person) in lx.REMINDED:
                for after in range(person + 1, min(n, person + 6)):
                    if at(after) in {"to", "about", "that", "of"}:
                        return k, after + 1
                if person + 1 >= n or not lows[person + 1][:1].isalnum():
                    return k, person + 1
                break
    if lem in {"send", "post", "share"}:
        j = k + 1 + (at(k + 1) == "out")
        if at(j) in {"a", "an"}:
            j += 1
            if at(j) not in _NOTES and at(j + 1) in _NOTES:
                j += 1
            if at(j) in _NOTES:
                for after in range(j + 1, min(n, j + 6)):
                    if at(after) in {"reminding", "asking"} or (at(after), at(after + 1)) in {
                        ("to", "be"),
                        ("about", "being"),
                    }:
                        return k, after + 1 + (at(after) in {"to", "about"})
    if lem == "sit" and (at(k + 1), at(k + 2)) == ("down", "with"):
        return k, k + 3  # "sit down with Halvorsen about …": a talk with a person
    if lem == "have" and at(k + 1) == "a":
        j = k + 2 + (at(k + 2) in {"quiet", "serious", "stern"})
        if at(j) in _TALK and at(j + 1) == "with":
            return k, j + 2
    if low == "remember" and at(k + 1) == "to" and k + 2 < n and not _negated_before(lows, k, 2):
        return k, k + 3
    if low == "sure" and at(k - 1) in {"make", "be"} and at(k + 1) == "to":
        if at(k + 2) in _SURE_TO or at(k + 2).startswith("double"):
            return k - 1, k + 3 + (at(k + 2) == "always")
    if low == "always" and at(k + 1) == "remember":
        return k, k + 2
    if low in _ASKED_TO:
        for j in range(k + 1, min(n, k + 5)):
            if at(j) == "to":
                asked = j + 1 + (at(j + 1) in {"always", "please"})
                if at(asked) == "remember" or at(asked).startswith("double"):
                    return k, asked + 1
                if (at(asked), at(asked + 1)) in _ASKED_FOR:
                    return k, asked + 2
                break
    if lem == "keep":
        j = k + 1 + (at(k + 1) in {"a", "an"})
        j += at(j) in {"closer", "close", "better", "careful"}
        if at(j) in {"eye", "watch"}:
            return k, j + 1
    return None


def _negated_before(lows: list[str], k: int, width: int) -> bool:
    return any(word in {"not", "n't", "never"} for word in lows[max(0, k - width) : k])


def _system_is_subject(lows: list[str], k: int) -> bool:
    """Whether a system is the subject of the clause the appeal stands in ("the tool is careful to …")."""
    j = k - 1
    while j >= 0 and lows[j] not in _CLAUSE_OPENERS and lows[j] not in {".", "!", "?", ";", ":"}:
        if lows[j] in lx.SYSTEM_SUBJECTS:
            return True
        j -= 1
    return False
