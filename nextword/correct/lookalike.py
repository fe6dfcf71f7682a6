"""Looks-alike candidates: real words that share most of a misspelling's letter pairs, however
many edits apart (``imfusiastic`` -> ``enthusiastic``, ``saticfacon`` -> ``satisfaction``).

A far misspelling keeps much of its word's spelling even where it loses the sound and several
letters: the letter pairs (bigrams, with the word's ends marked) the two share. Ranking words
by the Dice coefficient of their letter pairs is the classic n-gram similarity search of
spelling correction (Angell, Freund and Willett, 1983; Zobel and Dart, 1995); it reaches the
words neither the delete index (two edits) nor the phonetic key (``phonetic``) does. The index
holds each letter pair's words as one sorted array (a posting list); a lookup counts, for every
word, the pairs it shares with the typed word in one ``bincount`` over those lists.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def letter_pairs(word: str) -> set[str]:
    """The letter pairs of ``word`` with its ends marked (``^w``, ``wo``, ..., ``d$``)."""
    marked = "^" + word + "$"
    return {marked[i:i + 2] for i in range(len(marked) - 1)}


class LetterPairIndex:
    """Words by the letter pairs they hold, for ``alike`` lookups."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        pairs: dict[str, list[int]] = {}
        sizes = []
        for i, word in enumerate(self.words):
            mine = letter_pairs(word)
            sizes.append(len(mine))
            for pair in mine:
                pairs.setdefault(pair, []).append(i)
        self._postings = {pair: np.array(rows, dtype=np.int32) for pair, rows in pairs.items()}
        self._sizes = np.array(sizes, dtype=np.float32)
        self._lengths = np.array([len(w) for w in self.words], dtype=np.int32)

    def alike(self, word: str, n: int, min_dice: float = 0.5, max_gap: int = 3) -> list[tuple[str, float]]:
        """The ``n`` indexed words whose letter pairs overlap ``word``'s most (Dice coefficient,
        at least ``min_dice``), at most ``max_gap`` letters longer or shorter, best first,
        ``word`` itself left out."""
        mine = letter_pairs(word)
        lists = [self._postings[p] for p in mine if p in self._postings]
        if not lists or n <= 0:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.words)).astype(np.float32)
        dice = 2.0 * shared / (self._sizes + len(mine))
        dice[np.abs(self._lengths - len(word)) > max_gap] = 0.0
        top = np.flatnonzero(dice >= min_dice)
        top = top[np.argsort(-dice[top], kind="stable")]
        out = [(self.words[i], float(dice[i])) for i in top[: n + 1].tolist()]
        return [(w, d) for w, d in out if w != word][:n]
