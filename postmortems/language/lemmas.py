"""Words to their dictionary form (lemma), so that rules speak of ``break``, not "broke/breaks/broken".

The lemmas come from simplemma's English data, shipped inside the package (nothing is downloaded);
a few irregular forms it leaves alone are corrected here. Lemmas are cached per word, since a
review repeats the same few thousand words.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

# Forms simplemma keeps as words of their own ("broke" the adjective), read here as the verb.
_IRREGULAR = {
    "broke": "break", "left": "leave", "thought": "think", "fell": "fall", "lay": "lie", "lies": "lie",
    "'ve": "have", "'d": "would", "'ll": "will", "'re": "be", "'m": "be", "ca": "can", "wo": "will",
    "should've": "should", "could've": "could", "would've": "would", "must've": "must", "fat-fingered": "fat-finger",
    "rubber-stamped": "rubber-stamp", "double-checked": "double-check", "double-checking": "double-check",
    "needed": "need", "data": "data", "ops": "ops", "does": "do", "did": "do", "done": "do", "was": "be",
    "were": "be", "is": "be", "are": "be", "am": "be", "been": "be", "being": "be", "has": "have", "had": "have",
    "its": "its", "us": "us", "owes": "owe", "owed": "owe", "told": "tell", "wrote": "write", "ran": "run",
}  # fmt: skip


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The lemma of a lower-case English ``word``."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not word[:1].isalpha():
        return word
    return simplemma.lemmatize(word, lang="en").lower()


@lru_cache(maxsize=65536)
def is_known(word: str) -> bool:
    """Whether ``word`` (lower case) is in simplemma's English dictionary; a name usually is not."""
    return simplemma.is_known(word, lang="en")
