"""What a clause says its subject did: harm, a failed duty, a slip, a repeated failure.

"the contractor dropped the table", "Priya forgot to renew …", "pushed untested code", "broke the
build again", "deployed to production instead of staging", "removed the limit and the API fell over".
A possessive or a copula after the person is read as an evaluation (``evaluations``), a modal of
hindsight as a counterfactual (``counterfactuals``).
"""

from __future__ import annotations

from . import lexicon as lx
from .advice import HINDSIGHT, PERSON_BLAME
from .counterfactuals import CounterfactualReading
from .evaluations import EvaluationReading
from .reading import Finding

_CLAUSE_OPENERS = lx._words("after when because once until while before since as")
# What ``_act_gone_wrong`` reads an act by: none of them in the sentence, it finds nothing.
_GONE_WRONG_WORDS = lx._words("that which instead too")


class PredicateReading(EvaluationReading, CounterfactualReading):
    """Reads the predicate after a person: whether it frames them as the one who failed."""

    def _predicate(self, i: int, end: int, sureness: str) -> Finding | None:
        """What the clause says the person at ``i:end`` did, if it frames them as the one who failed."""
        certain = sureness in {"certain", "group"}
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
            self.lemmas[j] in {"decide", "choose", "try", "attempt", "manage"}
            and j + 2 < self.n
            and self.lows[j + 1] == "to"
        ):
            j += 2  # "decided to drop the replica": what was done is the predicate
        elif (
            self.lemmas[j] == "go"
            and j + 2 < self.n
            and self.lows[j + 1] == "ahead"
            and self.lows[j + 2] in {"and", "to"}
        ):
            j += 3
        lem, low = self.lemmas[j], self.lows[j]
        if low[:1].isdigit() or low == ":":
            return None  # "Changelog 3.8.1: reverted …": a label and its number, then no predicate of theirs
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
        if (
            lem == "be"
            and j + 1 < self.n
            and self.lows[j + 1].endswith("ing")
            and self.lemmas[j + 1] in lx.HUMAN_ONLY_FAILURES
        ):
            return self._finding(PERSON_BLAME, "subject_harm", i, j + 2, subject)  # "was forgetting to close"
        if lem == "be":
            return self._copula(i, j, certain, group=sureness == "group")
        if certain and low in {"fault", "mistake", "mistakes", "error", "typo"} and j == end:
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
            and self.lows[j + 2] in {"habit", "history", "track", "pattern", "tendency", "reputation"}
        ):
            return self._finding(PERSON_BLAME, "repeat", i, min(j + 5, self.n), subject)
        negated = self._negation(j)
        if negated and sureness == "group" and self.lows[j] in {"do", "does"}:
            return None  # "the mobile team does not watch that channel" is how things are, not a failure
        if negated and not certain:
            return None
        if negated:
            k = self._skip(negated)
            if k < self.n:
                verb = self.lemmas[k]
                if verb == "do" and k + 2 < self.n and self.lows[k + 2] in {"job", "jobs"}:
                    return self._finding(PERSON_BLAME, "evaluation", i, k + 3, subject)
                if verb in lx.DUTY_VERBS or verb in {"bother", "test"}:
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
        if not certain and lem not in lx.WHO_ACTS:
            return None  # "they" and unknown words need an act only people do ("pushed", "merged")
        if low in {"who", "that", "which"}:
            return None  # a relative clause: "It was Femi who spotted …" is read as a cleft
        stop = self._clause_end(j)
        repairing = lem in lx.REPAIR_VERBS and not (lem == "roll" and j + 1 < self.n and self.lows[j + 1] == "out")
        if not repairing and lem not in lx.STATE_VERBS and (certain or lem in lx.WHO_ACTS):
            for k in range(j + 1, min(stop, j + 9)):
                if self.lows[k] in lx.BAD_OBJECT_ADJECTIVES and (
                    k + 1 >= self.n or self.lows[k + 1] not in {"one", "ones"}
                ):
                    return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
        # "restarted prod without warning anybody": unless the sentence explains why ("because …").
        explained = "without" not in self.words or self._window_has(
            j + 1, self.n, {"because", "since", "allows", "allowed"}
        )
        for k in range(j + 1, j + 1 if explained or lem in lx.STATE_VERBS else stop):
            if self.lows[k] == "without":
                nxt = self._skip_words(k + 1, {"even", "properly", "first", "any", "a", "an", "asking", "telling"})
                if nxt < self.n and (
                    self.lemmas[nxt] in lx.WITHOUT_GERUNDS
                    or self.lows[nxt].removesuffix("ing") in lx.WITHOUT_GERUNDS
                    or self.lows[nxt] in {"anyone", "anybody", "review", "approval", "ticket", "backup", "warning"}
                ):
                    return self._finding(PERSON_BLAME, "subject_harm", i, nxt + 1, subject)
        if (
            lem in lx.CREDIT_VERBS and not (lem == "roll" and j + 1 < self.n and self.lows[j + 1] == "out")
        ) or lem in lx.STATE_VERBS:
            return self._later_harm(i, j, stop, subject) if lem not in lx.REPAIR_VERBS else None
        # An ordinary act turned into a slip: "pushed untested code", "approved it without reading it",
        # "ran it against prod by mistake", "broke the build again".
        if "careless" in marks:
            return self._finding(PERSON_BLAME, "subject_harm", i, j + 1, subject)
        if "repeat" in marks or self._again_after(j, stop):
            return self._finding(PERSON_BLAME, "repeat", i, stop, subject)
        done_wrong = self._act_gone_wrong(j) or self._failure_after(j)
        if done_wrong:
            return self._finding(PERSON_BLAME, "subject_harm", i, done_wrong, subject)
        words = self.words
        for k in range(j + 1, stop if "by" in words or "straight" in words else j + 1):
            if self.lows[k] == "by" and k + 1 < self.n and self.lows[k + 1] in {"mistake", "accident"}:
                return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
            if self.lows[k] == "straight" and k + 2 < self.n and self.lows[k + 1] in {"to", "into", "onto"}:
                return self._finding(PERSON_BLAME, "subject_harm", i, k + 3, subject)
        return self._later_harm(i, j, stop, subject)

    def _again_after(self, j: int, stop: int) -> bool:
        """ "broke the build again" (before another clause opens), "as usual": the act told as a repeat."""
        words = self.words
        if "again" not in words and ("as" not in words or "usual" not in words):
            return False
        window = self.lows[j + 1 : stop]
        before_other = window[: next((n for n, w in enumerate(window) if w in _CLAUSE_OPENERS), len(window))]
        return "again" in before_other or ("as", "usual") in zip(window, window[1:], strict=False)

    def _failure_after(self, j: int) -> int | None:
        """ "removed the rate limit and the API fell over": the act told with the failure that followed."""
        if "and" not in self.words:
            return None
        for k in range(j + 1, min(self.n - 2, j + 10)):
            if self.lows[k] in {".", ";", "because", "since", "after", "when", "while", "until"}:
                return None
            if self.lows[k] == "and" and self.lows[k + 1] in {"the", "our", "all", "every"}:
                for m in range(k + 2, min(self.n, k + 6)):
                    if self.lemmas[m] in lx.THING_FAILURES and self.lows[m] != self.lemmas[m]:
                        return m + 1 + (m + 1 < self.n and self.lows[m + 1] in {"over", "down", "offline"})
        return None

    def _act_gone_wrong(self, j: int) -> int | None:
        """The end of "pushed a config that broke login", "deployed to production instead of staging",
        "paused the job far too late": an act told with the harm it did or the better act it replaced."""
        if self.lemmas[j] in lx.REPAIR_VERBS or self.words.isdisjoint(_GONE_WRONG_WORDS):
            return None
        for k in range(j + 1, min(self.n, j + 10)):
            low = self.lows[k]
            if low in {".", ";", "!", "?", "because", "since", "so", "but", "after", "when", "while"}:
                return None
            if low in {"that", "which"} and k + 1 < self.n and self.lemmas[k + 1] in lx.HARM_OF_A_THING:
                harm = self._harm(k + 1)
                if harm or self.lemmas[k + 1] not in {"take", "bring", "knock"}:
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
                and self.lows[k + 1] in {"late", "early", "soon", "long", "quickly", "fast"}
            ):
                return k + 2
        return None
