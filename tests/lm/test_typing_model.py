import numpy as np
import pytest
import torch

import nextword
from nextword.lm.evaluate import evaluate_text, ngram_baseline, tokens_of
from nextword.suggestion import Suggestion


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


def test_a_long_document_or_an_edit_near_its_top_rereads_at_most_max_replay_tokens(fresh_model,
                                                                                   tiny_model_dir):
    from nextword.lm.incremental import MAX_REPLAY, SNAPSHOT
    from tests.conftest import tiny_text

    seen = count_lstm_tokens(fresh_model)
    doc = tiny_text(60_000) + " "
    assert len(fresh_model.tokenizer.encode(doc)) > 4 * MAX_REPLAY
    opened = fresh_model.next_word_probs(doc)  # opening it: only its last tokens are read
    assert MAX_REPLAY <= seen["tokens"] < MAX_REPLAY + SNAPSHOT
    before = seen["tokens"]
    fresh_model.suggest(doc + "and ", 3)  # typing on: one step, as ever
    assert seen["tokens"] - before == 1
    before = seen["tokens"]
    edited = fresh_model.next_word_probs("Dear reader, " + doc)  # an edit at the top
    assert MAX_REPLAY <= seen["tokens"] - before < MAX_REPLAY + SNAPSHOT
    # what lies beyond the last MAX_REPLAY tokens hardly matters to the LSTM: the document
    # typed on from its start (read in full, a step at a time) gives nearly the same
    typed = nextword.load(tiny_model_dir)
    for end in range(2_000, len(doc), 2_000):
        typed.next_word_probs(doc[:doc.rindex(" ", 0, end) + 1])
    full = typed.next_word_probs(doc)
    for p in (opened, edited):
        assert np.abs(np.log(p) - np.log(full)).max() < 0.05
        assert np.argmax(p) == np.argmax(full)


def test_checkpoint_round_trip_gives_identical_suggestions(tiny_model_dir):
    texts = ["I'll meet you at the ", "Good mor", "the package manag", ""]
    a, b = nextword.load(tiny_model_dir), nextword.load(tiny_model_dir)
    assert [a.suggest(t, 3) for t in texts] == [b.suggest(t, 3) for t in texts]


def test_words_outside_the_vocabulary_are_completed_by_the_char_model(tiny_model):
    out = tiny_model.char_complete("qzx", 3)
    assert all(w.startswith("qzx") and len(w) > 3 for w, _ in out)
    assert tiny_model.char_logprob("the") > tiny_model.char_logprob("xqjzv")


def test_a_prefix_of_listed_words_outside_the_vocabulary_completes_to_them_commonest_first(tiny_model):
    """``hyster``: no vocabulary word starts with it, but the English word list's do; they come
    first, the commonest in general English first, in the case typed, and never a word the
    user blocked. A prefix no listed word has still gets corrections or the char model's."""
    prefix = "hyster"
    assert not tiny_model.knows_prefix(prefix)
    got = tiny_model.suggest("she was " + prefix, 3)
    assert [s.kind for s in got] == ["completion"] * 3
    from nextword.text.wordlist import english_words, word_zipf

    listed = sorted(sorted(w for w in english_words() if w.startswith(prefix) and w != prefix),
                    key=lambda w: -word_zipf().get(w, 0.0))
    assert [s.word for s in got] == listed[:3] and listed[0] == "hysterical"
    assert [s.word for s in tiny_model.suggest("She was Hyster", 3)][0] == "Hysterical"
    tiny_model.blocked.add("hysterical")
    try:
        assert "hysterical" not in [s.word for s in tiny_model.suggest("she was " + prefix, 3)]
    finally:
        tiny_model.blocked.discard("hysterical")
    assert all(s.word.lower() != "hysterical" for s in tiny_model.suggest("she was qzxv", 3))


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


def test_adaptive_softmax_scores_chosen_ids_as_the_full_distribution_does(tiny_model):
    import torch

    io = tiny_model.word_lm.io
    ids = torch.tensor([0, 5, io.bounds[-2], io.bounds[-1] - 1, 5])  # head and rare buckets
    with torch.inference_mode():
        h = torch.randn(io.dim)
        cache: dict = {}
        first = io.log_probs_of(h, ids, cache)
        again = io.log_probs_of(h, ids, cache)  # from the kept pieces
        assert torch.allclose(first, io.log_probs(h)[ids], atol=1e-5)
        assert torch.equal(first, again)


def test_mixture_of_chosen_ids_equals_the_full_mixture_there(tiny_model):
    tokens = [tiny_model.tokenizer.bos_id, *[tiny_model.tokenizer.token_id(w) for w in ["the", "file", "is"]]]
    ids = np.array([3, 10, 200, tiny_model.tokenizer.unk_id])
    lstm = np.log(np.full(tiny_model.tokenizer.vocab_size, 1 / tiny_model.tokenizer.vocab_size))
    full = tiny_model.mix(lstm, tokens)
    assert np.allclose(tiny_model.mix(lstm[ids], tokens, ids), full[ids], rtol=1e-12, atol=0)


def test_candidate_scorer_matches_next_word_probs_within_a_paragraph(fresh_model):
    ids = np.array([1, 4, 50, 300, fresh_model.tokenizer.unk_id])
    scorer = fresh_model.candidate_scorer()
    for context in ("The file system is mounted on", "the user can", "The file system is"):
        got = scorer.at(context).probs(ids)
        assert np.allclose(got, fresh_model.next_word_probs(context)[ids], rtol=1e-5, atol=1e-9)


def test_candidate_scorer_runs_the_lstm_over_the_current_paragraph_only(fresh_model):
    seen = count_lstm_tokens(fresh_model)
    scorer = fresh_model.candidate_scorer()
    scores = scorer.at("a long first paragraph that no close call needed\nthe user")
    assert seen["tokens"] == 0  # nothing runs until a probability is asked for
    scores.probs(np.array([1]))
    assert seen["tokens"] == 3  # the boundary, "the", "user"


def test_batched_spelling_scores_equal_one_word_at_a_time(tiny_model):
    words = ["the", "xqjzv", "a", "system's", "", "longerwordhere"]
    batched = tiny_model.char_logprobs(words, batch=2)
    for word, logp in zip(words, batched, strict=True):
        one = tiny_model.char_logprob(word)
        assert logp == one if not word else abs(logp - one) < 1e-4


def test_packed_lstm_gives_each_sequence_its_own_last_output_and_state(tiny_model):
    import torch

    lm = tiny_model.word_lm
    seqs = [[1, 5, 9, 2], [3], [7, 7]]
    lengths = torch.tensor([len(s) for s in seqs])
    ids = torch.zeros(3, 4, dtype=torch.long)
    for row, s in enumerate(seqs):
        ids[row, : len(s)] = torch.tensor(s)
    with torch.inference_mode():
        last, (h, c) = lm.hidden_last(ids, lengths)
        for row, s in enumerate(seqs):
            one, (h1, c1) = lm.hidden(torch.tensor([s]))
            assert torch.allclose(last[row], one[0, -1], atol=1e-5)
            assert torch.allclose(c[:, row], c1[:, 0], atol=1e-5)


def test_advancing_paragraph_runs_side_by_side_scores_as_next_word_probs(fresh_model):
    from nextword.lm.scorer import ParagraphRun

    scorer = fresh_model.candidate_scorer()
    ids = np.array([1, 4, 50, 300])
    texts = ["The file system is mounted", "the user can log in and", "The"]
    runs = [ParagraphRun() for _ in texts]
    for cut in (1, None):  # a first step, then on to the end of each text
        paras = [[fresh_model.tokenizer.bos_id, *scorer.encode(" ".join(t.split()[:cut]))] for t in texts]
        scorer.advance(list(zip(runs, paras, strict=True)))
        for text, run, para in zip(texts, runs, paras, strict=True):
            assert run.tokens == para
            got = scorer.after([], para).probs(ids)
            want = fresh_model.next_word_probs(" ".join(text.split()[:cut]))[ids]
            assert np.allclose(got, want, rtol=1e-4, atol=1e-9)


def test_a_paragraph_run_that_no_longer_matches_its_text_starts_again(fresh_model):
    from nextword.lm.scorer import ParagraphRun

    scorer = fresh_model.candidate_scorer()
    bos = fresh_model.tokenizer.bos_id
    run = ParagraphRun()
    scorer.advance([(run, [bos, *scorer.encode("the file system")])])
    changed = [bos, *scorer.encode("the user system is")]
    scorer.advance([(run, changed)])
    got = scorer.after([], changed).probs(np.array([1, 4, 50]))
    assert np.allclose(got, fresh_model.next_word_probs("the user system is")[[1, 4, 50]], rtol=1e-4)


def test_cache_probabilities_of_chosen_words_equal_the_whole_distribution_there():
    from nextword.lm.mixture import cache_probs

    context = [5, 7, 7, 9, 5, 7, 0]
    ids = np.array([7, 5, 3, 0, 7])
    whole = cache_probs(context, 12)
    assert np.allclose(cache_probs(context, 12, ids=ids), whole[ids])
    assert np.allclose(cache_probs([], 12, ids=ids), np.full(5, 1 / 12))
    assert cache_probs(context, 12, target=7) == whole[7]


def test_keystroke_savings_count_the_space_an_accepted_word_inserts(tiny_model):
    """KSR as docs/API.md defines it: accepting a word is one key that types the space after it
    too; the strict variant types that space."""
    r = evaluate_text(tiny_model, "the end of the day is the end of the line. " * 10)
    assert r["ksr"] > r["ksr_strict"]
    assert 0 < r["keys_strict"] - r["keys"] <= r["words"]
    assert r["ksr"] == 1 - r["keys"] / r["chars"]


def test_the_spaces_after_words_are_read_from_the_text():
    from nextword.lm.evaluate import _space_after_words

    assert _space_after_words("Hi, you there.\nNext one") == [False, True, False, True, False]


def test_char_completions_are_remembered_until_the_char_model_changes(tiny_model_dir):
    model = nextword.load(tiny_model_dir)  # its own copy: the weights are changed below
    first = model.char_complete("qzx", 3)
    assert model.char_complete("qzx", 3) == first
    with torch.no_grad():
        for p in model.char_lm.parameters():
            p.mul_(0.0)  # a char model that predicts nothing in particular
    assert model.char_complete("qzx", 3) != first


def test_hopeless_corrections_of_a_word_being_typed_are_not_suggested(bundled_model):
    # "Siobhan" typed in full was offered Sobbing and Soybean at e^-28 against itself
    for text in ("I met Siobhan", "run kubectl"):  # subject at e^-17
        assert not [s for s in bundled_model.suggest(text) if s.kind == "correction"]
    # the slots go to the char model's guesses (a name's possessive may be next)
    assert len(bundled_model.suggest("I met Siobhan")) == 3
    # a plain slip is still corrected, with its runners-up
    assert [s.word for s in bundled_model.suggest("the quikc")] == ["quick", "quack", "quiet"]
