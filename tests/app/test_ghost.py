"""The ghost text's pure rules: completing the word being typed, spacing before a next word,
and the first word of a ghost (the model-driven cases run through the app in test_textarea)."""

from __future__ import annotations

import pytest

from nextword.app.ghost import (
    completion_ghost,
    first_word,
    next_word_ghost,
    quick_ghost,
    space_before_next_word,
)


def test_the_completion_is_the_rest_of_the_first_word_that_continues_the_prefix():
    assert completion_ghost("Sys", ["sy", "apple", "system", "systems"]) == "tem"
    assert completion_ghost("the", ["the", "they"]) == "y"
    assert completion_ghost("zz", ["the"]) == ""


@pytest.mark.parametrize(("text", "ghost"), [
    ("Hello,", " world"), ("Hello", " world"), ("Hello ", "world"), ("", "world"),
    ("(", "world"), ("say \"", "world"), ("and/", "world"), ("well-", "world"), ("a\n", "world"),
])
def test_a_next_word_gets_a_space_only_after_a_word_or_punctuation(text, ghost):
    assert next_word_ghost(text, "world") == ghost
    assert space_before_next_word(text) + "world" == ghost


def test_the_first_word_of_a_ghost_keeps_the_space_before_it():
    assert first_word(" same time") == " same"
    assert first_word("tem is") == "tem"
    assert first_word("  ") == "" and first_word("") == ""


def test_inside_a_word_there_is_no_ghost():
    assert quick_ghost(None, "the sy", "s") == ""  # no model call needed
    assert quick_ghost(None, "the sy", "_") == ""
