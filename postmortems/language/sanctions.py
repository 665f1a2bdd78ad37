"""Sanctions: consequences for a person instead of a change to the system.

"disciplinary action", "should be let go", "held responsible", "owes an apology", "talk to their
manager", "take away his deploy rights", "loop in HR", "make an example of".
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts
from .advice import JUDGING_WORD
from .reading import Finding
from .subjects import SubjectReading


class SanctionReading(SubjectReading):
    """Reads a sanction wherever it stands in the sentence."""

    def _person_before(self, k: int) -> bool:
        """Whether a person is named in the few words before ``k`` ("the responsible engineer has been …")."""
        for m in range(max(0, k - 6), k):
            person = self.person_at(m)
            if person and person[1] != "maybe" and person[0] <= k:
                return True
        return False

    def _sanctions(self) -> list[Finding]:
        found = []
        for k in self.starts_of(starts.SANCTION_MARK):
            low, lem = self.lows[k], self.lemmas[k]
            if low in {"terminated", "terminate"} and k and (self.lemmas[k - 1] == "be" or self.person_at(k + 1)):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 1))
                continue
            if (
                low in {"firing", "sackable", "fireable"}
                and k + 1 < self.n
                and self.lows[k + 1] in {"offence", "offense", "matter"}
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 2))
                continue
            if low in {
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
            }:
                found.append(self._finding(JUDGING_WORD, "sanction", k, k + 1))
            elif low in {"fired", "sacked"} and k and self.lemmas[k - 1] in {"be", "get"}:
                found.append(self._finding(JUDGING_WORD, "sanction", k - 1, k + 1))
            elif (
                low in {"suspended", "dismissed"}
                and k
                and self.lemmas[k - 1] in {"be", "get"}
                and self._person_before(k - 1)
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", k - 1, k + 1))  # a person, not a job, suspended
            elif (
                lem == "fire"
                and k + 1 < self.n
                and (self.person_at(k + 1) or self.lows[k + 1] in ("whoever",))
                and self.lows[k + 1] not in {"alarm", "drill"}
                or low in {"written", "final", "formal"}
                and k + 1 < self.n
                and self.lemmas[k + 1] == "warning"
                or low == "performance"
                and k + 1 < self.n
                and self.lows[k + 1] in {"review", "plan", "improvement", "conversation", "record", "file", "rating"}
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
                lem in {"apologise", "apologize"}
                and k
                and (
                    self.lemmas[k - 1] in {"to", "should", "must", "need"}
                    or self._window_has(max(0, k - 4), 4, {"expect", "make", "want", "demand"})
                )
            ):
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 1), k + 1))
            elif (
                lem == "manager"
                and k >= 2
                and self.lows[k - 1] in {"his", "her", "their", "your", "'s"}
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
                lem in {"lose", "revoke", "remove", "pull", "strip"}
                and self._window_has(k + 1, 5, {"access", "rights", "privileges", "permissions"})
                and (
                    self.person_at(k - 1)
                    or (k >= 2 and self.person_at(k - 2))
                    or self._window_has(k + 1, 2, {"his", "her", "their", "your"})
                    or "'s" in self.lows[k + 1 : k + 4]
                )
            ):
                if self._window_has(k + 1, 3, {"his", "her", "their", "your", "'s"}) or (
                    k and self.lemmas[k - 1] in {"should", "must", "will"}
                ):
                    found.append(
                        self._finding(
                            JUDGING_WORD,
                            "sanction",
                            k,
                            self._through(k + 1, 5, {"access", "rights", "privileges", "permissions"}),
                        )
                    )
            elif (
                low == "hr"
                and (
                    self._window_has(max(0, k - 3), 3, {"to", "involve", "loop", "tell", "report"})
                    or self._window_has(k + 1, 4, {"told", "involved", "informed", "notified", "know"})
                )
                and not self._window_has(max(0, k - 3), 7, {"not", "n't", "never", "no", "without"})
            ):  # "HR was not involved" denies the sanction
                found.append(self._finding(JUDGING_WORD, "sanction", max(0, k - 2), k + 1))
            elif low in {"shame", "example"} and self._window_has(
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
                and self.lemmas[k - 1] in {"be", "get"}
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
