"""Interrogations of a person: questions that ask someone to answer for what happened.

"what were you thinking", "why did you …", "who approved this?", "tell me who …", "which engineer …",
"whose change was it?"; a question about who took part or who can help is left alone.
"""

from __future__ import annotations

from . import lexicon as lx
from . import starts
from .advice import WHO_QUESTION
from .reading import Finding
from .subjects import SubjectReading

_ROLE_IN_PRESENT = lx._words("write")
_NEUTRAL_WHO_VERBS = lx._words("own know be have see join attend call lead write help answer want like")


class QuestionReading(SubjectReading):
    """Reads questions put to a person."""

    def _asks_who(self, k: int, question: bool) -> bool:
        """ "Who …?" opening a question, or "tell me who …", "the question is who …"."""
        before = self.lows[k - 1] if k else ""
        if (
            k == 0
            or before
            in {
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
            }
            or before in lx.CHAT_OPENERS
        ):
            # In chat the question mark is often left out: "srsly who approved this pr".
            return question or before in (":",) or self._asks_who_in_chat(k)
        return before in {
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
        }

    def _asks_who_in_chat(self, k: int) -> bool:
        """ "who approved this", "who pushed that": an act of the past on this very thing."""
        verb = k + 1
        return (
            verb + 1 < self.n
            and self.lows[verb] != self.lemmas[verb]
            and (self.lemmas[verb] in lx.WHO_ACTS or self._harm(verb) is not None)
            and self.lows[verb + 1] in {"this", "that", "it", "the"}
        )

    def _asks_person_why(self, k: int) -> bool:
        """ "Why did/didn't/would …", "why on earth did …", "how could …": the question asks someone to justify."""
        j = k + 1
        if self.lows[j] in {"on", "the"} and self.lows[j + 1] in {"earth", "hell", "heck"}:
            j += 2
        if j >= self.n:
            return False
        if self.lows[k] == "how":
            return self.lows[j] == "could" and j + 1 < self.n and self.lows[j + 1] in lx.WHY_SUBJECTS | {"he", "she"}
        return self.lemmas[j] in {"do", "would", "be", "have", "could", "can", "not"}

    def _authored(self, verb: int) -> bool:
        """A role told in the past, which asks for the author of what failed: "Which developer wrote the retry
        loop?" (in the present, "Which engineer writes the release notes?" asks who holds the role)."""
        lemma = self.lemmas[verb]
        return lemma in _ROLE_IN_PRESENT and self.lows[verb] not in (lemma, lemma + "s")

    def _who_question(self, k: int) -> Finding | None:
        """A question for a person to answer for, unless it only asks who took part or who can help."""
        j = self._skip_words(
            k + 1, {"exactly", "actually", "the", "hell", "even", "on", "earth", "ever", "really", "just", "'s-is"}
        )
        if j >= self.n or self.lows[k + 1] in {
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
        }:
            return None
        lem = self.lemmas[j]
        if lem in {"own", "maintain", "join", "attend", "help", "want", "like", "lead"}:
            return None
        low = self.lows[j]
        if low != lem and low.endswith("s") and lem != "be" and not low.endswith("ss"):
            return None  # "Who approves a Friday deploy today?" asks how the process works
        if lem == "be":
            rest = self.lows[j + 1 : j + 4]
            if rest[:1] and rest[0] in {
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
            }:
                if not (
                    rest[:2] in (["the", "culprit"], ["the", "one"], ["the", "cause"], ["the", "reason"])
                    or (
                        rest[:1] == ["the"]
                        and rest[1:2]
                        and rest[1] in {"person", "engineer", "developer"}
                        and self._window_has(j + 3, 3, {"who", "that"})
                    )
                ):
                    return None
            if (
                rest[:1] == ["on"]
                and rest[1:3]
                and (
                    rest[1] in {"call", "call?", "rota", "rotation", "pager", "shift", "duty", "leave"}
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

    def _interrogations(self) -> list[Finding]:
        found = []
        question = self.n and self.lows[-1] == "?"
        for k in self.starts_of(starts.INTERROGATION_MARK):
            low = self.lows[k]
            if (
                low == "what"
                and (be := self._skip_words(k + 1, {"exactly", "actually", "even"})) + 1 < self.n
                and self.lemmas[be] == "be"
                and self.person_at(be + 1)
            ):
                after = self.person_at(be + 1)[0]
                verb = self.lows[after] if after < self.n else ""
                if verb in {"thinking", "smoking", "playing", "on"} or (
                    verb == "doing"
                    and question
                    and after + 1 < self.n
                    and self.lows[after + 1] in {"?", "there", "on", "with", "for", "during", "all"}
                ):
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, after + 1))
            elif (
                low == "what"
                and k + 3 < self.n
                and self.lows[k + 1] in {"on", "the"}
                and self.lows[k + 2] in {"earth", "hell", "heck"}
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 7)))
            elif low in {"why", "how"} and k + 2 < self.n and self._asks_person_why(k):
                j = k + 1
                if self.lows[j] in {"on", "the"} and self.lows[j + 1] in {"earth", "hell", "heck"}:
                    j += 2
                j += 1
                if j < self.n and self.lows[j] in {"not", "n't"}:
                    j += 1
                if j < self.n and self.lows[j] == "no" and j + 1 < self.n and self.lows[j + 1] == "one":
                    j += 1
                person = self.person_at(j)
                asked = self.lows[j] in lx.WHY_SUBJECTS if j < self.n else False
                if (
                    asked
                    or person
                    and (person[1] in {"certain", "group"} or self.capitals[j] and self.lows[j] not in lx.SYSTEM_NAMES)
                ):
                    end = self._clause_end(person[0] if person else j + 1)
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, end))
            elif (
                low == "why"
                and k + 1 < self.n
                and self.lemmas[k + 1]
                in {
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
                }
            ):
                j = k + 2
                if j < self.n and self.lows[j] in {"not", "n't"}:
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
                    (
                        self.lows[k + 1] in {"one", "person", "team", "of"}
                        or self.lows[k + 1] in lx.ROLE_NOUNS
                        or self.lows[k + 1] in lx.MOCKING_NOUNS
                    )
                    and (self.lows[k + 1] != "one" or self._window_has(k + 2, 2, {"of"}))
                    and (self.lows[k + 1] != "of" or self._window_has(k + 2, 1, {"you", "them", "us"}))
                )
            ):
                verb = self._skip_words(k + 2, {"of", "you", "them", "the", "engineers", "devs", "developers", "us"})
                if (
                    verb < self.n
                    and self.lemmas[verb] not in lx.STATE_VERBS
                    and (self.lemmas[verb] not in _NEUTRAL_WHO_VERBS or self._authored(verb))
                ):
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, verb + 2)))
            elif low == "whose" and k + 1 < self.n and question:
                nxt = self.lemmas[k + 1]
                acted = k + 2 < self.n and (self._harm(k + 2) or self.lemmas[k + 2] in lx.WHO_ACTS)
                if nxt in lx.ACTION_NOUNS or nxt in {"fault", "idea", "mistake", "responsibility", "call"} or acted:
                    found.append(self._finding(WHO_QUESTION, "interrogation", k, self._clause_end(k + 1)))
            elif (
                low in {"name", "names"}
                and k + 2 < self.n
                and self.lows[k + 1] == "of"
                and self.lows[k + 2] in {"whoever", "who", "the"}
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
                and self.lows[k + 1] in {"why", "what", "how"}
                and self._window_has(k + 2, 2, {"you", "he", "she"})
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 4)))
            elif (
                low in ("you",)
                and k + 1 < self.n
                and self.lemmas[k + 1] in {"need", "have", "owe"}
                and self._window_has(k + 2, 3, {"explain", "justify", "answer"})
            ):
                found.append(self._finding(WHO_QUESTION, "interrogation", k, min(self.n, k + 5)))
        return found
