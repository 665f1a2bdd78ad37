"""A better framing for the writer's own sentence, offered as a one-click replacement.

Not a fixed advice line: the sentence that carries a note is rewritten from its own words:

* a person as the subject of harm becomes "we" ("Svetlana pushed straight to main and broke
  login." → "We pushed straight to main and broke login."), a possessive agent becomes "our"
  ("Tomás's push took the API offline" → "Our push took the API offline");
* a counterfactual about a person becomes a how-question about what would have helped
  ("Ingrid ought to have checked the replica lag" → "What would have helped us check the
  replica lag at that moment?");
* an evaluation, a cleft or an interrogation becomes a how-question about the conditions;
* an appeal to attention becomes a change to the system.

Each rewrite is a plain function of the sentence; when none fits, no rewrite is offered and
the note's advice stands alone.
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .lemmas import lemma

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# The last mark that ends a sentence (before where the search stops).
_LAST_MARK = re.compile(r"[.!?\n][^.!?\n]*\Z")
_BLAME_ADVERB_WORDS = (
    "just", "simply", "honestly", "frankly", "basically", "clearly", "obviously", "apparently", "accidentally",
    "mistakenly", "carelessly", "recklessly", "blindly", "again", "yet again", "once again", "as usual", "always",
    "of course", "even",
)  # fmt: skip
_BLAME_ADVERBS = re.compile(r",?\s*\b(?:" + "|".join(_BLAME_ADVERB_WORDS) + r")\b,?", re.IGNORECASE)
_PLURAL_VERBS = {
    "was": "were", "is": "are", "has": "have", "keeps": "keep", "does": "do", "doesn't": "don't",
    "wasn't": "weren't", "isn't": "aren't", "hasn't": "haven't",
}  # fmt: skip
_PARTICIPLES = {
    "broke": "broken", "took": "taken", "wrote": "written", "ran": "run", "did": "done", "forgot": "forgotten",
    "drove": "driven", "chose": "chosen", "gave": "given", "began": "begun", "went": "gone", "rode": "ridden",
    "threw": "thrown", "froze": "frozen", "stole": "stolen", "shook": "shaken", "undid": "undone",
}  # fmt: skip


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``words`` in any case, so a case-blind pattern that needs one of them is
    not run over text that has none (most sentences): it would find nothing. Such a pattern also reads "İ"
    and "ı" as "i", and so does this."""
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded:
        folded = folded.replace("ı", "i").replace("\u0307", "")
    return any(map(folded.__contains__, words))


def _without_blame_adverbs(text: str) -> str:
    return _BLAME_ADVERBS.sub("", text) if _mentions(text, _BLAME_ADVERB_WORDS) else text


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` that holds ``start:end`` (offsets of its first and last character)."""
    body = text.rstrip(".!?")
    if body and start <= len(body) and "." not in body and "!" not in body and "?" not in body and "\n" not in body:
        # One sentence, its marks only at the end (what the guide reads a note in): it is the whole text.
        return _trimmed(text, 0, len(text), start, end) if start < len(text) or 0 < end <= len(text) else (start, end)
    last_mark = _LAST_MARK.search(text, 0, start)
    at = last_mark.start() + 1 if last_mark else 0
    while match := _SENTENCE.search(text, at):
        at = match.end()
        if match.start() <= start < at or (match.start() < end <= at):
            return _trimmed(text, match.start(), at, start, end)
    return start, end


def _trimmed(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, max(e, min(len(text), end))


def propose(
    text: str, rule: str, kind: str, start: int, end: int, subject: tuple[int, int] | None
) -> tuple[int, int, str] | None:
    """(sentence start, sentence end, the rewritten sentence) for a note at ``start:end``, or None."""
    s, e = sentence_around(text, start, end)
    sentence = text[s:e]
    stop = sentence[-1] if sentence and sentence[-1] in ".!?" else ""
    body = sentence[:-1] if stop else sentence
    rewritten = None
    if kind in {"subject_harm", "repeat"} and subject:
        rewritten = _as_we(body, subject[0] - s, subject[1] - s) + (stop if stop != "?" else ".")
    elif kind == "possessive" and subject:
        rewritten = _as_our(body, subject[0] - s, subject[1] - s) + (stop or ".")
    elif kind == "counterfactual":
        rewritten = _what_would_have_helped(body)
    elif kind in {"evaluation", "cleft", "interrogation"}:
        rewritten = _how_did_it_happen(body, kind, subject and (subject[0] - s, subject[1] - s))
    elif kind == "sanction":
        rewritten = "What change to the system would make this class of failure impossible?"
    elif rule == "attention_remedy":
        rewritten = _as_system_change(body)
    if not rewritten or rewritten.strip() == sentence.strip():
        return None
    return s, e, _capitalise(rewritten)


# Written to start with a single space, so that the pattern engine skips to each space instead of trying the
# pattern at every character ("\s{2,}" and "\s+" would be read the same, several times slower).
_RUNS_OF_SPACE = re.compile(r"\s\s+")
_SPACE_BEFORE_MARK = re.compile(r"\s\s*([,.?!])")


def _the_mark(space_and_mark: re.Match) -> str:
    return space_and_mark[1]


def _capitalise(text: str) -> str:
    # In printable text the only space is " ", so the patterns are run only where what they need is there.
    printable = text.isprintable()
    if not printable or "  " in text:
        text = _RUNS_OF_SPACE.sub(" ", text)
    text = text.strip()
    if not printable or " ," in text or " ." in text or " ?" in text or " !" in text:
        text = _SPACE_BEFORE_MARK.sub(_the_mark, text)
    return text[:1].upper() + text[1:]


# Compiled once: every note with a rewrite goes through these.
_FRAMING_OPENERS = re.compile(
    r"(?i)^(?:\s*(?:honestly|frankly|basically|ugh|sorry\s+but|tbh|clearly|obviously|apparently|yet\s+again|once\s+again|as\s+usual|again)\b[,]?\s*)+"
)
_FRAMING_WORD_LIST = ("think", "say", "clear", "obvious", "fact", "fair", "truth")
_FRAMING_WORDS = re.compile(r"(?i)\b(?:" + "|".join(_FRAMING_WORD_LIST) + r")\b")
_FIRST_WORD = re.compile(r"^(\s*)(\S+)")
_THEIR = re.compile(r"\b(?:his|her|their)\b")
_THEMSELVES = re.compile(r"\b(?:him|her|them)self\b")


def _as_we(body: str, start: int, end: int) -> str:
    """The sentence with "we" as its subject, in place of the person."""
    before, after = body[:start], body[end:]
    # Words before the subject that framed the person ("Honestly,", "It's clear that") are left out;
    # a time or a clause opener ("At 02:10", "because") stays.
    prefix = _FRAMING_OPENERS.sub("", before)
    if prefix and _mentions(prefix, _FRAMING_WORD_LIST) and _FRAMING_WORDS.search(prefix):
        prefix = ""
    after = _without_blame_adverbs(after)
    after = _FIRST_WORD.sub(_in_plural, after)
    if "his" in after or "her" in after or "their" in after:
        after = _THEIR.sub("our", after)
    if "self" in after:
        after = _THEMSELVES.sub("ourselves", after)
    subject = "we" if prefix.strip() else "We"
    return f"{prefix}{subject}{after}".strip()


def _in_plural(first: re.Match) -> str:
    return first.group(1) + _PLURAL_VERBS.get(first.group(2).lower(), first.group(2))


_POSSESSIVE_ENDING = re.compile(r"^\s*['’]s?")
_JUDGED_ACT = re.compile(r"^\s*(?:careless|sloppy|lazy|reckless|stupid|bad)\s+")
_FAULT_NOUN = re.compile(r"^\s*(?:fault|mistake|blunder|screw-?up|carelessness|negligence)\b", re.IGNORECASE)
_DEICTIC_BEFORE_OWNER = re.compile(r"(?i)\b(?:it\s+was|it['’]s|this\s+is|that\s+was|all)\s*$")


def _as_our(body: str, start: int, end: int) -> str:
    """ "Tomás's push took …" → "Our push took …"."""
    after = body[end:]
    after = _POSSESSIVE_ENDING.sub("", after)
    after = _without_blame_adverbs(after)
    after = _JUDGED_ACT.sub(" ", after)
    if _FAULT_NOUN.match(after):
        return "How did our process let this happen, and which safeguard was missing"
    before = body[:start]
    before = _DEICTIC_BEFORE_OWNER.sub("", before).rstrip()
    our = "our" if before.strip() else "Our"
    return f"{before} {our}{after}".strip()


_HELPED_VERB_WORDS = ("have", "'ve", "of", "had", "supposed", "meant", "needed")
_HELPED_VERB = re.compile(
    r"(?i)\b(?:have|'ve|of|had|supposed\s+to|meant\s+to|needed\s+to)\s+(?:just\s+|simply\s+|easily\s+|really\s+|bothered\s+to\s+)?"
    r"(?P<verb>[a-z-]+)(?P<rest>[^,;]*)"
)
_CONDITION = re.compile(r"(?i)\b(?:if|when|we['’]d|we\s+would|this\s+would|it\s+would|nothing\s+would|,)\b")


def _what_would_have_helped(body: str) -> str | None:
    """ "X ought to have checked the lag" → "What would have helped us check the lag at that moment?"."""
    match = _HELPED_VERB.search(body) if _mentions(body, _HELPED_VERB_WORDS) else None
    if not match:
        return None
    verb = match.group("verb").lower()
    if verb in {"been", "be"}:
        return "What would have made the signal easier to see at that moment?"
    base = lemma(verb)
    rest = match.group("rest")
    rest = _CONDITION.split(rest)[0]
    rest = _THEIR.sub("our", rest).rstrip(" ,")
    return f"What would have helped us {base}{rest} at that moment?"


_WHY_DID = re.compile(
    r"(?i)\bwhy\s+(?:did|didn['’]t|did\s+not|would|wouldn['’]t)\s+\S+\s+(?P<verb>[a-z-]+)(?P<rest>.*)"
)
_WHO_DID = re.compile(r"(?i)\bwho\s+(?:the\s+hell\s+|on\s+earth\s+)?(?P<verb>[a-z-]+)(?P<rest>[^?]*)")
_CAUSE_WORDS = ("reason", "cause", "root", "culprit")
_CAUSE_CLAUSE = re.compile(
    r"(?i)\b(?:reason|cause|root|culprit)\b(?:\s+(?:why|that|for))?\s+"
    r"(?P<clause>(?:we|the|our|it|this|checkout|prod|production|[a-z]+)\b[^,;]*)"
)
_RELATIVE_CLAUSE = re.compile(r"(?i)\b(?:who|that)\s+(?P<clause>[a-z-]+\b[^,;]*)")


def _how_did_it_happen(body: str, kind: str, subject: tuple[int, int] | None) -> str | None:
    """An evaluation, a cleft or an interrogation of a person, asked instead about the conditions."""
    lowered = body.lower()
    if kind == "interrogation":
        match = _WHY_DID.search(body) if _mentions(body, ("why",)) else None
        if match:
            verb = lemma(match.group("verb").lower())
            negative = "n't" in lowered or "not" in lowered.split()
            rest = match.group("rest").rstrip(" ?")
            if negative:
                return f"What made it hard to {verb}{rest} at that moment?"
            return f"What made {_gerund(verb)}{rest} look like the right step at the time?"
        match = _WHO_DID.search(body) if _mentions(body, ("who",)) else None
        if match:
            verb = match.group("verb").lower()
            participle = _PARTICIPLES.get(verb, verb)
            rest = match.group("rest").strip()
            if rest and verb.endswith(("ed", "ke", "ok", "an", "ot", "id")):
                return f"How did it happen that {rest} was {participle} without a check?"
        return "What did people know at that moment, and what made that step look reasonable?"
    match = _CAUSE_CLAUSE.search(body) if subject and _mentions(body, _CAUSE_WORDS) else None
    if match and match.start() > subject[1]:
        return f"How did it happen that {match.group('clause').strip()}?"
    match = _RELATIVE_CLAUSE.search(body) if kind == "cleft" else None
    if match:
        return f"What made it possible that we {match.group('clause').strip()}?"
    return "How did our process let this happen, and which safeguard was missing?"


_DOUBLED_LAST = re.compile(r"[^aeiou]*[aeiou][bdgmnpt]")


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    if _DOUBLED_LAST.fullmatch(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


_ASKING_VERBS = ("remind", "tell", "ask", "encourage", "train", "warn", "urge")
_ASKED_TO_CHECK = re.compile(
    r"(?i)\b(?:remind|tell|ask|encourage|train|warn|urge)\s+(?:[\w-]+\s+){0,4}?to\s+(?:always\s+|be\s+sure\s+to\s+)?"
    r"(?:double-check|check|verify|confirm|look\s+at|review|read)\s+(?P<what>[^,;]+)"
)
_CARE_ADVERB_WORDS = (
    "carefully", "cautiously", "careful", "cautious", "strictly", "properly", "closely", "thoroughly", "vigilant",
    "attentive",
)  # fmt: skip
_CARE_ADVERBS = re.compile(
    r"(?i)\s*\b(?:more\s+|extra\s+|very\s+)?(?:carefully|cautiously|careful|cautious|strictly|properly|closely|"
    r"thoroughly|vigilant(?:ly)?|attentive(?:ly)?)\b"
)


def _as_system_change(body: str) -> str | None:
    """ "Remind everyone to double-check the region" → "Make the tooling check the region …"."""
    match = _ASKED_TO_CHECK.search(body) if _mentions(body, _ASKING_VERBS) else None
    if match:
        return f"Make the tooling check {match.group('what').strip()} and block the step when the check fails."
    cleaned = (_CARE_ADVERBS.sub("", body) if _mentions(body, _CARE_ADVERB_WORDS) else body).strip(" ,")
    words = cleaned.split()
    if words and lx.ATTENTION_VERBS.isdisjoint(w.lower() for w in words[:1]) and cleaned != body.strip():
        return f"Add a check or guardrail so that “{cleaned}” no longer depends on care: a test, a confirmation step, or an alert."
    return "Propose a change to the system instead: a test that catches it, a guardrail that blocks it, or an alert that shows it."
