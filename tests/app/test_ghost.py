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


def test_the_char_models_guess_is_shown_only_when_likelier_than_the_word_ending_there(bundled_model):
    # a name typed in full showed a stray letter: "Then I met Xiaoming" + "s"
    for name in ("Xiaoming", "Siobhan", "iPhone"):
        low = name.lower()
        assert not bundled_model.knows_prefix(low)
        guesses = bundled_model.char_complete(low, 2)
        assert guesses and max(s for _, s in guesses) < bundled_model.char_end_logprob(low)
        assert quick_ghost(bundled_model, "Then I met " + name) == ""
    # a prefix that is no word yet is still completed
    assert not bundled_model.knows_prefix("kubern")
    assert bundled_model.char_complete("kubern", 1)[0][1] > bundled_model.char_end_logprob("kubern")
    assert quick_ghost(bundled_model, "I like Kubern") != ""


def test_inside_a_word_there_is_no_ghost():
    assert quick_ghost(None, "the sy", "s") == ""  # no model call needed
    assert quick_ghost(None, "the sy", "_") == ""
