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


@lru_cache(maxsize=16384)
def misspelling_of(word: str, words: frozenset[str]) -> bool:
    """Whether ``word``, unknown to the dictionary, is one of ``words`` with one letter wrong, added or
    missing ("contracter", "carefull"), as chat and quick notes write them."""
    if len(word) < 6 or not word.isalpha() or word in words or is_known(word):
        return False
    return any(
        abs(len(known) - len(word)) <= 1 and known[:2] == word[:2] and _one_edit_apart(known, word)
        for known in words
        if len(known) >= 6
    )


def _one_edit_apart(a: str, b: str) -> bool:
    if len(a) < len(b):
        a, b = b, a
    for k in range(len(b)):
        if a[k] != b[k]:
            return a[k + 1 :] == b[k + 1 :] if len(a) == len(b) else a[k + 1 :] == b[k:]
    return len(a) - len(b) <= 1
