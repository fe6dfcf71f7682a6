"""Finished words waiting for their autocorrection, kept at their place while the text changes.

A correction is computed in a worker while the user types on, and later corrections (or the
user) may insert or delete text before the word meanwhile. ``PendingWords`` moves each waiting
word with every edit, so the correction lands on the word wherever it is now; an edit that
touches the word itself means the user changed it, and the word is forgotten (left alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

from textual.widgets.text_area import DocumentBase, Edit, Location


def end_of(start: Location, text: str) -> Location:
    """Where ``text`` ends when it is inserted at ``start``."""
    lines = text.count("\n")
    if not lines:
        return start[0], start[1] + len(text)
    return start[0] + lines, len(text) - text.rfind("\n") - 1


def moved(location: Location, old_end: Location, new_end: Location) -> Location:
    """``location`` (at or after ``old_end``) once the text ending at ``old_end`` was replaced by
    text ending at ``new_end``: its row moves by the lines added or removed, and on the row where
    the edit ends its column moves with the edit's end."""
    row, col = location
    if row == old_end[0]:
        return new_end[0], new_end[1] + col - old_end[1]
    return row + new_end[0] - old_end[0], col


@dataclass
class PendingWord:
    """A finished word whose correction has not been applied yet."""

    key: int
    start: Location   # where the word is now
    typed: str        # the word as typed (one line, never empty)
    context: str      # the text before it (when it was finished; when judged, by then)
    document: DocumentBase  # the document it was typed in (a loaded file is another one)

    @property
    def end(self) -> Location:
        return self.start[0], self.start[1] + len(self.typed)


class PendingWords:
    """The finished words whose correction is still being computed, at their current place."""

    def __init__(self) -> None:
        self._words: dict[int, PendingWord] = {}
        self._keys = count()

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self) -> Iterator[PendingWord]:
        """The words in the order they were finished."""
        return iter(list(self._words.values()))

    def add(self, start: Location, typed: str, context: str, document: DocumentBase) -> PendingWord:
        """Track ``typed``, finished at ``start`` after ``context``."""
        word = PendingWord(next(self._keys), start, typed, context, document)
        self._words[word.key] = word
        return word

    def get(self, key: int) -> PendingWord | None:
        """The word ``key`` where it is now (None once the user changed it)."""
        return self._words.get(key)

    def take(self, key: int) -> PendingWord | None:
        """Stop tracking word ``key``; returns it where it is now (None once the user changed it)."""
        return self._words.pop(key, None)

    def edited(self, top: Location, old_end: Location, new_end: Location) -> None:
        """The text from ``top`` to ``old_end`` was replaced by text from ``top`` to ``new_end``:
        move the words after it and forget the words it touches (an insert or a deletion right
        at a word's start or end makes it another word)."""
        for key, word in list(self._words.items()):
            if old_end < word.start:
                word.start = moved(word.start, old_end, new_end)
            elif top <= word.end:
                del self._words[key]

    def done(self, edit: Edit) -> None:
        """``edit`` was just done (or redone); Textual keeps its result in ``_edit_result``."""
        assert edit._edit_result is not None
        self.edited(edit.top, edit.bottom, edit._edit_result.end_location)

    def undone(self, edit: Edit) -> None:
        """``edit`` was just undone: the text it inserted is back to the text it replaced."""
        result = edit._edit_result
        assert result is not None
        self.edited(edit.top, result.end_location, end_of(edit.top, result.replaced_text))
