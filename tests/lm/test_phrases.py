"""Phrase completion: ``model.complete_phrase`` and the phrase typist of ``evaluate_phrases``."""

from __future__ import annotations

import numpy as np

from nextword.lm.evaluate import PhraseTally, evaluate_phrases, evaluate_typing
from nextword.lm.phrases import MIN_WORDS, SHIFT, STEP, TARGET, THRESHOLD, Steer
from nextword.text.tokenizer import is_word
from nextword.text.words import split_words

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
    """The phrase's log P under the mixture is the sum of the per-token log P of the very
    distribution suggest() draws from; under the counts, of the same model without its LSTM;
    the confidence is their mean per token."""
    model = fresh_model
    model.learn(LETTER * 3)  # a little personal model too
    found = model.phrases.search("Thanks for the update on ", 6, threshold=-3.0)
    assert found is not None and n_words(found.text) >= MIN_WORDS
    mix = counts = 0.0
    text = "Thanks for the update on"
    for token in split_words(found.text):
        text += "" if not is_word(token) else " "  # the context of each token ends in a space
        with model._lock:
            tokens, stable = model._context(text)
            dist = model._distribution(tokens, stable, text)
            alone = model.mix(None, tokens) / (1 - model.weights["lstm"])
            alone = model.personal.extend(alone, model.personal_context(text))
        idx = model.personal.vocab.id_of(token)
        mix, counts = mix + float(np.log(dist[idx])), counts + float(np.log(alone[idx]))
        text += token
    assert abs(mix - found.mix) < 1e-4 and abs(counts - found.counts) < 1e-4
    assert abs(found.logp - (mix + counts) / 2) < 1e-4
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


def test_the_phrase_typist_scores_inside_a_word_the_phrase_it_was_shown(fresh_model):
    model = learned(fresh_model)
    asked = []
    ask = model.complete_phrase

    def counted(text, max_words=6):
        asked.append(text)
        return ask(text, max_words)

    model.complete_phrase = counted
    r = evaluate_phrases(model, (LETTER * 2).strip())
    # each key is asked once: a second ask could meet a threshold steered since
    assert len(asked) == len(set(asked)) and r["inside_shown"] > 0


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


def test_a_phrase_shown_inside_a_word_is_right_when_the_word_and_the_next_are():
    tally = PhraseTally()
    tally.inside("stions you may", "stions you can")   # right to its second word
    tally.inside("stion is", "stions you")              # the word itself is wrong
    tally.inside("stions, you", "stions you")           # the comma
    tally.inside("stions", "stions you")                # one word: not a phrase
    f = tally.figures(0)
    assert f["inside_shown"] == 3 and f["inside_exact_match"] == 1 / 3
    assert f["boundaries"] == f["triggered"] == 0  # not word boundaries


def test_a_shown_phrase_is_settled_by_what_the_user_types_next():
    steer = Steer()
    steer.bet("I'll meet you ", "at the station.")
    steer.bet("I'll meet you a", "t noon")  # one bet open at a time (and none inside a word)
    for text in ("I'll meet you a", "I'll meet you at", "I'll meet you at th", "I'll meet you at the"):
        steer.observe(text)
        assert steer.open is not None  # not decided yet ("the" may go on: "there")
    steer.observe("I'll meet you at the ")
    assert steer.open is None and (steer.shown, steer.right) == (1, 1)
    assert abs(steer.shift + STEP * (1 - TARGET)) < 1e-12  # right: the threshold falls
    steer.bet("I'll meet you at the ", "station at noon.")
    steer.observe("I'll meet you at the statue")  # differs at the fifth letter
    assert steer.open is None and (steer.shown, steer.right) == (2, 1)
    steer.bet("I'll meet you at the statue", " at noon.")
    assert steer.open is None  # shown inside a word: no bet
    steer.bet("I'll meet you at the statue ", "at noon.")
    steer.observe("I'll meet you at the station")  # an edit before the bet: no verdict
    assert steer.open is None and steer.shown == 2
    steer.bet("We'll go ", "to the")
    steer.observe("We'll go to thee")  # the second word goes on: wrong
    assert (steer.shown, steer.right) == (3, 1)


def test_the_shift_stays_within_its_bounds():
    steer = Steer()
    for _ in range(1000):
        steer.settle(False)
    assert steer.shift == SHIFT[1]
    for _ in range(1000):
        steer.settle(True)
    assert steer.shift == SHIFT[0]


def test_the_users_threshold_follows_how_often_their_phrases_were_right(fresh_model):
    """A user who types what they were shown lowers their threshold, one who does not raises it;
    explicit thresholds (calibration) neither use nor teach it."""
    model = learned(fresh_model)
    assert model.phrases.search("Let me know", 6, threshold=-0.01) is None
    assert model.phrases.steer.shown == 0 and model.phrases.steer.open is None
    for _ in range(40):
        assert model.complete_phrase("Let me know ") == "if you have any questions."
        model.complete_phrase("Let me know if you have")  # the bet was right
    steer = model.phrases.steer
    assert steer.shown == 40 and steer.right == 40 and steer.shift < 0
    assert abs(steer.shift - max(SHIFT[0], -40 * STEP * (1 - TARGET))) < 1e-9
    theta = THRESHOLD + steer.shift
    assert model.phrases.threshold == THRESHOLD and theta < THRESHOLD
    for _ in range(200):  # the user stops typing what was shown: the threshold climbs back
        model.complete_phrase("Let me know ")
        model.complete_phrase("Let me know when")
    assert steer.shift > 0 and steer.shown > 40 and steer.right == 40
