"""Finished words waiting for their correction keep their place through later edits (the
tracker alone, on a real Textual document: every edit is applied to the text and the tracked
word must still be found at its tracked place)."""

from __future__ import annotations

import pytest
from textual.widgets.text_area import Document, Edit

from nextword.app.pending import PendingWords, end_of


class Doc:
    """A Textual document with the tracker kept in step with every replace."""

    def __init__(self, text: str):
        self.document = Document(text)
        self.pending = PendingWords()

    def track(self, typed: str, nth: int = 0) -> int:
        """Track the ``nth`` occurrence of ``typed`` (as if it was just finished)."""
        text, at = self.document.text, -1
        for _ in range(nth + 1):
            at = text.index(typed, at + 1)
        row = text.count("\n", 0, at)
        col = at - (text.rfind("\n", 0, at) + 1)
        return self.pending.add((row, col), typed, text[:at], self.document).key

    def replace(self, start, end, text: str) -> None:
        result = self.document.replace_range(start, end, text)
        self.pending.edited(min(start, end), max(start, end), result.end_location)

    def at_place(self, key: int) -> bool:
        word = self.pending.get(key)
        assert word is not None
        row, col = word.start
        return self.document.get_line(row)[col:col + len(word.typed)] == word.typed


def test_end_of_an_insert():
    assert end_of((2, 3), "abc") == (2, 6)
    assert end_of((2, 3), "ab\ncd") == (3, 2)
    assert end_of((2, 3), "ab\n") == (3, 0)
    assert end_of((2, 3), "") == (2, 3)


def test_a_longer_correction_before_a_word_moves_it_right():
    doc = Doc("We coud meet at the resturant on ")
    rest = doc.track("resturant")
    doc.replace((0, 3), (0, 7), "could")
    assert doc.pending.get(rest).start == (0, 21) and doc.at_place(rest)


def test_corrections_landing_in_any_order_each_find_their_word():
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]):
        doc = Doc("I coud se teh end ")
        keys = [doc.track("coud"), doc.track("se"), doc.track("teh")]
        fixes = ["could", "see", "the"]
        for i in order:
            assert doc.at_place(keys[i])  # still tracked when its turn comes
            word = doc.pending.take(keys[i])
            doc.replace(word.start, word.end, fixes[i])
        assert doc.document.text == "I could see the end ", order


def test_typing_after_a_word_does_not_move_it():
    doc = Doc("I coud ")
    key = doc.track("coud")
    doc.replace((0, 7), (0, 7), "meet you")
    assert doc.pending.get(key).start == (0, 2) and doc.at_place(key)


def test_lines_added_or_removed_above_move_the_row():
    doc = Doc("first\nsecond coud line")
    key = doc.track("coud")
    doc.replace((0, 2), (0, 2), "x\ny\n")          # two lines more above
    assert doc.pending.get(key).start == (3, 7) and doc.at_place(key)
    doc.replace((0, 0), (2, 0), "")               # and two fewer
    assert doc.pending.get(key).start == (1, 7) and doc.at_place(key)


def test_a_line_break_typed_before_the_word_on_its_row_moves_it_to_the_next_row():
    doc = Doc("one two coud ")
    key = doc.track("coud")
    doc.replace((0, 3), (0, 4), "\n")             # the space after "one" becomes a line break
    assert doc.pending.get(key).start == (1, 4) and doc.at_place(key)


@pytest.mark.parametrize(("start", "end", "text"), [
    ((0, 4), (0, 4), "h"),    # typed right after the word
    ((0, 0), (0, 0), "x"),    # typed right before it
    ((0, 1), (0, 2), "a"),    # a letter of it replaced
    ((0, 3), (0, 4), ""),     # its last letter deleted
    ((0, 4), (0, 5), ""),     # the space after it deleted (joins the next word)
    ((0, 0), (0, 9), "gone"),  # replaced with more around it
])
def test_an_edit_touching_the_word_forgets_it(start, end, text):
    doc = Doc("coud and more")
    key = doc.track("coud")
    doc.replace(start, end, text)
    assert doc.pending.get(key) is None and len(doc.pending) == 0


def test_undo_and_redo_of_an_edit_before_the_word_move_it_back_and_forth():
    from textual.widgets import TextArea

    area = TextArea("I coud meet se ")
    pending = PendingWords()
    key = pending.add((0, 12), "se", "I coud meet ", area.document).key
    edit = Edit("could", (0, 2), (0, 6), True)
    edit.do(area)
    pending.done(edit)
    assert pending.get(key).start == (0, 13)
    edit.undo(area)
    pending.undone(edit)
    assert pending.get(key).start == (0, 12) and area.text == "I coud meet se "
    edit.do(area)
    pending.done(edit)
    assert pending.get(key).start == (0, 13) and area.text[13:15] == "se"
