"""A typed word's readings scored in context: unknown spellings scored in one batch, words of
the lexicon kept more readily and harder to replace."""

from __future__ import annotations

from nextword.correct.corrector import Corrector


def test_unknown_spellings_of_a_text_are_scored_in_one_batch_and_cached(fresh_model):
    c = Corrector(fresh_model)
    calls = {"one": 0}
    real = fresh_model.char_logprob

    def one(word):
        calls["one"] += 1
        return real(word)

    fresh_model.char_logprob = one
    c.autocorrect("zorblax frobnicated the qwxyz gadgetry, zorblax again")
    assert calls["one"] == 0
    assert abs(c.scorer._spelling("qwxyz") - real("qwxyz")) < 1e-4


def test_a_word_of_the_lexicon_is_kept_more_readily_than_an_unknown_string(fresh_model):
    c = Corrector(fresh_model).scorer
    prior = c.log_unigram
    plain = c._keep_oov("frobnicates", prior)
    fresh_model.known_words = {"frobnicates": 3}
    seen = Corrector(fresh_model).scorer
    assert seen._keep_oov("frobnicates", prior) > plain
    # ... and needs a wider margin to be replaced
    assert (seen._margin(seen.search.candidates("frobnicates"), "frobnicates")
            > c._margin(c.search.candidates("frobnicates"), "frobnicates"))


def test_the_margin_is_the_weighted_sum_of_its_terms(corrector):
    scorer, p = corrector.scorer, corrector.params
    for typed in ("teh", "the", "frobnicaes", "Zorblax"):
        low = typed.lower()
        c = scorer.search.candidates(low)
        terms = corrector.margin_terms(c, low)
        assert terms["base"] == 1.0 and terms["letters"] == len(low)
        want = sum(getattr(p, f"margin_{name}") * v for name, v in terms.items())
        assert abs(scorer._margin(c, low) - want) < 1e-9
        hyps, margin = corrector.hypotheses(typed, "", need=3, name=False)
        assert margin == scorer._margin(c, low)
        assert [h for h in hyps if h[2] == "typed"] and hyps == sorted(hyps, key=lambda h: -h[1])


def test_a_word_of_the_word_list_outside_the_vocabulary_is_real(fresh_model):
    """The English word list vouches for words neither the vocabulary nor the training text
    has: such a word is kept as typed, and offered as the correction of its misspellings."""
    c = Corrector(fresh_model)
    word = "desiccate"
    assert word not in fresh_model.tokenizer.ids and word not in fresh_model.known_words
    plain = "desiccatx"  # the same spelling, no word: scored by its letters alone
    prior = c.scorer.log_unigram
    assert c.scorer._keep_oov(word, prior) > c.scorer._keep_oov(plain, prior)
    assert c.autocorrect(f"they {word} the fruit") == f"they {word} the fruit"
    assert c.correct(word, "they", 1)[0].word == word
    assert word in [s.word for s in c.correct("desicate", "they", 3)]


def test_a_listed_word_counts_as_often_as_general_english_has_it(fresh_model):
    """A word of the word list outside the vocabulary counts as seen as often as general
    English (``word_zipf``) has it in a text the training text's size, at least
    ``LISTED_COUNT``: a common one is a likelier correction than a rare one."""
    from nextword.correct.hypotheses import LISTED_COUNT
    from nextword.text.wordlist import word_zipf

    c = Corrector(fresh_model)
    words = ("because", "people", "government", "scrolling", "desiccate", "supersede")
    outside = [w for w in words if w not in fresh_model.tokenizer.ids]
    assert len(outside) >= 3 and outside[-2:] == ["desiccate", "supersede"]
    total = float(fresh_model.unigram[: len(fresh_model.tokenizer.words)].sum())
    for word in outside:
        expected = round(10.0 ** (word_zipf()[word] - 9.0) * total)
        assert c.scorer.lexicon[word] == max(expected, LISTED_COUNT, fresh_model.known_words.get(word, 0))
    common, rare = outside[0], "desiccate"
    assert word_zipf()[common] > word_zipf()[rare] + 2
    assert c.scorer.lexicon_unigram(common) > c.scorer.lexicon_unigram(rare)


def test_the_users_dictionary_beats_the_word_list(fresh_model):
    """A misspelling one slip from a word of the user's dictionary and from a word of the
    word list reads as the user's word."""
    from nextword.text.wordlist import english_words

    assert "sorbet" in english_words() and "sorbex" not in english_words()
    fresh_model.user_words = {"sorbex"}
    c = Corrector(fresh_model)
    assert c.correct("sorbek", "a", 1)[0].word == "sorbex"
    assert "sorbet" in [s.word for s in c.correct("sorbek", "a", 3)]


def test_a_rare_word_of_the_larger_list_is_offered_but_never_counted_real(fresh_model):
    """SCOWL's larger list adds rare words (``transportability``, and ``hist``, ``wat``):
    ``correct()`` offers them, but a typed one is no more real than any unknown string, so
    the typos they would hide are still corrected."""
    from nextword.text.wordlist import english_words, rare_english_words

    c = Corrector(fresh_model)
    word = "transportability"
    assert word in rare_english_words() and word not in english_words() | set(fresh_model.tokenizer.ids)
    assert c.correct("transportibility", "the", 3)[0].word == word
    # kept by its letters alone (not a lexicon word), and no candidate of autocorrect's
    assert "wat" not in c.scorer.lexicon and "wat" not in c.scorer.search.candidates("wht").lexicon
