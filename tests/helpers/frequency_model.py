"""A typing model from corpus counts alone, for corrector tests that need no LSTM: the next word is
drawn from the unigram distribution whatever the context, and spellings from a letter-bigram
model."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from nextword.text.tokenizer import WordTokenizer
from nextword.text.words import split_words


class FrequencyModel:
    """The language-model protocol from corpus counts alone: the next word is drawn from the
    unigram distribution whatever the context, and spellings from a letter-bigram model."""

    def __init__(self, tokenizer: WordTokenizer, counts: np.ndarray, bigrams: dict[str, float],
                 user_words: Iterable[str] = ()):
        self.tokenizer = tokenizer
        self.unigram = counts.astype(np.float64)
        self._probs = (self.unigram + 0.5) / (self.unigram + 0.5).sum()
        self._bigrams = bigrams
        self.user_words = {w.lower() for w in user_words}

    @classmethod
    def from_corpus(cls, paths: Sequence[str | Path], vocab_size: int = 30_000) -> FrequencyModel:
        paragraphs = [p for path in paths for p in Path(path).read_text("utf-8").splitlines() if p.strip()]
        tok = WordTokenizer.build(paragraphs, vocab_size=vocab_size)
        counts = np.zeros(tok.vocab_size)
        letters: Counter = Counter()
        for para in paragraphs:
            for w in split_words(para):
                counts[tok.token_id(w)] += 1
                w = "^" + w.lower() + "$"
                letters.update(w[i:i + 2] for i in range(len(w) - 1))
        firsts: Counter = Counter()
        for bg, n in letters.items():
            firsts[bg[0]] += n
        bigrams = {bg: math.log(n / firsts[bg[0]]) for bg, n in letters.items()}
        return cls(tok, counts, bigrams)

    def next_word_probs(self, context: str) -> np.ndarray:
        return self._probs

    def display(self, word: str) -> str:
        return self.tokenizer.display(word)

    def char_logprob(self, word: str) -> float:
        w = "^" + word.lower() + "$"
        return sum(self._bigrams.get(w[i:i + 2], -12.0) for i in range(len(w) - 1))
