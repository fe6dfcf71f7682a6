"""The one word rule every module splits text with."""

from nextword.text.words import (
    count_words,
    is_plain_word,
    normalize,
    partial_word,
    split_words,
    starts_word,
)


def test_words_keep_inner_apostrophes_and_punctuation_stands_alone():
    assert split_words("I'll meet you, don\u2019t wait!") == ["I'll", "meet", "you", ",", "don't", "wait", "!"]


def test_curly_apostrophes_become_straight_ones():
    assert normalize("it\u2019s \u2018quoted\u2019") == "it's 'quoted'"


def test_the_word_being_typed_may_end_in_an_apostrophe():
    assert partial_word("we don'") == "don'"
    assert partial_word("the end. ") == "" and partial_word("the end.") == ""


def test_no_word_is_being_typed_right_after_a_line_break():
    assert partial_word("Shared Printer\n") == "" and partial_word("Shared Printer\nC") == "C"
    assert partial_word("x" * 70 + "\n") == ""


def test_punctuation_is_not_counted_as_words():
    assert count_words("Hello, world -- it's me.") == 4


def test_plain_words_are_letters_with_inner_apostrophes():
    assert is_plain_word("o'clock") and is_plain_word("Word")
    assert not is_plain_word("r2d2") and not is_plain_word("'tis") and not is_plain_word("snake_case")
    assert starts_word("x1") and not starts_word(",")
