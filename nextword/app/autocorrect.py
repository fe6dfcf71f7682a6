"""Autocorrect in the text area: when a separator finishes a word, a worker asks the model for
the best correction and the word is replaced (one undo step of its own) wherever it is by then.

No correction is lost to fast typing or a slow model: ``pending.PendingWords`` keeps each
finished word at its place while the user types on and earlier corrections land, and one worker
corrects the finished words in typing order, each after the text before it as it is by then
(earlier corrections applied, as for a slow typist). A word the user changed meanwhile is left
alone. A finished word is learned once it is judged (as corrected, or as typed when it stays),
in typing order and after the text before it by then: a typo learned before it is judged would
vouch for itself, and how fast the user typed would change what is corrected. Backspace right
after a correction, or Ctrl+Z (one correction per press, latest first), brings back the word as
typed, which is then left alone in this document. A paste is not typing: nothing in it is
corrected, but its words are learned.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.widgets.text_area import Edit, EditResult, Location

from nextword.app.pending import PendingWord, PendingWords
from nextword.text.words import partial_word

if TYPE_CHECKING:
    from nextword.app.textarea import SuggestTextArea

_SEPARATORS = frozenset(" \t\n.,;:!?)]}\"")  # keys that finish a word (apostrophe does not)
_REMEMBERED = 100  # corrections Ctrl+Z still recognises (Textual keeps 50 undo steps)


@dataclass(frozen=True, eq=False)
class Correction:
    """An applied autocorrection: Ctrl+Z reverts it while it is in the undo history, Backspace
    only right after it."""

    edit: Edit            # the edit that replaced the word (an undo step of its own)
    start: Location
    typed: str
    corrected: str
    context: str          # the text before the word when it was judged (learned after it)
    cursor: Location      # where the cursor was right after the correction
    edits: int            # the text area's edit counter right after the correction
    backspace: bool       # it landed with the cursor right after the word's separator

    @property
    def end(self) -> Location:
        """The end of the corrected word."""
        return self.start[0], self.start[1] + len(self.corrected)


class Autocorrect:
    """The autocorrect of one ``SuggestTextArea``: finds the word an edit finishes, corrects it
    in a worker, and reverts corrections."""

    def __init__(self, area: SuggestTextArea):
        self.area = area
        self.kept_words: set[str] = set()  # reverted corrections: left alone in this document
        self.pending = PendingWords()      # finished words waiting for their correction
        self.applied: deque[Correction] = deque(maxlen=_REMEMBERED)  # oldest first
        self._queue: deque[int] = deque()  # pending words not sent to the model yet, in order
        self._lock = threading.Lock()      # guards _queue and _draining (UI thread vs worker)
        self._draining = False             # the correction worker is running
        self._pasting = False

    # -- typing --------------------------------------------------------------------------------
    def edit(self, edit: Edit, do: Callable[[Edit], EditResult]) -> EditResult:
        """Do ``edit`` with ``do`` (TextArea's own ``edit``) and what autocorrect adds: keep the
        waiting words at their place, and send the word it finishes to be judged (and then
        learned)."""
        finishing = self.finishing_word(edit)
        context = "" if finishing is None else self.area.get_text_range((0, 0), finishing[0])
        result = do(edit)
        self.pending.done(edit)
        if finishing is not None:
            self.word_finished(*finishing, context)
        return result

    def finishing_word(self, edit: Edit) -> tuple[Location, str] | None:
        """(start of the word, the word) when ``edit`` types a separator right after a word
        (never while pasting)."""
        area = self.area
        if (self._pasting or len(edit.text) != 1 or edit.text not in _SEPARATORS
                or edit.from_location != edit.to_location
                or edit.from_location != area.cursor_location or not area.selection.is_empty):
            return None
        row, col = edit.from_location
        word = partial_word(area.document.get_line(row)[:col])
        return ((row, col - len(word)), word) if word else None

    def word_finished(self, start: Location, word: str, context: str) -> None:
        """Correct ``word`` (at ``start``, finished after ``context``) in the worker, then learn
        it; when autocorrect is off or the user keeps that word it is learned at once (after the
        words still being judged, to keep the typing order)."""
        area = self.area
        with self._lock:
            busy = self._draining
        if not busy and not self._wanted(word):
            area.learn_word(context, word)
            return
        key = self.pending.add(start, word, context, area.document).key
        with self._lock:
            self._queue.append(key)
            if self._draining:
                return  # the running worker gets to it
            self._draining = True
        area.run_worker(self._drain, name="correct", group="correct", exit_on_error=False,
                        thread=True)

    def learn_waiting(self) -> None:
        """On closing: learn the words still waiting for their correction as they stand (an
        answer arriving later finds nothing left to do)."""
        for word in self.pending:
            self.pending.take(word.key)
            if self._in_place(word):
                self.area.learn_word(self.area.get_text_range((0, 0), word.start), word.typed)

    @contextmanager
    def pasting(self, text: str) -> Iterator[None]:
        """Around the paste of ``text``: a paste is not typing, so no word it finishes is
        corrected; afterwards its words are learned (if the learner can learn a passage)."""
        self._pasting = True
        try:
            yield
        finally:
            self._pasting = False
        learn_text = getattr(self.area.learner, "learn_text", None)
        if callable(learn_text) and text.strip():
            learn_text(text)

    # -- the correction worker -----------------------------------------------------------------
    def _drain(self) -> None:
        """The worker (a thread): correct the waiting words one at a time, in typing order."""
        try:
            while (key := self._next()) is not None:
                self._correct(key)
        except BaseException:
            with self._lock:
                self._draining = False  # the next finished word starts a new worker
            raise

    def _next(self) -> int | None:
        """The next word to correct; None (and the worker ends) when there is none."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            self._draining = False
            return None

    def _correct(self, key: int) -> None:
        """In the worker: ask the model about pending word ``key``, then apply the answer."""
        call = self.area.app.call_from_thread
        request = call(self._request, key)
        if request is None:
            return
        typed, context = request
        call(self._apply, key, self.area.model.autocorrect_word(typed, context))

    def _wanted(self, word: str) -> bool:
        """Whether ``word`` is to be corrected at all (autocorrect on, not a kept word, not one
        of the user's words, nor a new word written for the trusted time)."""
        area = self.area
        lower = word.lower()
        return (area.autocorrect_enabled and lower not in self.kept_words
                and lower not in area.model.user_words
                and not area.model.personal.trusted_on_writing(lower))

    def _in_place(self, word: PendingWord) -> bool:
        """Whether ``word`` is still as typed at its place in the current document."""
        doc = self.area.document
        row, col = word.start
        return (word.document is doc and row < doc.line_count
                and doc.get_line(row)[col:col + len(word.typed)] == word.typed)

    def _request(self, key: int) -> tuple[str, str] | None:
        """On the UI thread: (the word, the text before it now) for the model, or None when
        there is nothing to correct any more (then the word is dropped, and learned as typed
        when it is still there)."""
        word = self.pending.get(key)
        if word is None or not self._in_place(word):
            self.pending.take(key)
            return None  # the user changed it: what they made of it is learned when finished
        word.context = self.area.get_text_range((0, 0), word.start)
        if not self._wanted(word.typed):
            self._apply(key, word.typed)
            return None
        return word.typed, word.context

    def _apply(self, key: int, best: str) -> None:
        """On the UI thread: replace pending word ``key`` by ``best`` where it is now, unless
        the user changed it meanwhile (or turned autocorrect off), and learn the word that
        stands. The cursor stays where the user is in their text."""
        area = self.area
        word = self.pending.take(key)
        if word is None or not self._in_place(word):
            return
        if best == word.typed or not self._wanted(word.typed):
            area.learn_word(word.context, word.typed)
            return
        cursor = area.cursor_location
        backspace = (area.selection.is_empty and cursor > word.end
                     and len(area.get_text_range(word.end, cursor)) == 1)
        area.learn_word(word.context, best)
        edit = Edit(best, word.start, word.end, maintain_selection_offset=True)
        area.history.checkpoint()  # the correction is one undo step of its own
        area.edit(edit)
        area.history.checkpoint()
        self.applied.append(Correction(edit, word.start, word.typed, best, word.context,
                                       area.cursor_location, area.edits, backspace))
        area.post_message(area.Corrected(word.typed, best))

    # -- reverting -----------------------------------------------------------------------------
    def _backspace_revertible(self) -> Correction | None:
        """The correction Backspace reverts: the last one, if it landed right after the word's
        separator and nothing happened since."""
        c = self.applied[-1] if self.applied else None
        if c is None or not c.backspace or c.edits != self.area.edits or c.cursor != self.area.cursor_location:
            return None
        return c

    def _correction_of(self, batch: list[Edit]) -> Correction | None:
        """The correction whose undo step ``batch`` is (None: it is another edit)."""
        if len(batch) == 1:
            for c in self.applied:
                if c.edit is batch[0]:
                    return c
        return None

    def _keep(self, c: Correction) -> None:
        self.kept_words.add(c.typed.lower())
        self.area.post_message(self.area.Reverted(c.typed, c.corrected))

    def _learn_typed(self, c: Correction) -> None:
        self.area.learn_word(c.context, c.typed, instead_of=c.corrected)

    def revert(self) -> bool:
        """Right after an autocorrection (and with nothing selected): bring back the word as
        typed. False when there is nothing to revert."""
        area = self.area
        c = self._backspace_revertible()
        if c is None or not area.selection.is_empty:
            return False
        self.applied.remove(c)
        self._learn_typed(c)
        area.history.checkpoint()
        area.replace(c.typed, c.start, c.end)
        area.history.checkpoint()
        self._keep(c)
        return True

    def undo(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` (one undo step), keeping the waiting words at their place; when it undoes
        an autocorrection, keep the word as typed from now on."""
        stack = self.area.history.undo_stack
        batch = stack[-1] if stack else []
        c = self._correction_of(batch)
        if c is not None:
            self.applied.remove(c)
            self._learn_typed(c)
        undo()
        for edit in reversed(batch):
            self.pending.undone(edit)
        if c is not None:
            self._keep(c)

    def redo(self, redo: Callable[[], None]) -> None:
        """Run ``redo`` (one redo step), keeping the waiting words at their place."""
        stack = self.area.history.redo_stack
        batch = stack[-1] if stack else []
        redo()
        for edit in batch:
            self.pending.done(edit)
