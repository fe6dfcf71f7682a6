"""What a word is: the one pattern every part of nextword splits text with.

A word is letters or digits with inner apostrophes (``don't``, ``I'll``); the tokenizer treats any
other non-space symbol as a token of its own. Autocorrect only touches *plain* words (letters and
inner apostrophes), and the word being typed at the cursor may still end in an apostrophe.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

WORD = r"\w+(?:'\w+)*"
TOKEN_PATTERN = rf"{WORD}|[^\w\s]"  # a word, or any other symbol alone (the tokenizer's split)
PLAIN_WORD = r"[A-Za-z]+(?:'[A-Za-z]+)*"

WORD_RE = re.compile(WORD)
TOKEN_RE = re.compile(TOKEN_PATTERN)
PLAIN_WORD_RE = re.compile(PLAIN_WORD)
# a word as it is being typed: an apostrophe may still be followed by letters
TYPED_WORD_RE = re.compile(r"\w[\w']*")
PARTIAL_RE = re.compile(TYPED_WORD_RE.pattern + r"\Z")  # the word being typed at the very end (not before a final newline, as "$" would)
_IS_WORD = re.compile(r"\w")
_NO_SPACE_AFTER = frozenset("([{\"'/-")  # a next word follows these without a space
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normalize(text: str) -> str:
    """The normalisation applied before splitting into words (curly apostrophes to ASCII)."""
    return text.translate(_APOSTROPHES)


def prefix_span(sorted_words: Sequence[str], prefix: str) -> tuple[int, int]:
    """Where the words starting with ``prefix`` lie in ``sorted_words``: ``[lo, hi)``."""
    lo = bisect.bisect_left(sorted_words, prefix)
    return lo, bisect.bisect_left(sorted_words, prefix + "\U0010ffff", lo)


def split_words(text: str) -> list[str]:
    """Surface tokens of ``text`` (case kept), as the word tokenizer splits them."""
    return TOKEN_RE.findall(normalize(text))


def count_words(text: str) -> int:
    """How many words ``text`` holds (punctuation does not count)."""
    return sum(1 for _ in WORD_RE.finditer(text))


def is_plain_word(word: str) -> bool:
    """Letters with inner apostrophes only: the words autocorrect and the lexicon deal with."""
    return PLAIN_WORD_RE.fullmatch(word) is not None


def partial_word(text: str, tail: int = 64) -> str:
    """The word being typed at the end of ``text`` ("" after a space or punctuation). Only the
    last ``tail`` characters are searched (a search from the start of a long document costs
    more than the rest of a keystroke), unless the word fills all of them."""
    m = PARTIAL_RE.search(text, max(0, len(text) - tail))
    if m and m.start() == len(text) - tail > 0:
        m = PARTIAL_RE.search(text)
    return m.group(0) if m else ""


def starts_word(token: str) -> bool:
    """Whether a token begins with a letter or digit (a word rather than punctuation)."""
    return bool(_IS_WORD.match(token))


def space_before_next_word(text: str) -> str:
    """The space a next word after ``text`` needs: " " after a word or punctuation, "" at the
    start, after a space or after an opening bracket, quote, slash or dash."""
    if text and not text[-1].isspace() and text[-1] not in _NO_SPACE_AFTER:
        return " "
    return ""
