"""Interpolated Kneser-Ney n-gram model over the word vocabulary.

Two uses: the baseline every nextword score is compared against (same training tokens, same
evaluation code), and a component mixed with the LSTM in the typing model (n-grams remember rare
exact phrases that a small LSTM smooths away).

Storage: for each order n, the distinct n-grams packed into one uint64 each (``bits`` per word,
context-major), sorted, with their counts. All followers of a context are then one contiguous
range found by binary search, and the whole model is a few flat arrays in a safetensors file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from safetensors.numpy import save as np_save

from nextword.core.checkpoint import load_tensors
from nextword.files import atomic_write_bytes


class KneserNey:
    """P(next word | previous order-1 words) with interpolated Kneser-Ney smoothing."""

    def __init__(self, vocab_size: int, keys: list[np.ndarray], counts: list[np.ndarray],
                 discounts: np.ndarray):
        self.order = len(keys)
        self.vocab_size = vocab_size
        self.bits = max(1, int(vocab_size - 1).bit_length())
        self.mask = np.uint64((1 << self.bits) - 1)
        self.keys, self.counts = keys, counts
        self.discounts = discounts
        # order 1: continuation counts over the vocabulary, interpolated with uniform
        uni = np.zeros(vocab_size, dtype=np.float64)
        uni[keys[0].astype(np.int64)] = counts[0]
        total, d = uni.sum(), discounts[0]
        self.unigram = np.maximum(uni - d, 0) / total + d * (uni > 0).sum() / total / vocab_size
        self._runs: dict[tuple[int, int], tuple[int, int, float]] = {}  # see ``_run``

    # -- building -----------------------------------------------------------------------------------
    @classmethod
    def build(cls, ids: np.ndarray, vocab_size: int, order: int = 4, min_count: int = 1) -> KneserNey:
        """Count n-grams of ``ids``. ``min_count`` > 1 prunes rarer n-grams of order >= 3
        (after the lower-order continuation counts are taken, so those stay exact)."""
        bits = max(1, int(vocab_size - 1).bit_length())
        if bits * order > 64:
            raise ValueError(f"a {order}-gram of a {vocab_size}-word vocabulary does not fit 64 bits")
        ids = np.asarray(ids, dtype=np.uint64)
        keys: list[np.ndarray] = [np.zeros(0, np.uint64)] * order
        counts: list[np.ndarray] = [np.zeros(0, np.uint32)] * order
        packed = ids.copy()
        grams = [ids]  # grams[n-1]: packed n-grams (not unique)
        for n in range(2, order + 1):
            packed = (packed[:-1] << np.uint64(bits)) | ids[n - 1:]
            grams.append(packed)
        for n in range(order, 0, -1):
            if n == order:
                uniq, cnt = np.unique(grams[n - 1], return_counts=True)
            else:  # continuation count: number of distinct words seen before the n-gram
                mask = np.uint64((1 << (bits * n)) - 1)
                uniq, cnt = np.unique(keys[n] & mask, return_counts=True)
            keys[n - 1], counts[n - 1] = uniq, cnt.astype(np.uint32)
        discounts = np.zeros(order)
        for n in range(order):
            n1 = int((counts[n] == 1).sum())
            n2 = int((counts[n] == 2).sum())
            discounts[n] = n1 / (n1 + 2 * n2) if n1 + n2 else 0.5
        if min_count > 1:
            for n in range(2, order):
                keep = counts[n] >= min_count
                keys[n], counts[n] = keys[n][keep], counts[n][keep]
        return cls(vocab_size, keys, counts, discounts)

    # -- querying -----------------------------------------------------------------------------------
    def probs(self, context: list[int] | np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Probability of every vocabulary word after ``context`` (its last order-1 ids), or
        with ``ids`` of those words only (the same values, without touching the rest)."""
        if ids is not None:
            return self._probs_of(context, np.asarray(ids, dtype=np.int64))
        p = self.unigram
        for _, keys, c, total, d in self._followers(context):
            p = p * (d * len(c) / total)
            p[(keys & self.mask).astype(np.int64)] += np.maximum(c.astype(np.float64) - d, 0) / total
        return p if p is not self.unigram else p.copy()

    def _probs_of(self, context: list[int] | np.ndarray, ids: np.ndarray) -> np.ndarray:
        """``probs(context)[ids]`` computed for ``ids`` alone: a context's followers are one
        sorted run of keys, so each order is a binary search per id."""
        p = self.unigram[ids]
        for prefix, keys, c, total, d in self._followers(context):
            p = p * (d * len(c) / total)
            wanted = prefix | ids.astype(np.uint64)
            at = np.searchsorted(keys, wanted)
            found = at < len(keys)
            found[found] = keys[at[found]] == wanted[found]
            p[found] += np.maximum(c[at[found]].astype(np.float64) - d, 0) / total
        return p

    def stream_probs(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every position t of a token stream: P(ids[t+1] | ids[..t]) (the same values as
        ``probs``), and how many words of that context were seen together and how often (as
        ``context_seen``). All positions at once, one binary search per order."""
        ids = np.asarray(ids, dtype=np.uint64)
        target = ids[1:]
        p = self.unigram[target.astype(np.int64)]
        seen = np.zeros(len(target), dtype=np.int64)
        total_seen = np.zeros(len(target))
        active = np.ones(len(target), dtype=bool)
        ctx = np.zeros(len(target), dtype=np.uint64)
        shift = np.uint64(self.bits)
        for n in range(2, self.order + 1):
            # the n-1 words before each target, packed; too early in the stream: inactive
            ctx = ctx | (np.roll(ids[:-1], n - 2) << np.uint64(self.bits * (n - 2)))
            active[: n - 2] = False
            keys, counts = self.keys[n - 1], self.counts[n - 1]
            cum = np.concatenate([[0.0], np.cumsum(counts, dtype=np.float64)])
            lo = np.searchsorted(keys, ctx << shift)
            hi = np.searchsorted(keys, (ctx + np.uint64(1)) << shift)
            active &= hi > lo
            if not active.any():
                break
            a = np.flatnonzero(active)
            total, types = cum[hi[a]] - cum[lo[a]], (hi[a] - lo[a]).astype(np.float64)
            gram = (ctx[a] << shift) | target[a]
            at = np.minimum(np.searchsorted(keys, gram), len(keys) - 1)
            c = np.where(keys[at] == gram, counts[at], 0).astype(np.float64)
            d = self.discounts[n - 1]
            p[a] = p[a] * (d * types / total) + np.maximum(c - d, 0) / total
            seen[a], total_seen[a] = n - 1, total
        return p, seen, total_seen

    def context_seen(self, context: list[int] | np.ndarray) -> tuple[int, float]:
        """How many of the last words of ``context`` were seen together as a context (0: not
        even the last one), and how often that longest context was seen."""
        order, total = 0, 0.0
        for n, (_, _, _, seen, _) in enumerate(self._followers(context), start=1):
            order, total = n, seen
        return order, total

    def _followers(self, context: list[int] | np.ndarray
                   ) -> Iterator[tuple[np.uint64, np.ndarray, np.ndarray, float, float]]:
        """For n = 2, 3, ... while the last n-1 ids of ``context`` were seen as a context: the
        context's key prefix, the sorted keys of its followers, their counts, the count total
        and the discount of order n."""
        ctx = [int(x) for x in context[-(self.order - 1):]] if self.order > 1 else []
        for n in range(2, min(self.order, len(ctx) + 1) + 1):
            key = 0
            for w in ctx[len(ctx) - (n - 1):]:
                key = (key << self.bits) | w
            lo, hi, total = self._run(n, key)
            if hi == lo:
                return  # an unseen context has no seen extensions either
            yield (np.uint64(key) << np.uint64(self.bits), self.keys[n - 1][lo:hi],
                   self.counts[n - 1][lo:hi], total, self.discounts[n - 1])

    def _run(self, n: int, key: int) -> tuple[int, int, float]:
        """Where the followers of the context ``key`` (n-1 packed ids) lie among the n-grams,
        and their count total. Remembered: a frequent context ("of the") has thousands of
        followers, and summing them on every question was most of a question's time."""
        run = self._runs.get((n, key))
        if run is None:
            keys, shift = self.keys[n - 1], np.uint64(self.bits)
            lo = int(np.searchsorted(keys, np.uint64(key) << shift))
            hi = int(np.searchsorted(keys, np.uint64(key + 1) << shift))
            if len(self._runs) >= 100_000:
                self._runs.clear()
            run = self._runs[(n, key)] = (lo, hi, float(self.counts[n - 1][lo:hi].sum(dtype=np.float64)))
        return run

    # -- files --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        arrays = {"discounts": self.discounts, "vocab_size": np.array([self.vocab_size])}
        for n in range(self.order):
            arrays[f"keys{n + 1}"] = self.keys[n]
            arrays[f"counts{n + 1}"] = self.counts[n]
        atomic_write_bytes(path, np_save(arrays))

    @classmethod
    def load(cls, path: str | Path) -> KneserNey:
        t = load_tensors(path, framework="np")
        order = sum(1 for k in t if k.startswith("keys"))
        return cls(int(t["vocab_size"][0]), [t[f"keys{n}"] for n in range(1, order + 1)],
                   [t[f"counts{n}"] for n in range(1, order + 1)], t["discounts"])

    @property
    def nbytes(self) -> int:
        return sum(k.nbytes + c.nbytes for k, c in zip(self.keys, self.counts, strict=True))
