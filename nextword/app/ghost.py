"""Ghost text: the dim rest of the word being typed, or the next word, that the text area shows
after the cursor. Plain functions of the model and the text before the cursor (no widgets), and
the request a suggestion worker answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.widgets.text_area import Location

from nextword.text.words import partial_word

_NO_SPACE_AFTER = frozenset("([{\"'/-")  # a next word follows these without a space
_FIRST_WORD = re.compile(r"\s*\S+")


@dataclass(frozen=True)
class SuggestRequest:
    """What a suggestion worker was asked: the text before the cursor at one edit."""

    version: int          # the text area's request counter when the request was made
    location: Location    # the cursor then
    text: str             # the text before the cursor
    next_char: str        # the character after the cursor ("" at the end of the line)
    started: float | None  # time.perf_counter() of the keystroke whose ghost is still due


def space_before_next_word(text: str) -> str:
    """The space a next word after ``text`` needs: " " after a word or punctuation, "" at the
    start, after a space or after an opening bracket, quote, slash or dash."""
    if text and not text[-1].isspace() and text[-1] not in _NO_SPACE_AFTER:
        return " "
    return ""


def completion_ghost(partial: str, words: list[str]) -> str:
    """The rest of the first of ``words`` that continues ``partial`` (case-insensitively)."""
    low = partial.lower()
    for word in words:
        if word.lower().startswith(low) and len(word) > len(partial):
            return word[len(partial):]
    return ""


def next_word_ghost(text: str, word: str) -> str:
    """``word`` as typed after ``text``: with a space after punctuation ("Hello," -> " world")."""
    return space_before_next_word(text) + word


def first_word(ghost: str) -> str:
    """``ghost`` up to the end of its first word, with the spaces before it ("" when blank)."""
    m = _FIRST_WORD.match(ghost)
    return m.group(0) if m else ""


def quick_ghost(model, text: str, next_char: str = "") -> str:
    """The ghost text for the text before the cursor, from the single best suggestion (cheap:
    no beam search when the vocabulary has a completion).

    The ghost is the rest of the word being typed, or the next word after a space. When the
    word being typed is already complete (its best completion is itself), it is the next word,
    with the space that separates them."""
    if next_char and (next_char.isalnum() or next_char == "_"):
        return ""  # inside a word: nothing to add
    partial = partial_word(text)
    low = partial.lower()
    if partial and len(model.prefix_range(low)) == 0:
        # no vocabulary word continues it: only the char model can (suggest() would also
        # search corrections, which never continue the typed prefix)
        words = [w for w, _ in model.char_complete(low, 2) if w not in model.blocked]
        return completion_ghost(partial, words)
    top = model.suggest(text, 1)
    if not top:
        return ""
    if not partial:
        return next_word_ghost(text, top[0].word)
    if top[0].word.lower() == low:
        after = model.suggest(text + " ", 1)
        return " " + after[0].word if after else ""
    return completion_ghost(partial, [top[0].word])
