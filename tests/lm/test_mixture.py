"""The mixture's document caches and what its weights are fitted on (``nextword.lm.mixture``)."""

import numpy as np

from nextword.lm.mixture import cache_probs, phrase_cache_probs, tune_mixture, tuning_stream
from nextword.lm.ngram import KneserNey
from nextword.text.corpus import read_corpus
from nextword.text.tokenizer import WordTokenizer


def test_the_phrase_cache_puts_what_followed_the_same_words_first():
    #          the cat sat . the dog ran . the cat
    context = [1, 2, 3, 9, 1, 4, 5, 9, 1, 2]
    p = phrase_cache_probs(context, 12)
    assert p.argmax() == 3 and np.isclose(p.sum(), 1.0)  # "sat" followed "the cat"
    assert p[4] > p[6] and p[4] > 0                       # "dog" followed "the": backed off to
    assert p[5] > 0                                        # "ran": the word cache


def test_phrase_cache_probabilities_of_chosen_words_equal_the_whole_distribution_there():
    context = [5, 7, 7, 9, 5, 7, 0, 5, 7]
    ids = np.array([7, 5, 3, 0, 9])
    whole = phrase_cache_probs(context, 12)
    assert np.allclose(phrase_cache_probs(context, 12, ids=ids), whole[ids])
    assert all(np.isclose(phrase_cache_probs(context, 12, target=t), whole[t]) for t in range(12))
    assert np.allclose(phrase_cache_probs([], 12), cache_probs([], 12))  # nothing typed: uniform


def _reference_phrase_cache(context, vocab_size, prior=1.0):
    """The phrase cache spelled out: counts of what followed the last k tokens, k = 1, 2."""
    window = list(context[-400:])
    p = [window.count(w) / len(window) for w in range(vocab_size)]
    for k in (1, 2):
        last = window[len(window) - k:]
        followers = [window[i + k] for i in range(len(window) - k) if window[i:i + k] == last]
        if len(window) <= k or not followers:
            break
        p = [(followers.count(w) + prior * p[w]) / (len(followers) + prior) for w in range(vocab_size)]
    return np.array(p)


def test_the_phrase_cache_matches_its_definition_on_random_documents():
    rng = np.random.default_rng(0)
    for _ in range(50):
        context = list(rng.integers(0, 6, rng.integers(1, 500)))
        assert np.allclose(phrase_cache_probs(context, 8), _reference_phrase_cache(context, 8))


def test_the_caches_of_a_few_chosen_words_match_their_definition_on_random_documents():
    # the corrector's path and the weight fit's: counted for the chosen ids only (repeated ids, ids never in the window)
    rng = np.random.default_rng(1)
    for _ in range(50):
        context = list(rng.integers(0, 6, rng.integers(1, 500)))
        ids = rng.integers(0, 8, rng.integers(1, 12))
        assert np.allclose(phrase_cache_probs(context, 8, ids=ids), _reference_phrase_cache(context, 8)[ids])
        # and one word's alone (fitting the weights asks it at every position)
        assert all(np.isclose(phrase_cache_probs(context, 8, target=t), _reference_phrase_cache(context, 8)[t])
                   for t in range(8))
        unigram = np.array([context[-400:].count(w) / len(context[-400:]) for w in range(8)])
        assert np.allclose(cache_probs(context, 8, ids=ids), unigram[ids])


def _document(tmp_path, n=300):
    lines = [f"Paragraph {i} says the option number {i % 7} sets the timeout of job {i}." for i in range(n)]
    (tmp_path / "doc.txt").write_text("\n".join(lines))
    return lines, read_corpus(tmp_path).split(0.1)


def test_validation_paragraphs_come_after_the_text_that_precedes_them_in_the_corpus(tmp_path):
    lines, split = _document(tmp_path)
    val = list(split.val())
    pairs = list(split.val_in_context(120, every=2))
    assert [p for p, scored in pairs if scored] == val[0::2]
    texts = [p for p, _ in pairs]
    assert sum(not s for _, s in pairs) >= len(val) // 2  # text before (nearly) every one
    assert len(set(texts)) == len(texts)  # nothing given twice
    for i, (para, scored) in enumerate(pairs):
        if scored and i and not pairs[i - 1][1]:
            before = " ".join(p for p, s in pairs[:i] if not s).split(" ")
            where = lines.index(para)
            assert before[-len(lines[where - 1].split()):] == lines[where - 1].split()  # right before it
    context = [p for p, s in pairs if not s]
    assert all(len(p) <= 120 for p in context)
    assert sum(len(p) for p, s in pairs if not s) <= 121 * (len(val) // 2 + 1)


def test_the_tuning_stream_scores_only_the_validation_paragraphs_words(tmp_path):
    lines, split = _document(tmp_path)
    tok = WordTokenizer.build(lines, 500, 1)
    ids, scored = tuning_stream(split, tok)
    pairs = list(split.val_in_context(2000))
    expected = np.concatenate([np.full(len(tok.encode_each([p])[0]), s) for p, s in pairs])
    expected[np.flatnonzero(ids == tok.bos_id)] = False
    assert len(ids) == len(scored) == len(expected) and (scored == expected).all()
    assert scored.sum() == sum(len(tok.encode_each([p])[0]) - 1 for p in split.val())


def test_a_document_that_repeats_its_phrases_gets_weight_on_the_phrase_cache(tmp_path):
    lines, split = _document(tmp_path)
    tok = WordTokenizer.build(lines, 500, 1)
    other = tok.encode_paragraphs([f"Some other text {i} with job and option words." for i in range(50)])
    weights, ppl = tune_mixture(None, KneserNey.build(other, tok.vocab_size, 3), *tuning_stream(split, tok))
    assert weights["phrase_cache"] > max(weights["ngram"], weights["cache"])
    assert np.isclose(sum(weights.values()), 1.0) and ppl < 10
