"""Arbitrary Unicode never breaks the tokenizer, suggest(), complete_phrase(), correct() or
autocorrect().

Examples per property come from the hypothesis profile in conftest.py (1,000 in CI)."""

from hypothesis import given
from hypothesis import strategies as st

from nextword.text.tokenizer import is_word
from nextword.text.words import split_words

texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60).map(lambda s: s * 20),
    st.sampled_from(["", " ", "\x00", "\u202e\u05e9\u05dc\u05d5\u05dd", "e\u0301\u0301\u0301", "🙂" * 50,
                     "a" * 100_000, "\r\n\t\x0b\x0c", "don'", "''''", "I'll meet you at the"]),
)


@given(text=texts)
def test_tokenizer_never_raises_and_round_trips_the_words(tiny_model, text):
    tokens = split_words(text)
    assert all(t and not t.isspace() for t in tokens)
    ids = tiny_model.tokenizer.encode(text)
    assert len(ids) == len(tokens) and all(0 <= i < tiny_model.tokenizer.vocab_size for i in ids)


@given(text=texts, k=st.integers(min_value=-2, max_value=8))
def test_suggest_never_raises_and_returns_at_most_k(tiny_model, text, k):
    out = tiny_model.suggest(text, k)
    assert len(out) <= max(0, k)
    assert all(s.word and s.score <= 0 for s in out)


@given(text=texts, max_words=st.integers(min_value=-2, max_value=9))
def test_complete_phrase_never_raises_and_returns_at_most_max_words(tiny_model, text, max_words):
    phrase = tiny_model.complete_phrase(text, max_words)
    assert isinstance(phrase, str) and "\n" not in phrase
    assert sum(map(is_word, split_words(phrase))) <= max(0, max_words)


@given(word=texts, context=texts, k=st.integers(min_value=-1, max_value=6))
def test_correct_never_raises_and_returns_at_most_k(tiny_model, word, context, k):
    out = tiny_model.correct(word, context, k)
    assert len(out) <= max(0, k)


@given(text=texts)
def test_autocorrect_never_raises_and_keeps_the_whitespace(tiny_model, text):
    fixed = tiny_model.autocorrect(text)
    assert isinstance(fixed, str)
    assert [c for c in fixed if c.isspace()] == [c for c in text if c.isspace()]
