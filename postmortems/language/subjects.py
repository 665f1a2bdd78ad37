"""Who a clause is about: a name, a pronoun, a role ("the on-call engineer"), a group ("the payments team").

``person_at`` says whether a person or group of people starts at a word, and how sure that is: names,
pronouns and roles are certain; "they" and a capitalised word no dictionary knows need a predicate only
people do.
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts
from .lemmas import is_known, misspelling_of
from .people import COMMON_WORDS as DIRECTORY_COMMON_WORDS
from .reading import Reading

_DETERMINERS_OR_POSSESSIVES = lx.DETERMINERS | lx.POSSESSIVE_PRONOUNS
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


class SubjectReading(Reading):
    """Finds the person or group of people a clause is about."""

    def person_at(self, i: int) -> tuple[int, str] | None:
        """(index after the noun phrase, how sure) if a person or group of people starts at ``i``.

        ``certain`` for names, pronouns and roles; ``maybe`` for "they" and unknown capitalised
        words, which need a predicate only people do.
        """
        if i >= self.n:
            return None
        written, capital = self.lows[i], self.capitals[i]
        if not capital and written not in starts.PERSON_STARTS and written not in self.people and written[:1] != "@":
            return None  # most words: nothing below can read them as a person
        low = written.lstrip("@")
        if low in lx.PERSON_PRONOUNS:
            return i + 1, "certain"
        if low in lx.HONORIFICS and i + 1 < self.n and self.capitals[i + 1]:
            return i + 2, "certain"  # "Mr. Halvorsen", "Ms. Achterberg", "Mister Oyelaran"
        if low in lx.WEAK_PRONOUNS:
            return i + 1, "maybe"
        if low in lx.DETERMINERS or low in lx.POSSESSIVE_PRONOUNS:
            if not self.mentions(starts.ROLE_MARK):
                return None  # "the deploy", "our pipeline": no role or group to end on
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
            if low in {"this", "that"} and j < self.n and self._plural(j):
                return None  # "so many fields that people skip them": "that" joins a clause here
            if j < self.n and (
                self.lows[j] in lx.ROLE_NOUNS
                or self.lemmas[j] in lx.ROLE_NOUNS
                or misspelling_of(self.lows[j], lx.ROLE_NOUNS)
            ):
                end = j + 1
                if end < self.n and self.lows[end] in lx.ROLE_NOUNS:  # "on-call engineer"
                    end += 1
                if end + 1 < self.n and self.lows[end] == "on" and self.lows[end + 1] in {"call", "duty", "shift"}:
                    end += 2  # "the SRE on call"
                if end + 2 < self.n and self.lows[end] in {"from", "on", "in"} and self.lows[end + 1] in {"the", "our"}:
                    for k in range(end + 2, min(self.n, end + 5)):
                        if self.lows[k] in lx.GROUP_NOUNS:
                            end = k + 1  # "an engineer from the data team"
                            break
                return end, "certain"
            if j < self.n and self.lows[j] in lx.SHIFTS and j > i + 1:
                return j + 1, "group"  # "the night shift"
            if j < self.n and self.lows[j] in lx.GROUP_NOUNS and (j > i + 1 or low in {"the", "that"}):
                return j + 1, "group"
            return None
        text = self.texts[i]
        if text.startswith("@") and low not in lx.SYSTEM_NAMES and not low.endswith("bot"):
            return i + 1, "certain"  # a mention in chat is someone
        if low in {"ops", "qa", "devops", "infra"} and (i == 0 or not self.capitals[i] or low == "ops"):
            return i + 1, "certain"
        if (low in lx.ROLE_MODIFIERS or low in lx.ROLE_NOUNS) and i + 1 < self.n and self.lows[i + 1] in lx.GROUP_NOUNS:
            return i + 2, "group"  # "Dev team pushed …", "Platform team broke …"
        if low in lx.ROLE_MODIFIERS and i + 1 < self.n and self.lows[i + 1] in lx.SHIFTS:
            return i + 2, "group"  # "Night shift left …"
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

    def _plural(self, j: int) -> bool:
        """Whether the noun at ``j`` is plural ("engineers", "people"), as no noun after "this" or "that" is."""
        return self.lows[j] == "people" or (self.lows[j] != self.lemmas[j] and self.lows[j].endswith("s"))

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
