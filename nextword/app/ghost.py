"""Ghost text: the dim rest of the word being typed, the next word, or a confident phrase of
several words (``model.complete_phrase``), that the text area shows after the cursor. Plain
functions of the model and the text before the cursor (no widgets), and the request a suggestion
worker answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.widgets.text_area import Edit, Location

from nextword.text.words import partial_word, space_before_next_word

_FIRST_WORD = re.compile(r"\s*\S+")


@dataclass(frozen=True)
class SuggestRequest:
    """What a suggestion worker was asked: the text before the cursor at one edit."""

    version: int          # the text area's request counter when the request was made
    location: Location    # the cursor then
    text: str             # the text before the cursor
    next_char: str        # the character after the cursor ("" at the end of the line)
    started: float | None  # time.perf_counter() of the keystroke whose ghost is still due
    phrases: bool = False  # a confident phrase may be shown (else the next word only)
    kept: str = ""         # the rest of a phrase the user typed into: shown as it is


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
    if partial and not model.knows_prefix(low):
        # no word of the vocabulary or of the user's continues it: only the char model can
        # (suggest() would also search corrections, which never continue the typed prefix)
        declined = declined_guesses(model, low)
        words = [w for w, _ in model.char_complete(low, 3) if w not in declined and w not in model.blocked]
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


def declined_guesses(model, low: str) -> set[str]:
    """The char model's guesses for ``low``, a prefix no known word continues, that are less
    likely than the word ending where it is: never a ghost (a name typed in full gets no stray
    letters: "Xiaoming" + "s"), though the bar may list them (a possessive may come next)."""
    guesses = model.char_complete(low, 3)  # first: its first step gives the word ending's score
    end = model.char_end_logprob(low)
    return {w for w, s in guesses if s <= end}


def candidates_ghost(model, text: str, words: list[str]) -> str:
    """The ghost from the bar's candidates when the best suggestion gave none (a correction,
    say): the first that continues the word being typed, but none ``quick_ghost`` declined."""
    partial = partial_word(text)
    low = partial.lower()
    if not partial:
        return ""  # after a space the ghost is the best next word, or nothing
    if not model.knows_prefix(low):
        declined = declined_guesses(model, low)
        words = [w for w in words if w.lower() not in declined]
    return completion_ghost(partial, words)


def ghost_text(model, text: str, next_char: str = "", phrases: bool = False, kept: str = ""
               ) -> tuple[str, bool]:
    """The ghost text for the text before the cursor, and whether it is a phrase: with
    ``phrases``, at the end of a line, the confident phrase when there is one; else
    ``quick_ghost``'s word. ``kept``, the rest of a phrase the user is typing through, stays
    (unless the phrase found now starts with it and goes further)."""
    if kept and phrases:
        fresh = "" if next_char else model.complete_phrase(text)
        return (fresh if fresh.startswith(kept) else kept), True
    if phrases and not next_char:
        phrase = model.complete_phrase(text)
        if phrase:
            return phrase, True
    return quick_ghost(model, text, next_char), False


def rest_of_phrase(phrase: str, edit: Edit, cursor: Location) -> str:
    """What stays of a phrase ghost after ``edit``: the rest when the edit inserts the start of
    the phrase at the cursor (the user is typing through it), else "" (any other edit clears it)."""
    typed = edit.text
    at_cursor = edit.from_location == edit.to_location == cursor
    if at_cursor and phrase and typed and phrase.startswith(typed) and phrase[len(typed):].strip():
        return phrase[len(typed):]
    return ""
