import numpy as np
import pytest

import nextword
from nextword.evaluate import evaluate_text, ngram_baseline, tokens_of
from nextword.predict import Suggestion


def count_lstm_tokens(model):
    """Wrap the word LSTM so the test can see how many tokens it is run over."""
    seen = {"tokens": 0}
    real = model.word_lm.hidden

    def counting(ids, state=None):
        seen["tokens"] += ids.shape[-1]
        return real(ids, state)

    model.word_lm.hidden = counting
    return seen


def test_after_a_space_suggests_next_words(tiny_model):
    out = tiny_model.suggest("I don't know what you ", k=3)
    assert len(out) == 3 and all(isinstance(s, Suggestion) for s in out)
    assert all(s.kind == "next" and " " not in s.word and s.word.strip() for s in out)
    assert [s.score for s in out] == sorted((s.score for s in out), reverse=True)


def test_inside_a_word_suggests_completions_of_the_prefix(tiny_model):
    out = tiny_model.suggest("You can install the pack", k=3)
    assert out and all(s.word.lower().startswith("pack") for s in out if s.kind == "completion")
    assert out[0].kind == "completion"


def test_after_punctuation_suggests_next_words(tiny_model):
    assert all(s.kind == "next" for s in tiny_model.suggest("Hello,", 3))


def test_sentence_start_and_typed_capitals_set_the_case(tiny_model):
    assert all(s.word[0].isupper() for s in tiny_model.suggest("", 3))
    assert all(s.word[0].isupper() for s in tiny_model.suggest("It works. ", 3))
    assert all(s.word[0].isupper() for s in tiny_model.suggest("and then Th", 3))
    assert all(s.word.isupper() for s in tiny_model.suggest("and then THE", 3))
    assert "I" in [s.word for s in tiny_model.suggest("and then i", 5)]


def test_k_bounds_the_number_of_suggestions(tiny_model):
    assert len(tiny_model.suggest("the ", 1)) == 1
    assert len(tiny_model.suggest("the ", 7)) == 7
    assert tiny_model.suggest("the ", 0) == []


def test_keystroke_inside_a_word_costs_no_lstm_step(fresh_model):
    seen = count_lstm_tokens(fresh_model)
    fresh_model.suggest("The system is ", 3)
    before = seen["tokens"]
    for i in range(1, 6):
        fresh_model.suggest("The system is " + "running"[:i], 3)
    assert seen["tokens"] == before


def test_finished_word_costs_one_lstm_step_not_a_rerun(fresh_model):
    seen = count_lstm_tokens(fresh_model)
    text = "This is a fairly long piece of text that the model reads once " * 5
    fresh_model.suggest(text, 3)
    before = seen["tokens"]
    fresh_model.suggest(text + "and ", 3)
    assert seen["tokens"] - before == 1


def test_editing_earlier_text_gives_the_same_result_as_a_fresh_model(fresh_model, tiny_model_dir):
    a = "We went to the market and bought some bread. Then we "
    fresh_model.suggest(a, 3)
    b = "We went to the shop and bought some bread. Then we "
    edited = fresh_model.suggest(b, 3)
    assert edited == nextword.load(tiny_model_dir).suggest(b, 3)


def test_checkpoint_round_trip_gives_identical_suggestions(tiny_model_dir):
    texts = ["I'll meet you at the ", "Good mor", "the package manag", ""]
    a, b = nextword.load(tiny_model_dir), nextword.load(tiny_model_dir)
    assert [a.suggest(t, 3) for t in texts] == [b.suggest(t, 3) for t in texts]


def test_words_outside_the_vocabulary_are_completed_by_the_char_model(tiny_model):
    out = tiny_model.char_complete("qzx", 3)
    assert all(w.startswith("qzx") and len(w) > 3 for w, _ in out)
    assert tiny_model.char_logprob("the") > tiny_model.char_logprob("xqjzv")


def test_next_word_probs_is_a_distribution(tiny_model):
    p = tiny_model.next_word_probs("the quick brown")
    assert p.shape == (tiny_model.tokenizer.vocab_size,) and abs(p.sum() - 1) < 1e-6


def test_evaluation_uses_the_same_distribution_as_suggest(tiny_model_dir):
    model = nextword.load(tiny_model_dir)
    text = "The file system is mounted on boot and the user can log in."
    ids, surf = tokens_of(model, text)
    # the distribution suggest() uses after the first six tokens ...
    context = "The file system is mounted on "
    live = model.next_word_probs(context)
    # ... equals the one evaluation computes with its batched LSTM pass
    import torch

    with torch.inference_mode():
        h, _ = model.word_lm.hidden(torch.tensor([ids[:7]]))
        row = model.word_lm.io.log_probs(h[0, -1]).double().numpy()
    assert np.allclose(model.mix(row, ids[:7]), live, atol=1e-6)
    r = evaluate_text(model, text)
    assert 0 <= r["top1"] <= r["top3"] <= 1 and 0 <= r["ksr"] < 1 and r["perplexity"] > 1


def test_kneser_ney_baseline_runs_through_the_same_code(tiny_model):
    base = ngram_baseline(tiny_model)
    assert base.weights["lstm"] == 0 and base.weights["ngram"] == 1
    assert len(base.suggest("the ", 3)) == 3


@pytest.mark.parametrize("text", ["", " ", "\n\n", "🙂🙂", "a" * 10_000, "مرحبا بالعالم ", "\x00\x07", "x\u0301y"])
def test_odd_text_never_raises(tiny_model, text):
    out = tiny_model.suggest(text, 3)
    assert len(out) <= 3
