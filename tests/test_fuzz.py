"""Arbitrary Unicode never breaks the tokenizer or suggest() (hypothesis, 1,000 examples each)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextword.tokenizer import split_words

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60).map(lambda s: s * 20),
    st.sampled_from(["", " ", "\x00", "\u202e\u05e9\u05dc\u05d5\u05dd", "e\u0301\u0301\u0301", "🙂" * 50,
                     "a" * 100_000, "\r\n\t\x0b\x0c", "don'", "''''", "I'll meet you at the"]),
)


@FUZZ
@given(text=texts)
def test_tokenizer_never_raises_and_round_trips_the_words(tiny_model, text):
    tokens = split_words(text)
    assert all(t and not t.isspace() for t in tokens)
    ids = tiny_model.tokenizer.encode(text)
    assert len(ids) == len(tokens) and all(0 <= i < tiny_model.tokenizer.vocab_size for i in ids)


@FUZZ
@given(text=texts, k=st.integers(min_value=-2, max_value=8))
def test_suggest_never_raises_and_returns_at_most_k(tiny_model, text, k):
    out = tiny_model.suggest(text, k)
    assert len(out) <= max(0, k)
    assert all(s.word and s.score <= 0 for s in out)
