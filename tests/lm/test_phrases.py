"""Phrase completion: ``model.complete_phrase`` and the phrase typist of ``evaluate_phrases``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nextword.lm.evaluate import PhraseTally, evaluate_phrases, evaluate_typing
from nextword.lm.phrases import MIN_WORDS
from nextword.text.tokenizer import is_word
from nextword.text.words import split_words
from tests.test_fuzz import texts

SIGN_OFF = "Let me know if you have any questions."
LETTER = f"Thanks for the update on the release. {SIGN_OFF}\n"


def n_words(text: str) -> int:
    return sum(map(is_word, split_words(text)))


def learned(model, times: int = 150):
    """``model`` after learning a short letter with a sign-off ``times`` times (over 2,000 words:
    the personal model's weights are fitted, and find this user very regular)."""
    model.learn(LETTER * times)
    return model


def test_a_phrase_the_user_repeats_comes_after_its_start(fresh_model):
    model = fresh_model
    assert model.complete_phrase("Let me know") == ""  # nothing learned yet: not confident
    learned(model)
    assert model.complete_phrase("Let me know") == " if you have any questions."
    assert model.complete_phrase("Let me know if you have any questions.") == ""  # ended


def test_the_phrase_continues_the_word_being_typed(fresh_model):
    model = learned(fresh_model)
    assert model.complete_phrase("Let me kn") == "ow if you have any questions"  # 6 words
    assert model.complete_phrase("Let me know ") == "if you have any questions."


def test_the_phrase_is_in_the_users_case_and_ends_at_the_sentence_end(fresh_model):
    model = learned(fresh_model)
    assert model.complete_phrase("Please let me know if you") == " have any questions."
    assert model.complete_phrase("Thanks for the update on the release. ").startswith("Let me know")
    assert model.complete_phrase("Thanks for the update on the") == ""  # one word, then the end


def test_max_words_bounds_the_phrase(fresh_model):
    model = learned(fresh_model)
    assert n_words(model.complete_phrase("Let me know", max_words=3)) <= 3
    assert model.complete_phrase("Let me know", max_words=1) == ""
    assert model.complete_phrase("Let me know", max_words=0) == ""
    assert model.complete_phrase("Let me know", max_words=-5) == ""


def test_the_confidence_is_the_mean_log_probability_of_the_phrase(fresh_model):
    """The phrase's log P is the sum of the per-token log P of the very distribution suggest()
    draws from (the first word renormalised over the typed prefix)."""
    model = learned(fresh_model)
    found = model.phrases.search("Let me know ", 6)
    assert found is not None and found.score >= model.phrases.threshold
    total, text = 0.0, "Let me know "
    for token in split_words(found.text):
        with model._lock:
            tokens, stable = model._context(text)
            dist = model._distribution(tokens, stable, text)
        total += float(np.log(dist[model.personal.vocab.id_of(token)]))
        text += token if not is_word(token) else (" " if text[-1:] != " " else "") + token
    assert abs(total - found.logp) < 1e-4
    assert abs(found.score - found.logp / len(split_words(found.text))) < 1e-9


def test_a_lower_threshold_shows_more(fresh_model):
    model = fresh_model
    strict = model.phrases.search("I'll meet you at the", 6, threshold=-0.1)
    loose = model.phrases.search("I'll meet you at the", 6, threshold=-8.0)
    assert strict is None and loose is not None and n_words(loose.text) >= MIN_WORDS


def test_typing_through_a_phrase_runs_no_new_lstm_step(fresh_model):
    model = learned(fresh_model)
    assert model.complete_phrase("Let me know ")
    calls = {"n": 0}
    real = model.word_lm.hidden

    def counting(ids, state=None):
        calls["n"] += 1
        return real(ids, state)

    model.word_lm.hidden = counting
    for text in ("Let me know i", "Let me know if"):
        assert model.complete_phrase(text)
    assert calls["n"] == 0  # the first word's candidates were searched already


def test_blocked_words_never_appear_in_a_phrase(fresh_model):
    model = learned(fresh_model)
    model.block("questions")
    assert "questions" not in model.complete_phrase("Let me know if you have any").lower()


def test_the_phrase_typist_accepts_phrases_and_never_types_more(fresh_model):
    model = learned(fresh_model)
    text = (LETTER * 3).strip()
    r = evaluate_phrases(model, text)
    words_only = evaluate_typing(model, text)
    assert r["ksr"] == words_only["ksr"] and r["top1"] == words_only["top1"]
    assert r["accepted"] > 0 and r["accepted_words"] >= MIN_WORDS
    assert r["ksr_phrases"] > r["ksr"]
    assert 0 < r["trigger_rate"] <= 1 and r["boundaries"] == r["words"]
    assert all(v is None or 0 <= v <= 1 for v in r["exact_match"].values())


def test_exact_match_counts_the_first_n_words_and_the_punctuation_between():
    tally = PhraseTally()
    tally.shown("of the", "of the town")            # right
    tally.shown("of the day", "of the night")       # right at 2, wrong at 3
    tally.shown("hand, the", "hand the")            # wrong at 2: the comma
    tally.shown("one", "one of")                    # one word: not a phrase
    f = tally.figures(0)
    assert f["boundaries"] == 4 and f["triggered"] == 3
    assert f["shown"][2] == 3 and f["exact_match"][2] == 2 / 3
    assert f["shown"][3] == 1 and f["exact_match"][3] == 0.0


@given(text=texts, max_words=st.integers(min_value=-2, max_value=9))
def test_complete_phrase_never_raises_and_returns_at_most_max_words(tiny_model, text, max_words):
    phrase = tiny_model.complete_phrase(text, max_words)
    assert isinstance(phrase, str)
    assert n_words(phrase) <= max(0, max_words)
    assert "\n" not in phrase
