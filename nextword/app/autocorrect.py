"""Autocorrect in the text area: when a separator finishes a word, a worker asks the model for
the best correction and the word is replaced (one undo step of its own). Backspace or Ctrl+Z
right after that brings back the word as typed, which is then left alone in this document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.widgets.text_area import Edit, Location

from nextword.text.words import partial_word

if TYPE_CHECKING:
    from nextword.app.textarea import SuggestTextArea

_SEPARATORS = frozenset(" \t\n.,;:!?)]}\"")  # keys that finish a word (apostrophe does not)


@dataclass(frozen=True)
class Correction:
    """An autocorrection that Backspace or Ctrl+Z may still revert."""

    start: Location
    end: Location         # the end of the corrected word
    typed: str
    corrected: str
    cursor: Location      # where the cursor was right after the correction
    edits: int            # the text area's edit counter right after the correction
    context: str          # the text before the word


class Autocorrect:
    """The autocorrect of one ``SuggestTextArea``: finds the word an edit finishes, corrects it
    in a worker, and reverts the last correction."""

    def __init__(self, area: SuggestTextArea):
        self.area = area
        self.kept_words: set[str] = set()  # reverted corrections: left alone in this document
        self._last: Correction | None = None

    def finishing_word(self, edit: Edit) -> tuple[Location, str] | None:
        """(start of the word, the word) when ``edit`` types a separator right after a word."""
        area = self.area
        if (len(edit.text) != 1 or edit.text not in _SEPARATORS or edit.from_location != edit.to_location
                or edit.from_location != area.cursor_location or not area.selection.is_empty):
            return None
        row, col = edit.from_location
        word = partial_word(area.document.get_line(row)[:col])
        return ((row, col - len(word)), word) if word else None

    def word_finished(self, start: Location, word: str) -> None:
        """Correct ``word`` (at ``start``) in a worker, unless autocorrect is off or the user
        keeps that word."""
        area = self.area
        if (area.autocorrect_enabled and word.lower() not in self.kept_words
                and word.lower() not in area.model.user_words):
            context = area.get_text_range((0, 0), start)
            area.run_worker(partial(self._correct, start, word, context), name="correct",
                            group="correct", exit_on_error=False, thread=True)

    def _correct(self, start: Location, typed: str, context: str) -> None:
        found = self.area.model.correct(typed, context, k=1)
        best = found[0].word if found else typed
        self.area.app.call_from_thread(self._apply, start, typed, best, context)

    def _apply(self, start: Location, typed: str, best: str, context: str) -> None:
        area = self.area
        end = (start[0], start[1] + len(typed))
        still_there = area.get_text_range(start, end) == typed
        if best == typed or not still_there or not area.autocorrect_enabled:
            return
        area.learn_word(context, best, instead_of=typed)
        area.history.checkpoint()  # the correction is one undo step of its own
        area.replace(best, start, end)
        area.history.checkpoint()
        self._last = Correction(start, (start[0], start[1] + len(best)), typed, best,
                                area.cursor_location, area.edits, context)
        area.post_message(area.Corrected(typed, best))

    def _revertible(self) -> Correction | None:
        c = self._last
        if c is None or c.edits != self.area.edits or c.cursor != self.area.cursor_location:
            return None
        return c

    def _keep(self, c: Correction) -> None:
        self._last = None
        self.kept_words.add(c.typed.lower())
        self.area.post_message(self.area.Reverted(c.typed, c.corrected))

    def _learn_typed(self, c: Correction) -> None:
        self.area.learn_word(c.context, c.typed, instead_of=c.corrected)

    def revert(self) -> bool:
        """Right after an autocorrection (and with nothing selected): bring back the word as
        typed. False when there is nothing to revert."""
        area = self.area
        c = self._revertible()
        if c is None or not area.selection.is_empty:
            return False
        self._learn_typed(c)
        area.history.checkpoint()
        area.replace(c.typed, c.start, c.end)
        area.history.checkpoint()
        self._keep(c)
        return True

    def undo(self, undo: Callable[[], None]) -> None:
        """Run ``undo``; when it undoes an autocorrection, keep the word as typed from now on."""
        c = self._revertible()
        if c is not None:
            self._learn_typed(c)
        undo()
        if c is not None:
            self._keep(c)
