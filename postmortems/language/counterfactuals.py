"""Counterfactuals about a person: "ought to have checked", "could've caught", "should have known better"."""

from __future__ import annotations

from . import lexicon as lx
from .reading import Reading


class CounterfactualReading(Reading):
    """Reads a modal of hindsight after a person: what they should or could have done."""

    def _counterfactual(self, j: int) -> int | None:
        """End index of "should have <verb>", "ought to have", "could've", "needed to have", or None."""
        low = self.lows[j]
        lem = self.lemmas[j]
        if lem not in lx.MODALS and low not in lx.MODALS:
            return None
        k = j + 1
        if k < self.n and self.lows[k] in {"not", "n't", "never"}:
            k += 1
        if k < self.n and self.lows[k] == "to":
            k += 1
        k = self._skip_words(
            k, {"easily", "just", "simply", "obviously", "clearly", "really", "at", "least", "ever", "definitely"}
        )
        if k < self.n and self.lemmas[k] == "have" and self.lows[k] in {"have", "'ve", "of"}:
            verb = self._skip_words(k + 1, {"easily", "just", "simply", "obviously", "clearly", "really", "already"})
            if verb < self.n and self.lows[verb] == self.lemmas[verb] and self.lows[verb] not in lx.BARE_PARTICIPLES:
                return None  # "should have access": a need now, not a judgement of the past
            if (
                verb < self.n
                and self.lemmas[verb] not in ("be",)
                or verb < self.n
                and verb + 1 < self.n
                and self.lows[verb + 1] in {"more", "aware", "careful"}
            ):
                return verb + 1
            if verb < self.n and self.lemmas[verb] == "be":
                if verb + 2 < self.n and self.lows[verb + 1] in {"allowed", "let", "permitted", "trusted"}:
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
            and self.lows[k] in {"know", "have"}
            and k + 1 < self.n
            and self.lows[k + 1] in ("better",)
        ):
            return k + 2
        return None

    def _human_verb_after(self, j: int) -> bool:
        return (
            self.lemmas[j] in lx.DUTY_VERBS
            or self.lemmas[j] in lx.WHO_ACTS
            or self.lemmas[j] in {"know", "realise", "realize", "notice", "spot"}
        )
