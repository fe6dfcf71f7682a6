"""Correction candidates: every vocabulary word within a small edit distance of a typed word.

A symmetric-delete index (the SymSpell idea): each vocabulary word is stored under every string
obtained by deleting up to ``max_distance`` characters from its first ``prefix_length``
characters. A typed word's own deletes then meet the deletes of every word within that distance,
so a lookup is a few dozen probes instead of a scan of the vocabulary. The deletes are kept
as sorted 64-bit keys in numpy arrays, a prefix's characters packed a byte each (a few MB for
30,000 words rather than a dict of a million strings), and made with numpy for all prefixes of
one length at once (an index of 60,000 words in 0.2 s, four times faster than making and
hashing each delete string); every hit is confirmed with the true (restricted
Damerau-Levenshtein) distance.

This covers adjacent-key substitutions, transpositions, doubled and dropped letters and missing
apostrophes (``dont`` is one deletion from ``don't``). ``split_candidates`` adds the run-together
case (``alot`` -> ``a lot``); ``single_edits`` and ``is_single_edit`` are the one-slip rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import OSA


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap adjacent characters)
    between ``a`` and ``b``; any distance above ``limit`` comes back as ``limit + 1``.
    rapidfuzz's C++ implementation: the same definition, tens of times faster than a Python
    table, and the corrector aligns thousands of candidates a second."""
    return OSA.distance(a, b, score_cutoff=limit)


def is_single_edit(a: str, b: str) -> bool:
    """Whether ``b`` is one insertion, deletion, substitution or swap away from ``a``."""
    return OSA.distance(a, b, score_cutoff=1) == 1


def deletes(word: str, max_distance: int) -> set[str]:
    """``word`` and every string made by deleting up to ``max_distance`` of its characters."""
    out = {word}
    frontier = {word}
    for _ in range(max_distance):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))} - out
        out |= frontier
    return out


_BAG_SIZE = 28  # a-z, apostrophe, anything else


def _letter_codes(text: str) -> np.ndarray:
    """Each character's bag column: a-z, apostrophe, anything else."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - ord("a")
    return np.where((codes >= 0) & (codes < 26), codes, np.where(codes == ord("'") - ord("a"), 26, 27))


@lru_cache(maxsize=4096)
def _bag(word: str) -> np.ndarray:
    """Letter counts of ``word`` (for the bag-distance bound; cached: callers must not write
    to it)."""
    return np.bincount(_letter_codes(word), minlength=_BAG_SIZE).astype(np.int16)


def _bags(words: list[str]) -> np.ndarray:
    """``_bag`` of every word, as rows, in one pass (an index of 50,000 words in milliseconds)."""
    owner = np.repeat(np.arange(len(words)), [len(w) for w in words])
    flat = np.bincount(owner * _BAG_SIZE + _letter_codes("".join(words)), minlength=len(words) * _BAG_SIZE)
    return flat.reshape(len(words), _BAG_SIZE).astype(np.int16)


# a character of a delete key, one byte: a-z 1-26, apostrophe 27, digits 28-37, other 38-63
def _code(c: int) -> int:
    return c - 96 if 97 <= c <= 122 else 27 if c == 39 else c - 20 if 48 <= c <= 57 else 38 + c % 26


_ASCII = {c: _code(c) for c in range(128)}  # str.translate table: the usual case in C
_ASCII_CODES = np.array([_code(c) for c in range(128)], dtype=np.int64)


def _char_codes(text: str) -> np.ndarray:
    """``_code`` of each character of ``text`` (never 0: a key's unused places are 0)."""
    c = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return np.where(c < 128, _ASCII_CODES[np.minimum(c, 127)], 38 + c % 26)  # (_code beyond ASCII)


def _key(text: str, width: int) -> int:
    """The delete key of one string (``delete_keys`` makes the same for many at once)."""
    codes = text.translate(_ASCII).encode("latin-1") if text.isascii() else bytes(_code(ord(ch)) for ch in text)
    return int.from_bytes(codes, "big") << (8 * (width - len(text)))


@lru_cache(maxsize=4096)
def _probes(prefix: str, max_distance: int, width: int) -> np.ndarray:
    """The keys of ``deletes(prefix, max_distance)``, made on the key itself: deleting a
    character is masking it out and moving the bytes after it up (cached: a typed word is
    looked up in several indexes; callers must not write to it)."""
    full = (1 << 8 * width) - 1
    keep = [(full ^ ((1 << 8 * (width - i)) - 1), (1 << 8 * (width - 1 - i)) - 1) for i in range(width)]
    out = frontier = {(_key(prefix, width), len(prefix))}
    for _ in range(max_distance):
        frontier = {((k & high) | ((k & low) << 8), n - 1)
                    for k, n in frontier for high, low in keep[:n]} - out
        out = out | frontier
    return np.fromiter((k for k, _ in out), dtype=np.int64, count=len(out))


def delete_keys(prefixes: list[str], max_distance: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The keys of ``deletes(prefix, max_distance)`` for every prefix (at most ``width``
    characters), and for each key the index of its prefix. A key packs the characters left to
    right, a byte each, so equal strings of letters, digits and apostrophes get equal keys and
    other strings differ (other characters share codes: a few extra matches, which the true
    distance then drops). Built with numpy a length at a time: no string is made. (A prefix
    with a repeated letter gets some keys twice; lookups drop the repeats.)"""
    if width > 7:
        raise ValueError("delete keys hold at most 7 characters")
    keys, owners = [], []
    lengths = np.fromiter(map(len, prefixes), dtype=np.int64, count=len(prefixes))
    codes = _char_codes("".join(prefixes))
    starts = np.cumsum(lengths) - lengths
    for length in np.unique(lengths).tolist():
        who = np.flatnonzero(lengths == length)
        grid = codes[starts[who, None] + np.arange(length)]  # (prefixes, length)
        for d in range(min(max_distance, length) + 1):
            for drop in itertools.combinations(range(length), d):
                key = np.zeros(len(who), dtype=np.int64)
                for place, j in enumerate(j for j in range(length) if j not in drop):
                    key |= grid[:, j] << (8 * (width - 1 - place))
                keys.append(key)
                owners.append(who)
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(keys), np.concatenate(owners)


class DeleteIndex:
    """Symmetric-delete lookup of the words (``words[i]`` has id ``ids[i]``) within an edit
    distance of a typed string."""

    def __init__(self, words: Iterable[str], ids: Iterable[int] | None = None,
                 max_distance: int = 2, prefix_length: int = 7):
        self.words: list[str] = list(words)
        self.ids = np.asarray(list(ids) if ids is not None else range(len(self.words)), dtype=np.int64)
        self.max_distance = max_distance
        self.prefix_length = prefix_length
        self.by_id = dict(zip(self.ids.tolist(), self.words, strict=True))
        # words sharing their first letters share deletes: keys per distinct prefix, then each
        # word gets its prefix's keys
        prefixes, of_word = np.unique(np.array([w[:prefix_length] for w in self.words], dtype=str),
                                      return_inverse=True)
        pkey, powner = delete_keys(prefixes.tolist(), max_distance, prefix_length)
        by_owner = np.argsort(powner, kind="stable")
        pkey, powner = pkey[by_owner], powner[by_owner]
        first = np.searchsorted(powner, np.arange(len(prefixes) + 1))
        n = (first[1:] - first[:-1])[of_word]
        at = np.arange(int(n.sum())) + np.repeat(first[of_word] - (np.cumsum(n) - n), n)
        key = pkey[at]
        row = np.repeat(np.arange(len(self.words), dtype=np.int32), n)
        order = np.argsort(key, kind="stable")
        # each distinct key once, with where its rows start: one binary search per probe
        self._keys, starts = np.unique(key[order], return_index=True)
        self._starts = np.append(starts, len(key)).astype(np.int64)
        self._rows = row[order]
        self._bags = _bags(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def _rows_for(self, typed: str, max_distance: int) -> np.ndarray:
        if not len(self._keys):
            return np.zeros(0, dtype=np.int32)
        probes = _probes(typed[: self.prefix_length], max_distance, self.prefix_length)
        at = np.searchsorted(self._keys, probes)
        at = at[self._keys.take(at, mode="clip") == probes]  # the probes that are keys
        lo, hi = self._starts[at], self._starts[at + 1]
        n = hi - lo
        total = int(n.sum())
        if not total:
            return np.zeros(0, dtype=np.int32)
        # every position of every matching run, without a Python loop over the runs
        at = np.arange(total) + np.repeat(lo - (np.cumsum(n) - n), n)
        return np.unique(self._rows[at])

    def near(self, typed: str, max_distance: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows (indexes into ``words``/``ids``) of the words that may lie within ``max_distance``
        of ``typed`` (every one that does, plus some that do not: confirm with
        ``osa_distance``), and a lower bound on each one's distance."""
        limit = self.max_distance if max_distance is None else min(max_distance, self.max_distance)
        rows = self._rows_for(typed, limit)
        if not len(rows):
            return rows, np.zeros(0, dtype=np.int64)
        # letters in one word and not the other need an edit each: a cheap lower bound that
        # drops most delete-matches before the exact distance is computed
        diff = self._bags[rows] - _bag(typed)
        bound = np.maximum(np.maximum(diff, 0).sum(1), np.maximum(-diff, 0).sum(1))
        bound = np.maximum(bound, 1 if typed else 0)
        keep = bound <= limit
        return rows[keep], bound[keep].astype(np.int64)

    def bag_diff(self, typed: str, rows: np.ndarray) -> np.ndarray:
        """Letter counts (a-z, apostrophe, other) of the words at ``rows`` minus those of
        ``typed``: positive where a word has letters the typed string lacks."""
        return self._bags[rows].astype(np.int64) - _bag(typed)

    def lookup(self, typed: str, max_distance: int | None = None) -> list[tuple[str, int, int]]:
        """``(word, id, distance)`` for every indexed word within ``max_distance`` of ``typed``
        (the typed string itself included, at distance 0), nearest first."""
        limit = self.max_distance if max_distance is None else min(max_distance, self.max_distance)
        found = []
        for row in self.near(typed, limit)[0].tolist():
            word = self.words[row]
            d = osa_distance(typed, word, limit)
            if d <= limit:
                found.append((word, int(self.ids[row]), d))
        found.sort(key=lambda t: t[2])
        return found


def split_candidates(typed: str, is_known: callable, min_part: int = 1) -> Iterator[tuple[str, str]]:
    """Ways to read a run-together ``typed`` as two known words (``alot`` -> ``a``, ``lot``).
    One-letter parts are only ``a`` and ``i``, the English one-letter words."""
    for cut in range(min_part, len(typed) - min_part + 1):
        left, right = typed[:cut], typed[cut:]
        if not left or not right:
            continue
        if len(left) == 1 and left not in "ai" or len(right) == 1 and right not in "ai":
            continue
        if is_known(left) and is_known(right):
            yield left, right


_LETTERS = "abcdefghijklmnopqrstuvwxyz'"


def single_edits(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion (of a letter or an
    apostrophe) away from ``word``: for looking a typed word up in a plain word list (a few
    hundred probes) where building a delete index would cost more than it saves."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    out |= {a + c + b for a, b in splits for c in _LETTERS}
    out.discard(word)
    return out
