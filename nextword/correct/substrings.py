"""Substring edits of the channel model: ``ie`` -> ``ei``, ``ent`` -> ``ant``, ``mm`` -> ``m``.

Brill and Moore's improved error model ("An improved error model for noisy channel spelling
correction", 2000): a misspelling is a word's pieces each typed as another piece of up to three
characters, P(typed piece | intended piece) learned from real misspellings. Single-letter
edits (``errormodel``'s tables) see ``seperate`` as one substitution as unlikely as any other
vowel swap; a substring rule knows that ``par`` is written ``per`` far more often than an
``a`` is hit as an ``e``, and ``definately``, ``accomodate`` or ``goverment`` read as the
spellings people actually produce.

Learning (``count_rules``): each pair is aligned letter by letter; every window of up to three
intended (and three typed) characters around each edit that differs is a rule ``a -> b``,
counted once per pair; P(b | a) is its count over the times ``a`` occurs in the intended words.
Only rules whose pieces hold two or more characters on one side are kept (single edits are
the tables' job), and only those seen in at least ``min_count`` pairs. ``ErrorModel`` scores
them along its alignment (``ErrorModel._viterbi``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

MAX_PIECE = 3  # characters on each side of a rule


def edit_table(typed: str, intended: str, swaps: bool = False) -> list[list[int]]:
    """``d[i][j]``: the fewest edits from ``intended[:i]`` to ``typed[:j]`` (Levenshtein; with
    ``swaps`` two neighbouring letters swapped count as one edit too: optimal string alignment)."""
    n, m = len(intended), len(typed)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if intended[i - 1] == typed[j - 1] else 1
            best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if (swaps and cost and i > 1 and j > 1 and intended[i - 1] == typed[j - 2]
                    and intended[i - 2] == typed[j - 1]):
                best = min(best, d[i - 2][j - 2] + 1)
            d[i][j] = best
    return d


def columns(typed: str, intended: str) -> list[tuple[str, str]]:
    """A cheapest Levenshtein alignment of ``intended`` to ``typed`` as columns ``(intended
    piece, typed piece)``: equal letters, substitutions, ``(x, "")`` deletions and ``("", y)``
    insertions, in order."""
    n, m = len(intended), len(typed)
    d = edit_table(typed, intended)
    out: list[tuple[str, str]] = []
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + (intended[i - 1] != typed[j - 1]):
            out.append((intended[i - 1], typed[j - 1]))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            out.append((intended[i - 1], ""))
            i -= 1
        else:
            out.append(("", typed[j - 1]))
            j -= 1
    return out[::-1]


def pair_rules(typed: str, intended: str) -> set[tuple[str, str]]:
    """The substring rules ``(intended piece, typed piece)`` one misspelling shows: every window
    of alignment columns around an edit with at most ``MAX_PIECE`` characters a side, at
    least two on one side, and pieces that differ."""
    cols = columns(typed, intended)
    rules = set()
    for e, (a, b) in enumerate(cols):
        if a == b:
            continue
        for start in range(max(0, e - MAX_PIECE), e + 1):
            for stop in range(e + 1, min(len(cols), e + MAX_PIECE + 1) + 1):
                src = "".join(c[0] for c in cols[start:stop])
                dst = "".join(c[1] for c in cols[start:stop])
                if len(src) > MAX_PIECE or len(dst) > MAX_PIECE:
                    break
                if src and src != dst and max(len(src), len(dst)) >= 2:
                    rules.add((src, dst))
    return rules


def count_rules(pairs: Iterable[tuple[str, str]], min_count: int = 3,
                smoothing: float = 5.0) -> list[tuple[str, str, float]]:
    """``(intended piece, typed piece, log P(typed piece | intended piece))`` learned from
    ``(typed, intended)`` misspellings: rules seen in at least ``min_count`` pairs, each over
    the occurrences of its intended piece (plus ``smoothing``) in the intended words."""
    rules: Counter = Counter()
    pieces: Counter = Counter()
    for typed, intended in pairs:
        if typed == intended:
            continue
        rules.update(pair_rules(typed, intended))
        pieces.update(intended[i:i + k] for k in range(1, MAX_PIECE + 1)
                      for i in range(len(intended) - k + 1))
    out = []
    for (src, dst), n in sorted(rules.items()):
        if n >= min_count:
            out.append((src, dst, math.log(min(n / (pieces[src] + smoothing), 0.9))))
    return out
