"""Real-word confusions (then/than, their/there, its/it's, ...), judged in context with the
bundled model: corrected where the sentence needs the other word, left alone where either fits."""

from __future__ import annotations

import pytest

from nextword.correct.confusions import CONFUSION_SETS, confusables
from nextword.correct.corrector import Corrector


@pytest.fixture(scope="module")
def bundled() -> Corrector:
    import nextword

    return Corrector(nextword.load())


def test_each_word_of_a_set_is_confused_with_the_others():
    words = [w for group in CONFUSION_SETS for w in group]
    assert len(words) == len(set(words))  # each word in one set only
    assert confusables("then") == ("than",) and set(confusables("their")) == {"there", "they're"}
    assert confusables("than") == () and confusables("loose") == ("lose",)  # one way only
    assert confusables("the") == ()
    assert confusables("form") == ("from",) and confusables("from") == ()  # only form for from


@pytest.mark.parametrize(("typed", "fixed"), [
    ("he is much taller then his brother", "he is much taller than his brother"),
    ("they left there bags in the car", "they left their bags in the car"),
    ("the dog wagged it's tail", "the dog wagged its tail"),
    ("a letter form my mother", "a letter from my mother"),
    ("i do not want to loose the game", "i do not want to lose the game"),
])
def test_a_confusion_is_corrected_where_the_context_is_clear(bundled, typed, fixed):
    assert bundled.autocorrect(typed) == fixed


@pytest.mark.parametrize("text", [
    "we went home and then we slept",
    "i saw them then",
    "the form was signed",
    "the effect of the drug",
    "there is no reason to worry",
])
def test_a_confusable_word_is_left_alone_where_it_fits(bundled, text):
    assert bundled.autocorrect(text) == text


def test_without_the_confusion_channel_the_slip_alone_does_not_carry_it(bundled):
    from dataclasses import replace

    c = Corrector(bundled.model, params=replace(bundled.params, confusion_logp=-30.0))
    assert c.autocorrect("they left there bags in the car") == "they left there bags in the car"
