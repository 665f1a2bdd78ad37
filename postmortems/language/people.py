"""Finding the people a text talks about: names from the directory, and the directory itself."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from accounts.privacy import leaving_no_trace_now

from .phrases import WordIndex, word_key

DIRECTORY_CACHE_KEY = "postmortems:language:directory-names"
DIRECTORY_CACHE_SECONDS = 300
DIRECTORY_LOCAL_SECONDS = 10
_recent: dict = {"names": None, "until": 0.0}

# Names that are also ordinary words only count when written with the same capitals ("Will
# restarted the consumer" is about Will; "the job will fail" is not). A lower-case username that
# is such a word ("build", "deploy") is left out: it reads as the word, not as someone.
COMMON_WORDS = frozenset(
    """a an and are as at be but by can do for go he her him his i if in is it may me my no not of on or our
    so the to up us we will was were who why how you your all any art bill bob buck chase chip claire crystal
    dawn don faith frank gene grace grant guy hope ivy jack jay jean joy june justice kit lane lee mark max
    miles nick page pat penny ray rich rob rose ruby sandy summer sun sue terry tim tom vic victor will win
    wood young admin root test user ops dev deploy bot system service team build release backup monitor alert
    alerts support infra security data api web app prod staging qa ci cd robot jenkins github gitlab cron
    scheduler worker runner pager oncall""".split()  # noqa: SIM905 - reads as prose
)
# Capitalised words that start sentences without being anyone's name.
NOT_A_NAME = frozenset(
    {"i", "we", "it", "this", "that", "there", "these", "those", "they", "he", "she", "you", "our", "their", "then"}
)

NAME_TOKEN = re.compile(r"@?[^\W\d_][\w]*(?:[.-][^\W_][\w]*)*")


@dataclass(frozen=True)
class Directory:
    """Names indexed by their first word (lower case): each with its words and whether capitals must match."""

    by_first_word: dict[str, tuple[tuple[tuple[str, ...], bool], ...]]
    keys: frozenset[str]


@lru_cache(maxsize=64)
def directory_for(people: tuple[str, ...]) -> Directory:
    """An index of ``people`` (display names and usernames) for finding them in text."""
    names: dict[tuple[str, ...], bool] = {}
    for person in people:
        words = tuple(word.lstrip("@") for word in NAME_TOKEN.findall(person or ""))
        if not words:
            continue
        candidates = {words}
        if len(words) > 1:
            # People write "Priya" as often as "Priya Raman".
            candidates.update((word,) for word in words if len(word) >= 3)
        for candidate in candidates:
            exact = len(candidate) == 1 and (candidate[0].lower() in COMMON_WORDS or len(candidate[0]) < 2)
            if exact and not candidate[0][0].isupper():
                continue
            key = candidate if exact else tuple(word.lower() for word in candidate)
            names[key] = names.get(key, True) and exact
    by_first_word: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for words, exact in names.items():
        by_first_word.setdefault(words[0].lower(), []).append((words, exact))
    return Directory(
        {first: tuple(sorted(entries, key=lambda e: -len(e[0]))) for first, entries in by_first_word.items()},
        frozenset(word_key(first) for first in by_first_word),
    )


_SPACE = re.compile(r"[ \t]+|\s*\n\s*(?=\S)")


def _token_at(text: str, position: int) -> re.Match | None:
    # A name starts a token: "doe" inside "j.doe" or "on-call" is not a name of its own.
    if position and (text[position - 1].isalnum() or text[position - 1] in "_.-"):
        return None
    return NAME_TOKEN.match(text, position)


def name_spans(text: str, index: WordIndex, directory: Directory) -> list[tuple[int, int]]:
    """Where names from ``directory`` appear in ``text``, the longest name at each place."""
    spans = []
    for position, _key in index.where(directory.keys):
        first = _token_at(text, position)
        entries = first and directory.by_first_word.get(first.group().lower())
        for words, exact in entries or ():
            end, found = first.end(), [first.group()]
            for _ in words[1:]:
                gap = _SPACE.match(text, end)
                following = gap and NAME_TOKEN.match(text, gap.end())
                if not following:
                    break
                found.append(following.group())
                end = following.end()
            if len(found) == len(words) and (tuple(found) if exact else tuple(w.lower() for w in found)) == words:
                spans.append((position, end))
                break
    # Keep the first of overlapping names ("Priya Raman" over the "Raman" inside it); spans come in text order.
    kept: list[tuple[int, int]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def capitalised_words(text: str, index: WordIndex) -> list[tuple[int, int]]:
    """Capitalised words that could be a name the directory does not know (used only with human-only verbs)."""
    spans = []
    for position in compress(index.positions, map(str.isupper, map(text.__getitem__, index.positions))):
        token = _token_at(text, position)
        if token and token.group().lower() not in NOT_A_NAME:
            spans.append(token.span())
    return spans


def directory_names() -> list[str]:
    """Display names and usernames of active people, cached for a few minutes, to pass as ``people``.

    A page checks dozens of texts; the last answer is also kept in this process for a few
    seconds so that costs one cache round trip, not one per text.
    """
    from django.core.cache import cache

    now = time.monotonic()
    if _recent["names"] is not None and now < _recent["until"]:
        return _recent["names"]
    names = cache.get(DIRECTORY_CACHE_KEY)
    if names is None:
        from accounts.models import User

        found = set()
        for username, display_name, first, last in User.objects.filter(is_active=True).values_list(
            "username", "display_name", "first_name", "last_name"
        ):
            found.add(username)
            if display_name:
                found.add(display_name)
            full = f"{first} {last}".strip()
            if full:
                found.add(full)
        names = sorted(found)
        if not leaving_no_trace_now():
            cache.set(DIRECTORY_CACHE_KEY, names, DIRECTORY_CACHE_SECONDS)
    _recent.update(names=names, until=now + DIRECTORY_LOCAL_SECONDS)
    return names


def forget_directory_names(**kwargs) -> None:
    """Someone joined, left or was renamed: the next check reads the directory afresh."""
    from django.core.cache import cache

    _recent.update(names=None, until=0.0)
    cache.delete(DIRECTORY_CACHE_KEY)
