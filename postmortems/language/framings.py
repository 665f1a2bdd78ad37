"""Shapes set up before the person: clefts and verdicts that name someone as the cause.

"It was Kwame who deleted …", "this is on Marco", "down to Yusuf", "caused by Sam", "because of Ana's
change", "if only Fatima had …", "had Tom looked", "the root of the problem is Hannah", "the third
outage Priya has caused".
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts
from .advice import HINDSIGHT, JUDGING_WORD, PERSON_BLAME
from .reading import Finding
from .subjects import SubjectReading
from .tokens import CLAUSE_BREAK, SENTENCE_END

_HARM_CONTEXT = lx._words(
    """outage incident fail failure break broken down lose lost crash corrupt stall error stale delay leak
    breach wrong happen occur worse mess sideways south"""
)

# Common words that frame a person only after one of a few words (what the readings below ask of the word before
# them, as written or as lemma): "to" after "down" or "back" ("down to Yusuf", "traces back to"); a form of "be"
# after "it", "this" or "that" ("It was Kwame who …"); "on" after a form of "be", "lie", "rest" … ("this is on
# Marco"); "with" after "lies", "rests" ("the fault lies with …"); "had" after a comma, "and" or "but" ("…, had
# Tom looked"). After any other word they are passed over at once (at a sentence's start they are read).
_BE_AFTER = lx._words("it this that 's-is")
_ONLY_AFTER = {
    "to": lx._words("down back"),
    **dict.fromkeys(("be", "being", "been", "is", "was", "were", "are", "am", "'re", "'m"), _BE_AFTER),
    "on": lx._words("be lie sit rest fall squarely entirely all totally 100% fully"),
    "with": lx._words("lie rest squarely firmly"),
    "had": lx._words(", and but"),
}


class FramingReading(SubjectReading):
    """Reads the words before a person that frame them as the cause."""

    def _framed_before(self) -> list[Finding]:
        """ "It was X who …", "this is on X", "down to X", "caused by X", "if only X had", "had X looked"."""
        found = []
        for k in self.starts_of(starts.FRAMING_MARK):
            low, lem = self.lows[k], self.lemmas[k]
            after = _ONLY_AFTER.get(low)
            if k and after is not None and self.lows[k - 1] not in after and self.lemmas[k - 1] not in after:
                continue  # "to", "was", "on", "with", "had" after any other word start nothing here
            if low in {"if", "unless"} or (low == "had" and (k == 0 or self.lows[k - 1] in {",", "and", "but"})):
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
                            and self.lemmas[person[0]] in {"do", "be"}
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
                            and self.lows[verb] in {"not", "n't"}
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
                and self.lows[k - 1] in {"it", "this", "that", "'s-is"}
                or (low == "it" and k + 1 < self.n and self.lemmas[k + 1] == "be")
                or (low == "its" and k + 2 < self.n and self.lows[k + 2] in {"who", "that"})  # chat's "its"
            ):
                # Clefts: "It was Kwame who deleted …".
                its = low == "its"
                j = k + 1 if lem == "be" or its else k + 2
                j = self._skip_words(j, {"all", "really", "clearly", "obviously", "definitely"})
                person = self.person_at(j)
                if (
                    person
                    and person[0] + 1 < self.n
                    and self.lows[person[0]] in {"who", "that"}
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
                in {"be", "lie", "sit", "rest", "fall", "squarely", "entirely", "all", "totally", "100%", "fully"}
            ):
                j = self._skip_words(k + 1, {"the", "@"})
                person = self.person_at(k + 1) or self.person_at(j)
                at_end = person and (
                    person[0] >= self.n
                    or self.lows[person[0]] in SENTENCE_END | CLAUSE_BREAK | {"tbh", "lol", "honestly", "alone"}
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
                and self.lemmas[k - 2] in {"come", "be", "all", "entirely", "squarely", "largely", "mostly", "purely"}
            ):
                person = self.person_at(k + 1)
                if person and person[1] != "maybe":
                    found.append(self._finding(PERSON_BLAME, "evaluation", k - 2, person[0], (k + 1, person[0])))
            if low in {"attributable", "attributed", "due", "owing"} and k + 2 < self.n and self.lows[k + 1] == "to":
                person = self.person_at(k + 2)
                if person and person[1] == "certain" and (low != "due" or self._harm_before(k)):
                    found.append(self._finding(PERSON_BLAME, "evaluation", k, person[0], (k + 2, person[0])))
            if low == "with" and k and self.lemmas[k - 1] in {"lie", "rest", "squarely", "firmly"}:
                person = self.person_at(k + 1)
                if person:
                    found.append(
                        self._finding(PERSON_BLAME, "evaluation", max(0, k - 3), person[0], (k + 1, person[0]))
                    )
            if lem in lx.CAUSE_NOUNS and lem not in {"trigger", "source"}:
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
                and self.lows[k - 2] in {"caused", "triggered", "introduced", "broken"}
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
                and self.lemmas[k - 1] in {"cause", "introduce", "break", "botch", "trigger", "start"}
                and self.lows[k - 1] != "cause"
                or (
                    low == "by" and k and self.lows[k - 1] in {"caused", "introduced", "triggered", "broken", "botched"}
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
                in {"time", "times", "outage", "outages", "incident", "incidents", "mistake", "failure", "bug", "break"}
                and k
                and (
                    self.lows[k - 1] in {"second", "third", "fourth", "fifth", "another", "nth", "umpteenth", "every"}
                    or self.lows[k - 1] == "first"
                    and k >= 3
                    and self.lows[k - 3] in {"not", "n't"}
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
                and self.lemmas[k - 2] in {"trace", "come", "go", "lead", "point"}
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
                lem in {"consequence", "punishment", "penalty"}
                and k >= 2
                and self.lows[k - 1] in {"a", "as"}
                and self._window_has(
                    0, k, {"removed", "remove", "banned", "suspended", "barred", "lose", "taken", "take", "off"}
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 2), k + 1))
            if low == "when" and self._window_has(0, k, {"started", "began", "happened", "occurred"}):
                found += self._harm_because_of_an_act(k)
            if low in {"because", "thanks"} and k + 1 < self.n:
                j = k + 1
                if self.lows[j] in {"of", "to"}:
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
        if verb >= self.n or self.lows[verb] in {"was", "were", "is", "had", "has", "did", "n't", "not"}:
            return []
        lem = self.lemmas[verb]
        if lem in lx.STATE_VERBS or lem in lx.CREDIT_VERBS or lem in lx.REPAIR_VERBS or self.lows[verb] == lem:
            return []
        return [self._finding(PERSON_BLAME, "evaluation", k, verb + 1, (k + 1, person[0]))]

    def _possessive_is_action(self, j: int, judged: bool = False) -> bool:
        words = set(self.lemmas[j : j + 3])
        if words & {"mistake", "error", "fault", "typo", "carelessness", "negligence", "blunder"}:
            return True
        return not judged and bool(words & lx.ACTION_NOUNS)

    def _harm_before(self, k: int) -> bool:
        return any(lem in _HARM_CONTEXT for lem in self.lemmas[:k])

    def _negated_before(self, k: int) -> bool:
        return any(low in {"no", "not", "n't", "never", "without"} for low in self.lows[max(0, k - 3) : k])

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
