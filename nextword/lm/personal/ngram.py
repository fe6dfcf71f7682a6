"""The personal n-gram: trigram counts of what the user typed, over vocabulary ids."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np


class PersonalNgram:
    """Trigram counts over vocabulary ids, interpolated down to unigrams (Witten-Bell).

    Implements the ``TypingModel.personal`` hook. Thread-safe: the UI learns while a worker
    thread asks for probabilities.
    """

    def __init__(self, vocab_size: int, skip_ids: Sequence[int] = ()):
        self.vocab_size = vocab_size
        self.skip = set(skip_ids)  # never predicted (unknown word, paragraph boundary)
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.unigram = np.zeros(self.vocab_size)
            self.following: dict[tuple[int, ...], Counter] = defaultdict(Counter)
            self.words = 0

    def observe(self, context: Sequence[int], word: int) -> None:
        """Count ``word`` after ``context`` (only its last two ids matter)."""
        if word in self.skip or not 0 <= word < self.vocab_size:
            return
        ctx = tuple(context[-2:])
        with self._lock:
            self.unigram[word] += 1
            self.words += 1
            if ctx:
                self.following[ctx[-1:]][word] += 1
            if len(ctx) == 2:
                self.following[ctx][word] += 1

    def unobserve(self, context: Sequence[int], word: int) -> None:
        """Undo one ``observe(context, word)`` (an autocorrection the user reverted)."""
        ctx = tuple(context[-2:])
        with self._lock:
            if word in self.skip or not 0 <= word < self.vocab_size or self.unigram[word] <= 0:
                return
            self.unigram[word] -= 1
            self.words -= 1
            for key in (ctx[-1:], ctx if len(ctx) == 2 else None):
                counts = self.following.get(key) if key else None
                if counts and counts.get(word):
                    counts[word] -= 1
                    if not counts[word]:
                        del counts[word]
                    if not counts:
                        del self.following[key]

    def observe_sequence(self, ids: Sequence[int]) -> None:
        for i, word in enumerate(ids):
            self.observe(ids[max(0, i - 2):i], word)

    def confidence(self, context: Sequence[int]) -> float:
        """How much to trust ``probs(context)``, 0..1: little when only the user's word
        frequencies apply, more as the user has often written something after this context."""
        with self._lock:
            ctx = tuple(int(i) for i in context[-2:])
            seen = 0
            for order in (2, 1):
                counts = self.following.get(ctx[-order:]) if len(ctx) >= order else None
                if counts:
                    seen = sum(counts.values())
                    break
            return 0.25 + 0.75 * seen / (seen + 1)

    def probs(self, context: Sequence[int]) -> np.ndarray | None:
        """P(next id | the last two ids of ``context``) over the vocabulary; None before any
        learning."""
        with self._lock:
            if not self.words:
                return None
            p = self.unigram / self.words
            ctx = tuple(int(i) for i in context[-2:])
            for order in (1, 2):  # bigram on unigram, then trigram on bigram
                if len(ctx) < order or ctx[-order:] not in self.following:
                    break
                counts = self.following[ctx[-order:]]
                total, types = sum(counts.values()), len(counts)
                p = p * (types / (total + types))
                for word, n in counts.items():
                    p[word] += n / (total + types)
            return p
