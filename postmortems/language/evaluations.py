"""A person evaluated: their possession of the failure or their character.

"X's push took … offline", "X's fault", "the intern's careless merge"; "Deepa is the reason …",
"Leo was careless", "the team is always breaking staging", "X was supposed to …".
"""

from __future__ import annotations

from . import lexicon as lx
from .advice import HINDSIGHT, JUDGING_WORD, PERSON_BLAME
from .reading import Finding, Reading

_NOUNISH_HARM = lx._words("break crash leak lock drop")


class EvaluationReading(Reading):
    """Reads what follows a person's possessive or "is": an act of theirs that did harm, or a verdict on them."""

    def _possessive(self, i: int, j: int, certain: bool, group: bool = False) -> Finding | None:
        """ "X's push took … offline", "X's fault", "the intern's careless merge corrupted …"."""
        subject = (i, j)
        stop = self._clause_end(j)
        for k in range(j, min(stop, j + 4)):
            low, lem = self.lows[k], self.lemmas[k]
            if (
                low
                in {"fault", "mistake", "mistakes", "blunder", "screw-up", "mess", "doing", "typo", "slip", "oversight"}
                or lem in lx.JUDGEMENT_NOUNS
            ):
                if (
                    low == "fault"
                    and k + 1 < self.n
                    and self.lows[k + 1] in {"tolerance", "domain", "injection", "code"}
                ):
                    continue
                return self._finding(PERSON_BLAME, "possessive", i, k + 1, subject)
            if (
                low in {"behaviour", "behavior", "attitude", "conduct", "competence", "judgement", "judgment"}
                and k == j
            ):
                return self._finding(JUDGING_WORD, "evaluation", i, k + 1, subject)
            if (
                low == "manager"
                and k == j
                and self._window_has(k + 1, 5, {"hear", "know", "told", "informed", "aware", "involved"})
            ):
                return self._finding(JUDGING_WORD, "sanction", i, k + 1, subject)
            if low in {"file", "record"} and k == j and i and self.lows[i - 1] in {"in", "into", "to", "on"}:
                return self._finding(JUDGING_WORD, "sanction", i, k + 1, subject)
            if low in lx.JUDGEMENT_ADJECTIVES or low in {"lazy", "careless", "sloppy", "bad", "reckless"}:
                return self._finding(JUDGING_WORD, "evaluation", i, k + 2, subject)
        if (not certain and self.lows[j - 2 : j - 1] and not self.capitals[i]) or group:
            return None  # "the platform team's pipeline change broke …" names whose change, not a culprit
        # An act of theirs told by a relative clause that did harm: "Piotr's migration, which wiped the table".
        for k in range(j, min(self.n - 2, j + 2)):
            if self.lemmas[k] in lx.ACTION_NOUNS:
                which = k + 1 + (self.lows[k + 1] == ",")
                if which + 1 < self.n and self.lows[which] in {"which", "that"}:
                    harm = self._harm(which + 1)
                    if harm:
                        return self._finding(PERSON_BLAME, "possessive", i, harm[0], subject)
                break
        # An action of theirs as the subject of harm.
        for k in range(j, min(stop, j + 5)):
            lem = self.lemmas[k]
            if lem in {"phone", "laptop", "pager", "connection", "internet", "wifi", "vpn", "computer"}:
                return None
            harm = self._harm(k) if lem not in _NOUNISH_HARM or k > j else None
            if harm and k > j:
                return self._finding(PERSON_BLAME, "possessive", i, harm[0], subject)
            if lem in {"lead", "result"} and k + 1 < self.n and self.lows[k + 1] in {"to", "in"}:
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
            low in {"person", "party", "guy", "one", "engineer"}
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
        if low in {"culprit", "problem"} and self.lows[k - 1] == "the":
            return self._finding(PERSON_BLAME, "evaluation", i, k + 1, subject)
        if low in lx.JUDGEMENT_ADJECTIVES or low in {"distracted", "negligent"} or lem in lx.JUDGEMENT_NOUNS:
            # "was careless and skipped the checklist": the failure told after the verdict is the wider note.
            # A person judged is named as the cause; a team's way of working is judged in words.
            later = self._later_harm(i, k, self._clause_end(k), subject)
            return later or self._finding(JUDGING_WORD if group else PERSON_BLAME, "evaluation", i, k + 1, subject)
        if low in {"to", "at"} and k + 1 < self.n and self.lows[k + 1] in {"blame", "fault"}:
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
        if low in {"supposed", "meant"} and k + 1 < self.n and self.lows[k + 1] == "to" and certain:
            return self._finding(HINDSIGHT, "counterfactual", i, min(k + 3, self.n), subject)
        if low == "one" and k + 1 < self.n and self.lows[k + 1] in {"who", "that"}:
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
        if low in {"asleep", "away", "afk", "offline", "distracted", "busy"}:
            return self._later_harm(i, k, self._clause_end(k), subject)  # "was asleep and missed the page"
        if low in {"not", "n't"} and k + 1 < self.n and self.lows[k + 1] == "paying":
            return self._finding(PERSON_BLAME, "subject_harm", i, k + 3, subject)
        if low == "paying" and self.lows[k - 1] in {"not", "n't"}:
            return self._finding(PERSON_BLAME, "subject_harm", i, k + 2, subject)
        return None
