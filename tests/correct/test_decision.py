"""One typed word: the readings ``correct`` ranks, and autocorrect's keep-or-replace decision on
a close call (the replacement margin, the typing channel)."""

from __future__ import annotations

import pytest

from nextword.correct.decision import WordCorrector
from nextword.correct.errormodel import ErrorModel
from nextword.correct.params import CorrectorParams
from nextword.suggestion import Suggestion


@pytest.fixture(scope="module")
def word_corrector(tiny_model) -> WordCorrector:
    return WordCorrector(tiny_model)


# -- the ranked readings --------------------------------------------------------------------------

def test_correct_ranks_the_intended_word_first(word_corrector):
    for typo, word in [("teh", "the"), ("adn", "and"), ("taht", "that"), ("thw", "the")]:
        got = word_corrector.correct(typo, "", 3)
        assert got[0].word == word, (typo, got)


def test_correct_returns_suggestions_with_log_probabilities_best_first(word_corrector):
    got = word_corrector.correct("teh", "this is", 3)
    assert 1 <= len(got) <= 3
    assert all(isinstance(s, Suggestion) and s.kind == "correction" for s in got)
    assert all(s.score <= 0 for s in got)
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)


def test_a_fine_word_comes_back_first_unchanged(word_corrector):
    for word in ("the", "The", "system", "and"):
        assert word_corrector.correct(word, "", 3)[0].word == word


def test_correct_keeps_the_typed_capital(word_corrector):
    assert word_corrector.correct("Teh", "", 1)[0].word == "The"


def test_correct_finds_missing_apostrophes(word_corrector):
    assert word_corrector.correct("dont", "I", 3)[0].word == "don't"


def test_correct_respects_k(word_corrector):
    assert len(word_corrector.correct("teh", "", 1)) == 1
    assert len(word_corrector.correct("teh", "", 10)) <= 10


def test_the_users_words_are_candidates_too(fresh_model):
    fresh_model.user_words = {"zorblax"}
    c = WordCorrector(fresh_model)
    assert "zorblax" in [s.word for s in c.correct("zorblaz", "", 3)]


def test_words_added_to_the_users_dictionary_later_are_picked_up(fresh_model):
    fresh_model.user_words = set()
    c = WordCorrector(fresh_model)
    assert "zorblax" not in [s.word for s in c.correct("zorblaz", "", 3)]
    fresh_model.user_words.add("zorblax")
    assert "zorblax" in [s.word for s in c.correct("zorblaz", "", 3)]


# -- autocorrect's decision -----------------------------------------------------------------------

def test_a_negative_margin_lets_a_correction_scoring_below_the_typed_word_replace_it(word_corrector):
    hyps = [("teh", -5.0, "typed"), ("the", -7.0, "correction")]
    assert word_corrector.choose("teh", hyps, margin=-3.0) == "the"
    assert word_corrector.choose("teh", hyps, margin=-1.0) == "teh"
    assert word_corrector.choose("Teh", hyps, margin=-3.0) == "The"


def test_autocorrect_decides_with_the_typing_channel_and_correct_ranks_with_the_spelling_one(tiny_model):
    c = WordCorrector(tiny_model)
    assert c.errors.tables == ErrorModel.load().tables
    assert c.typing_errors.tables == ErrorModel.load_typing().tables != c.errors.tables
    # a neighbouring key is a likelier slip for the typist than in the spelling tables
    assert c.typing_errors.logp("dhould", "should") > c.errors.logp("dhould", "should")


def test_a_clear_word_or_slip_is_decided_without_context_and_a_close_call_is_not(tiny_model,
                                                                                  word_corrector):
    assert word_corrector.decided_without_context("the", "") == "the"  # clearly fine
    assert word_corrector.decided_without_context("NASA", "") == "NASA"  # never checked
    for typed, context in [("teh", "this is"), ("systme", "the"), ("pakcage", "the")]:
        settled = word_corrector.decided_without_context(typed, context)
        if settled is None:  # a close call: decided in context
            hyps, margin = word_corrector.close_call(typed, context)
            assert word_corrector.best(typed, context) == word_corrector.choose(typed, hyps, margin)
        else:
            assert word_corrector.best(typed, context) == settled
    asking = WordCorrector(tiny_model, params=CorrectorParams(context_range=float("inf")))
    assert asking.decided_without_context("teh", "this is") is None  # the model must be asked
    assert asking.decided_without_context("the", "this is") == "the"  # ... but not for a fine word


# -- words typed with hyphens ---------------------------------------------------------------------

def test_a_hyphen_splitting_a_listed_word_offers_the_word_first(word_corrector):
    """``with-out``: the word list writes the letters as one word, which comes first, the
    compound as typed after it (its parts are words: it may be meant)."""
    got = [s.word for s in word_corrector.correct("with-out", "", 3)]
    assert got[:2] == ["without", "with-out"]
    assert [s.word for s in word_corrector.correct("Every-Thing", "", 2)] == ["Everything", "Every-Thing"]


def test_a_compound_whose_letters_make_no_listed_word_stays_first(word_corrector):
    got = word_corrector.correct("well-known", "", 3)
    assert got[0].word == "well-known"
    assert got == sorted(got, key=lambda s: -s.score)


def test_a_misspelled_part_of_a_hyphenated_word_is_corrected_as_one_word(word_corrector):
    """``some-thign``: a part is no word, so the readings are those of the joined letters."""
    assert [s.word for s in word_corrector.correct("some-thign", "", 3)][:1] == \
        [s.word for s in word_corrector.correct("somethign", "", 3)][:1]


def test_a_hyphenated_string_of_no_words_comes_back_as_typed(word_corrector):
    assert word_corrector.correct("qwrtz-plkvb", "", 3) == [Suggestion("qwrtz-plkvb", 0.0, "correction")]


def test_a_hyphen_at_an_end_is_dropped(word_corrector):
    assert word_corrector.correct("teh-", "", 3) == word_corrector.correct("teh", "", 3)
    assert word_corrector.correct("-", "", 3) == [Suggestion("-", 0.0, "correction")]


# -- slips that make another real word --------------------------------------------------------------

def test_a_slip_that_makes_another_real_word_is_weighed_in_context_with_the_bundled_model():
    """``he`` for ``the``: by unigram alone keeping ``he`` wins by far more than context usually
    moves a score, so a vocabulary word is settled without the language model only beyond the
    wider ``known_context_range``; then context decides, and a right ``he`` stays."""
    import dataclasses

    import nextword
    from nextword.correct.corrector import Corrector

    model = nextword.load()
    c = Corrector(model)
    assert c.word.decided_without_context("he", "it helps") is None  # asked in context
    for typed, meant in [("it helps he user", "it helps the user"), ("i saw he man", "i saw the man"),
                         ("the lord of he manor", "the lord of the manor")]:
        assert c.autocorrect(typed) == meant
    for right in ["he said that he was", "and so he went home"]:
        assert c.autocorrect(right) == right
    narrow = Corrector(model, params=dataclasses.replace(c.params, known_context_range=c.params.context_range))
    assert narrow.word.decided_without_context("he", "it helps") == "he"  # settled: kept
    assert narrow.autocorrect("it helps he user") == "it helps he user"
