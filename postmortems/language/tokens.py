"""Text as the readers see it: sentences of tokens, each with its lower-case form, lemma, offset and marks.

Words are normalised to lemmas (``lemmas.lemma``); contractions come apart ("didn't" → "did", "not") and a
possessive "'s" is its own token (lemma ``POSS``). A text is cut at spaces first and each distinct piece
between spaces is cut into tokens once per process, since a review repeats the same few thousand words.
``chunks`` cuts a text into the sentences or lines each reader caches its work on.
"""

from __future__ import annotations

import re
from functools import lru_cache, reduce
from operator import or_

from . import lexicon as lx
from . import starts
from .lemmas import lemma

# A word ("didn't", "on-call"), a possessive ending in an apostrophe ("Jonas’"), a number, or punctuation.
_TOKEN = re.compile(
    r"@?[^\W\d_][\w’'-]*s['’](?![\w’'])|@?[^\W\d_][\w’'-]*[\w]|[^\W\d_]|\d[\w:.,/%-]*|[.!?;:,()\[\]\"“”—–]|\n"
)
SENTENCE_END = frozenset(".!?;\n")
# The marks the token pattern reads as tokens of their own.
_MARKS = frozenset('.!?;:,()[]"“”—–')
CLAUSE_BREAK = frozenset(',:()—–"“”')
_CONTRACTIONS = {
    "n't": "not", "'ve": "have", "'re": "be", "'ll": "will", "'m": "be", "'d": "would",
}  # fmt: skip
_CHAT_CONTRACTIONS = lx._words("shouldve couldve wouldve mustve mightve")
_IS_AFTER = lx._words("it that this there what who here he she where how everything which one")


class Sentence:
    """The tokens of one sentence as parallel lists, each listed once for every reader: the words as written,
    in lower case, their lemmas, where each starts and ends in the text, and whether it is capitalised.

    Contractions come apart ("didn't" → "did", "not"), and a possessive "'s" is its own token (lemma ``POSS``).
    """

    __slots__ = ("texts", "lows", "lemmas", "starts", "capitals", "marks", "marked")

    def __init__(self, texts, lows, lemmas, starts, capitals, marks):
        self.texts = texts
        self.lows = lows
        self.lemmas = lemmas
        self.starts = starts
        self.capitals = capitals
        # The readings each token may start (``lexicon.start_marks``), and all of them in the sentence.
        self.marks = marks
        self.marked = reduce(or_, marks, 0)

    def __len__(self) -> int:
        return len(self.lows)

    def end(self, k: int) -> int:
        """Where token ``k`` ends in the text."""
        return self.starts[k] + len(self.texts[k])


def sentences_of(text: str) -> list[Sentence]:
    """The sentences of ``text`` as tokens. A sentence ends at ".", "!", "?", ";" or a line break (which is
    left out), except the dot after "Mr", "Ms", "Dr", which is left out too.

    No token holds a space, so the text is cut at spaces first and each distinct word or piece ("deploy",
    "02:10,") is cut into tokens once and kept (``_word_read``, ``_cut_piece``); a line break is the only
    token that is a space. Tokens are gathered whole and turned into the sentence's lists at the end.
    """
    tokens: list[tuple[str, str, str, bool, int]] = []
    starts: list[int] = []
    bounds = []  # the index after each sentence's last token
    last = 0
    find = text.find
    word_read = _word_read
    add_start = starts.append
    plain_word = _PLAIN_WORDS.get
    two_tokens = _TWO_TOKEN_PIECES.get
    line_start = 0
    for line in text.split("\n"):
        at = line_start
        pieces = line.split()
        # One space between pieces and none around them (most lines): each piece starts one after the last ends.
        spaced = line == " ".join(pieces)
        for piece in pieces:
            if not spaced:
                at = find(piece, at)
            parts = plain_word(piece)
            if parts is not None:  # most pieces: a word seen before, one token
                tokens += parts
                add_start(at)
                at += len(piece) + spaced
                continue
            two = two_tokens(piece)
            if two is not None:  # a piece seen before that reads as two tokens ("deploy,", "table.", "didn't")
                parts, second_start, ends_sentence = two
                tokens += parts
                add_start(at)
                add_start(at + second_start)
                if ends_sentence:
                    last = len(tokens)
                    bounds.append(last)
                at += len(piece) + spaced
                continue
            if piece.isalpha():
                read = word_read(piece)
                _keep_word(piece, read)
            elif piece[-1] in _MARKS and piece[:-1].isalpha():
                # A word and the mark after it ("deploy,", "table."): the word, then the mark.
                read = word_read(piece[:-1])
                if read[2] is None:
                    tokens += read[0]
                    add_start(at)
                    if read[0][0][1] not in lx.HONORIFICS:  # the dot of "Mr." is left out below
                        mark = piece[-1]
                        _keep_two_tokens(piece, read[0] + _MARK_READS[mark][0], len(piece) - 1, mark in SENTENCE_END)
                else:
                    tokens += read[0]
                    starts += [at + offset for offset in read[1]]
                read = _MARK_READS[piece[-1]]
                at += len(piece) - 1
                piece = piece[-1]
            else:
                whole = _TOKEN.match(piece)
                if whole and whole.end() == len(piece):  # one word ("on-call", "didn't", "02:10")
                    read = word_read(piece)
                    _keep_word(piece, read)
                else:
                    read = _cut_piece(piece)
            parts, offsets, single = read
            if single is None:
                tokens += parts
                add_start(at)
            elif not single:
                tokens += parts
                starts += [at + offset for offset in offsets]
            else:  # a sentence may end inside this piece
                for part, offset in zip(parts, offsets, strict=True):
                    low = part[1]
                    if low in SENTENCE_END:
                        if low == "." and len(tokens) > last and tokens[-1][1] in lx.HONORIFICS:
                            continue  # "Mr. Halvorsen" goes on
                        tokens.append(part)
                        add_start(at + offset)
                        last = len(tokens)
                        bounds.append(last)
                    else:
                        tokens.append(part)
                        add_start(at + offset)
            at += len(piece) + spaced
        line_start += len(line) + 1
        if len(tokens) > last:  # the line break
            last = len(tokens)
            bounds.append(last)
    if not bounds:
        return []
    # Every token is a 5-tuple: asking zip to check that costs more than the rest of the transposing.
    texts, lows, lemmas, capitals, marks = map(list, zip(*tokens))  # noqa: B905
    if len(bounds) == 1:
        return [Sentence(texts, lows, lemmas, starts, capitals, marks)]
    sentences, first = [], 0
    for bound in bounds:
        sentences.append(
            Sentence(
                texts[first:bound],
                lows[first:bound],
                lemmas[first:bound],
                starts[first:bound],
                capitals[first:bound],
                marks[first:bound],
            )
        )
        first = bound
    return sentences


# The token of each plain word (letters only, read as one token) met so far as a piece between spaces: such a
# piece is read from here with one look-up. Kept per word, as ``_word_read`` is, and emptied when it grows large.
_PLAIN_WORDS: dict[str, tuple] = {}
_PLAIN_WORDS_KEPT = 65536


def _keep_plain_word(word: str, tokens: tuple) -> None:
    if len(_PLAIN_WORDS) >= _PLAIN_WORDS_KEPT:
        _PLAIN_WORDS.clear()
    _PLAIN_WORDS[word] = tokens


# The same for a piece read as two tokens: a plain word and one mark after it ("deploy,", "table."; a sentence
# ends after one of them), or a word with a contraction or possessive ("didn't", "Priya's"): its two tokens,
# where the second starts in the piece, and whether the second ends a sentence.
_TWO_TOKEN_PIECES: dict[str, tuple[tuple, int, bool]] = {}


def _keep_two_tokens(piece: str, tokens: tuple, second_start: int, ends_sentence: bool) -> None:
    if len(_TWO_TOKEN_PIECES) >= _PLAIN_WORDS_KEPT:
        _TWO_TOKEN_PIECES.clear()
    _TWO_TOKEN_PIECES[piece] = (tokens, second_start, ends_sentence)


def _keep_word(piece: str, read: _Read) -> None:
    """Keeps a piece read as one word ("deploy", "on-call", "didn't") for the look-ups above, if it reads as one
    token, or two without a sentence's end."""
    tokens, offsets, single = read
    if single is None:
        _keep_plain_word(piece, tokens)
    elif single is False and len(tokens) == 2:
        _keep_two_tokens(piece, tokens, offsets[1], False)


# What a word or piece reads as: its tokens (text, lower case, lemma, capitalised, the readings each may start),
# where each starts in it, and ``None`` when it is one token at its start that ends no sentence, ``True`` when a
# sentence may end inside it, ``False`` otherwise.
_Read = tuple[tuple[tuple[str, str, str, bool, int], ...], tuple[int, ...], bool | None]


def _read_of(parts) -> _Read:
    """``parts`` ((offset, text, lower case, lemma, capitalised, marks) per token) as a ``_Read``."""
    tokens = tuple(part[1:] for part in parts)
    offsets = tuple(part[0] for part in parts)
    if any(token[1] in SENTENCE_END for token in tokens):
        return tokens, offsets, True
    return tokens, offsets, None if offsets == (0,) else False


@lru_cache(maxsize=16384)
def _cut_piece(piece: str) -> _Read:
    parts = []
    for match in _TOKEN.finditer(piece):
        start = match.start()
        tokens, offsets, _single = _word_read(match[0])
        for token, offset in zip(tokens, offsets, strict=True):
            parts.append((start + offset, *token))
    return _read_of(parts)


@lru_cache(maxsize=65536)
def _word_read(word: str) -> _Read:
    """The tokens one written word reads as, with the readings each may start (``starts.start_marks``).

    Kept per word: a review repeats the same few thousand words.
    """
    return _read_of(
        [
            (offset, text, low, lem, capital, starts.start_marks(low, lem, capital))
            for offset, _length, text, low, lem, capital in _word_parts(word)
        ]
    )


@lru_cache(maxsize=65536)
def _word_parts(word: str) -> tuple[tuple[int, int, str, str, str, bool], ...]:
    """What one written word reads as: (offset, length, text, lower case, lemma, capitalised) per token.

    Kept per word: a review repeats the same few thousand words, and this is most of a check's work.
    """
    low = word.lower().replace("’", "'")
    if low in _CHAT_CONTRACTIONS:  # "shouldve", "couldve": chat drops the apostrophe
        head = low[:-2]
        return (
            (0, len(head), word[: len(head)], head, head, word[:1].isupper()),
            (len(head), 2, word[len(head) :], "'ve", "have", False),
        )
    if "'" in low and low[0].isalpha():
        head, tail = _split_contraction(low)
        if tail:
            cut = len(head)
            parts = []
            if head:
                parts.append((0, cut, word[:cut], head, lemma(head), word[:1].isupper()))
            if tail == "'s-is":
                low_tail, lem_tail = "is", "be"
            elif tail == "'s":
                low_tail, lem_tail = "'s", "POSS"
            else:
                low_tail, lem_tail = tail, _CONTRACTIONS.get(tail, tail)
            parts.append((cut, len(word) - cut, word[cut:], low_tail, lem_tail, False))
            return tuple(parts)
    return ((0, len(word), word, low, lemma(low), word[:1].isupper()),)


def _split_contraction(low: str) -> tuple[str, str]:
    if low.endswith("n't"):
        head = low[:-3]
        return {"ca": "can", "wo": "will", "sha": "shall"}.get(head, head), "n't"
    for tail in ("'ve", "'re", "'ll", "'m", "'d", "'s", "'"):
        if low.endswith(tail) and len(low) > len(tail):
            head = low[: -len(tail)]
            if tail == "'s":
                return head, ("'s" if head not in _IS_AFTER else "'s-is")
            if tail == "'":
                return head, "'s" if head.endswith("s") else ""
            return head, tail
    return low, ""


# Each mark's token, read once: a word and the mark after it ("deploy,") are read as the two.
_MARK_READS = {mark: _word_read(mark) for mark in _MARKS}


# A sentence or line of text: what is read, and cached, as one piece. It ends at a line break, the end of
# the text, or a ".", "!", "?" or ";" before a space, except the dot of "Mr.", "Ms.", "Dr.", "Mrs.", "Mx.".
# Runs of other characters are taken whole and a mark is looked at only where one is: scanning for the
# end one character at a time cost a tenth of a whole check.
_CHUNK = re.compile(
    r"\S(?:[^\n.!?;]+|\.(?:(?<=\bMr\.)|(?<=\bMs\.)|(?<=\bDr\.)|(?<=\bMrs\.)|(?<=\bMx\.))|[.!?;](?!\s|$))*"
    r"(?:[.!?;](?=\s|$))?"
)


def chunks(text: str):
    """(offset, text) of each sentence or line, the unit the readers cache their work on."""
    return ((match.start(), match.group()) for match in _CHUNK.finditer(text))


def chunk_matches(text: str):
    """Each sentence or line of ``chunks`` as a match (``start()``, ``group()``), for a caller that reads every one."""
    return _CHUNK.finditer(text)


@lru_cache(maxsize=256)
def sentences_in(chunk: str) -> tuple[Sentence, ...]:
    """The sentences of one chunk as tokens: read once, shared by the clause reader and the remedy reader."""
    return tuple(sentences_of(chunk))
