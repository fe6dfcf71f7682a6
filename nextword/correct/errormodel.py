"""The channel model P(typed | intended): how likely a typist who meant one word types another.

Kernighan, Church and Gale's single-edit confusion tables, learned from real misspellings
(``scripts/build/error_model.py`` counts them in the Birkbeck and codespell development pairs):

* ``sub[x][y]``  intended ``x`` typed as ``y``, per occurrence of ``x``;
* ``dele[p][x]`` intended ``x`` (after ``p``) left out, per occurrence of the bigram ``px``;
* ``ins[p][y]``  an extra ``y`` typed right after the key ``p``, per occurrence of ``p``;
* ``trans[x][y]`` intended ``xy`` typed ``yx``, per occurrence of ``xy``.

``^`` stands for the start of the word. Counts are smoothed towards a keyboard prior (a QWERTY
neighbour or a doubled key is a far likelier slip than a random letter), so pairs never seen in
training still get sensible odds. The learned tables ship as ``resources/error_model.json``;
nothing reads the typo data at run time.

A word with several edits is scored along its most likely alignment (a small Viterbi table over
the part of the two words that differs). The spelling-error model also knows substring edits
(``substrings``: ``ie`` -> ``ei``, ``ent`` -> ``ant``), which the alignment may take instead of
single edits; the typist's channel (``load_typing``) has single edits only.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nextword.correct.substrings import MAX_PIECE, edit_table

START = "^"
_RULE_CONTEXT = 1  # shared letters kept around the differing middle for substring rules
ALPHABET = START + "abcdefghijklmnopqrstuvwxyz'-"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def keyboard_neighbours() -> dict[str, set[str]]:
    """Keys touching each letter on a QWERTY keyboard (same row, and the rows above/below,
    which are staggered by about half a key)."""
    pos = {c: (r, col + 0.5 * r) for r, row in enumerate(KEY_ROWS) for col, c in enumerate(row)}
    out: dict[str, set[str]] = {c: set() for c in pos}
    for a, (ra, xa) in pos.items():
        for b, (rb, xb) in pos.items():
            if a != b and abs(ra - rb) <= 1 and abs(xa - xb) <= (1.0 if ra == rb else 0.75):
                out[a].add(b)
    return out


NEIGHBOURS = keyboard_neighbours()


@dataclass(frozen=True)
class Edit:
    """One edit turning the intended word into the typed one. ``kind`` is ``sub`` (a -> b),
    ``del`` (b left out after a), ``ins`` (b typed after a) or ``trans`` (ab typed ba)."""

    kind: str
    a: str
    b: str


def align(typed: str, intended: str) -> list[Edit] | None:
    """The edits of a cheapest optimal-string-alignment path from ``intended`` to ``typed``
    (None when the two are equal)."""
    if typed == intended:
        return None
    d = edit_table(typed, intended, swaps=True)
    edits: list[Edit] = []
    i, j = len(intended), len(typed)
    while i > 0 or j > 0:
        prev = intended[i - 2] if i > 1 else START
        if i > 0 and j > 0 and intended[i - 1] == typed[j - 1] and d[i][j] == d[i - 1][j - 1]:
            i, j = i - 1, j - 1
        elif i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + 1:
            edits.append(Edit("sub", intended[i - 1], typed[j - 1]))
            i, j = i - 1, j - 1
        elif (i > 1 and j > 1 and intended[i - 1] == typed[j - 2] and intended[i - 2] == typed[j - 1]
              and d[i][j] == d[i - 2][j - 2] + 1):
            edits.append(Edit("trans", intended[i - 2], intended[i - 1]))
            i, j = i - 2, j - 2
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            x = intended[i - 1]
            # either copy of a doubled letter may be the one dropped: file it as a doubling
            doubled = x == prev or intended[i:i + 1] == x
            edits.append(Edit("del", x if doubled else prev, x))
            i -= 1
        else:
            y = typed[j - 1]
            before = typed[j - 2] if j > 1 else START  # the key pressed just before
            doubled = y == before or typed[j:j + 1] == y
            edits.append(Edit("ins", y if doubled else before, y))
            j -= 1
    return edits[::-1]


# -- learning -------------------------------------------------------------------------------------

def count_edits(pairs: Iterable[tuple[str, str]], max_edits: int = 2) -> dict[str, Counter]:
    """Edit counts and the character/bigram counts of the intended words they are relative to.
    Pairs needing more than ``max_edits`` edits are skipped: far-off misspellings are better
    left to the language model than learned as keyboard slips."""
    counts = {k: Counter() for k in ("sub", "del", "ins", "trans", "uni", "bi")}
    used = 0
    for typed, intended in pairs:
        edits = align(typed, intended)
        if not edits or len(edits) > max_edits:
            continue
        used += 1
        word = START + intended
        counts["uni"].update(word)
        counts["bi"].update(word[i:i + 2] for i in range(len(word) - 1))
        for e in edits:
            counts[e.kind][e.a + e.b] += 1
    counts["pairs"] = Counter({"used": used})
    return counts


def _prior(kind: str, a: str, b: str) -> float:
    """Keyboard-shaped prior weight of an edit (relative; normalised in ``learn``)."""
    if kind in ("sub", "ins"):
        if b == a or b in NEIGHBOURS.get(a, ()):
            return 10.0
        return 1.0
    if kind == "del":
        return 5.0 if a == b else 1.0  # dropping one of a doubled letter
    return 1.0


def _slip(kind: str, a: str, b: str) -> float:
    """A pure typing-slip model, relative to each kind's rate: a finger lands on a key next to
    the right one (substitution), an extra key next to it or the same key again (insertion),
    any letter is skipped (deletion) or two are swapped (transposition)."""
    if kind == "sub":
        near = NEIGHBOURS.get(a, set())
        return 1.0 / len(near) if b in near else 0.0
    if kind == "ins":
        near = NEIGHBOURS.get(a, set()) | {a}
        return 1.0 / len(near) if b in near else 0.0
    return 1.0


def learn(counts: dict[str, Counter], strength: float = 20.0, slips: float = 0.0) -> dict:
    """Smoothed log-probability tables from ``count_edits`` output (add-``strength`` towards the
    keyboard prior, scaled by each edit kind's overall rate), mixed with weight ``slips`` with
    the pure typing-slip model (``_slip``): the misspellings learned from are mostly spelling
    errors, while a typist's errors are mostly slips of the finger."""
    letters = ALPHABET[1:]
    tables: dict[str, list[list[float]]] = {}
    total_chars = sum(v for k, v in counts["uni"].items() if k != START) or 1
    total_bi = sum(counts["bi"].values()) or 1
    for kind in ("sub", "del", "ins", "trans"):
        rate = sum(counts[kind].values()) / (total_bi if kind in ("del", "trans") else total_chars)
        rate = max(rate, 1e-6)
        table = [[-30.0] * len(ALPHABET) for _ in ALPHABET]
        for a in ALPHABET:
            if kind == "sub" and a == START or kind == "trans" and a == START:
                continue
            weights = {b: _prior(kind, a, b) for b in letters if not (kind == "sub" and a == b)}
            norm = sum(weights.values())
            for b, w in weights.items():
                denom = counts["bi"][a + b] if kind in ("del", "trans") else counts["uni"][a]
                # del/trans: an independent rate per bigram; sub/ins: a distribution over b
                share = w if kind in ("del", "trans") else w / norm
                p = (counts[kind][a + b] + strength * rate * share) / (denom + strength)
                p = (1 - slips) * p + slips * rate * _slip(kind, a, b)
                table[_INDEX[a]][_INDEX[b]] = math.log(min(max(p, 1e-9), 0.9))
        tables[kind] = table
    return {"alphabet": ALPHABET, "tables": tables, "pairs_used": counts["pairs"]["used"]}


def _read_params(path: str | Path | None) -> dict:
    """The parameters in the shipped error-model file, or in the JSON file at ``path``."""
    if path is None:
        return json.loads(resources.files("nextword").joinpath("resources/error_model.json").read_text("utf-8"))
    return json.loads(Path(path).read_text("utf-8"))


# -- scoring --------------------------------------------------------------------------------------

class ErrorModel:
    """log P(typed | intended) from learned edit tables."""

    def __init__(self, params: dict, unknown: float = -12.0, fat_finger: bool = False):
        if params.get("alphabet") != ALPHABET:
            raise ValueError("error model tables were built for a different alphabet")
        self.tables = params["tables"]
        # substring rules: intended piece -> {typed piece: log P} (``substrings.count_rules``)
        self.rules: dict[str, dict[str, float]] = {}
        for src, dst, logp in params.get("rules", ()):
            self.rules.setdefault(src, {})[dst] = logp
        # ... and the lengths of the typed pieces each intended piece has rules for
        self._rule_lengths = {src: sorted({len(dst) for dst in to}) for src, to in self.rules.items()}
        # the same channel by single edits alone: a cheaper alignment to search with
        self.plain = ErrorModel({**params, "rules": []}, unknown, fat_finger) if self.rules else self
        self.unknown = unknown  # an edit involving a character outside the alphabet
        # a typist's extra key may be the neighbour of the key after it as well as of the key
        # before: a finger hits two keys at once, and either may register first
        # (``spoftware``, ``mongth``); else an extra key is weighed after the key before it
        self.fat_finger = fat_finger
        # the likeliest single edit: no misspelling scores above it (bounds candidate searches)
        self.max_edit_logp = max(max(max(row) for row in t) for t in self.tables.values())
        # the tables with one more row and column: characters outside the alphabet
        self._ext = tuple([[*row, unknown] for row in self.tables[k]] + [[unknown] * (len(ALPHABET) + 1)]
                          for k in ("sub", "del", "ins", "trans"))
        self._cache = lru_cache(maxsize=200_000)(self._logp)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ErrorModel:
        """The shipped model, or the JSON file at ``path``."""
        return cls(_read_params(path))

    @classmethod
    def load_typing(cls, path: str | Path | None = None) -> ErrorModel:
        """The typist's channel of the shipped model (or of ``path``): the learned tables mixed
        with pure keyboard slips (``learn(slips=...)``); the learned ones if the file has none."""
        params = _read_params(path)
        typing = params.get("typing")
        if not isinstance(typing, dict):
            return cls(params)
        # a typist's slips are single keys: the spelling errors' substring rules stay out
        return cls({**params, "tables": typing["tables"], "rules": []}, fat_finger=True)

    def letter_bounds(self) -> tuple[list[float], list[float]]:
        """For each letter of a bag (a-z, apostrophe, anything else): the likeliest edit that
        types it where it was not meant (an insertion of it or a substitution by it), and the
        likeliest that loses it (its deletion or substitution). A typed word with letters its
        candidate lacks needs one such edit per extra letter, which bounds the channel."""
        letters = ALPHABET[1:27] + "'"
        sub, dele, ins = self.tables["sub"], self.tables["del"], self.tables["ins"]
        typed_in, lost = [], []
        for ch in letters:
            i = _INDEX[ch]
            typed_in.append(max(max(row[i] for row in ins), max(row[i] for row in sub)))
            lost.append(max(max(row[i] for row in dele), max(sub[i])))
        # characters outside the alphabet cost ``unknown``, never more than the likeliest edit
        return typed_in + [self.max_edit_logp], lost + [self.max_edit_logp]

    def edit_logp(self, e: Edit) -> float:
        ia, ib = _INDEX.get(e.a), _INDEX.get(e.b)
        if ia is None or ib is None:
            return self.unknown
        return self.tables[e.kind][ia][ib]

    def logp(self, typed: str, intended: str) -> float:
        """log P(typed | intended, the word was mistyped); 0.0 when they are equal."""
        return self._cache(typed, intended)

    def _logp(self, typed: str, intended: str) -> float:
        if typed == intended:
            return 0.0
        # common ends carry no edit; keep one character of prefix as context for the middle
        s = 0
        while s < len(typed) and s < len(intended) and typed[s] == intended[s]:
            s += 1
        e = 0
        while (e < len(typed) - s and e < len(intended) - s
               and typed[len(typed) - 1 - e] == intended[len(intended) - 1 - e]):
            e += 1
        if self.rules:  # a rule may span letters the two share (``ent`` -> ``ant``)
            s, e = max(0, s - _RULE_CONTEXT), max(0, e - _RULE_CONTEXT)
        left = intended[s - 1] if s else START
        right = typed[len(typed) - e] if e else None
        t, w = typed[s:len(typed) - e], intended[s:len(intended) - e]
        return self._viterbi(t, w, left, right)

    def _viterbi(self, t: str, w: str, left: str, right: str | None = None) -> float:
        """Best log-probability alignment of intended middle ``w`` to typed middle ``t``; ``left``
        is the intended character just before them, ``right`` the typed one just after (None at
        the word's end)."""
        sub, dele, ins, trans = self._ext
        unk = len(ALPHABET)  # the extra row/column for characters outside the alphabet
        get = _INDEX.get
        n, m = len(w), len(t)
        wi = [get(ch, unk) for ch in w]
        ti = [get(ch, unk) for ch in t]
        li = get(left, unk)
        # typing t[j-1] as an extra key costs the same on every row (after the key before it,
        # or doubling the next key), and leaving out w[i-1] the same in every column (after
        # the intended character before it, or one of a doubled letter): computed once
        ins_cost = [0.0] * (m + 1)
        for j in range(1, m + 1):
            b = ti[j - 1]
            ins_cost[j] = ins[b if j < m and ti[j] == b else (ti[j - 2] if j > 1 else li)][b]
            if self.fat_finger:  # or as a neighbour of the key after it
                after = ti[j] if j < m else (None if right is None else get(right, unk))
                if after is not None and ins[after][b] > ins_cost[j]:
                    ins_cost[j] = ins[after][b]
        row = [0.0] * (m + 1)
        for j in range(1, m + 1):
            row[j] = row[j - 1] + ins_cost[j]
        d = [row]
        rules, tails = self.rules, None
        for i in range(1, n + 1):
            up, x = row, wi[i - 1]
            dc = dele[x if i < n and wi[i] == x else (wi[i - 2] if i > 1 else li)][x]
            sub_x = sub[x]
            swap = trans[wi[i - 2]][x] if i > 1 and wi[i - 2] != x else None
            before2 = d[i - 2] if swap is not None else None
            pieces = ()
            if rules:  # the learned pieces ending at w[i-1]: an intended piece typed as another
                pieces = [(d[i - k], rules[src], self._rule_lengths[src])
                          for k in range(1, min(MAX_PIECE, i) + 1) if (src := w[i - k:i]) in rules]
                if pieces and tails is None:  # tails[j][length]: the typed piece of that length before t[j]
                    tails = [[t[j - length:j] for length in range(min(MAX_PIECE, j) + 1)] for j in range(m + 1)]
            row = [up[0] + dc] + [0.0] * m
            for before, typed_as, _ in pieces:  # a piece typed as nothing
                logp = typed_as.get("")
                if logp is not None and before[0] + logp > row[0]:
                    row[0] = before[0] + logp
            for j in range(1, m + 1):
                best = up[j] + dc
                v = row[j - 1] + ins_cost[j]
                if v > best:
                    best = v
                b = ti[j - 1]
                v = up[j - 1] if x == b else up[j - 1] + sub_x[b]
                if v > best:
                    best = v
                if before2 is not None and j > 1 and x == ti[j - 2] and wi[i - 2] == b:
                    v = before2[j - 2] + swap
                    if v > best:
                        best = v
                for before, typed_as, typed_lengths in pieces:
                    tail = tails[j]
                    for length in typed_lengths:
                        if length > j:
                            break
                        logp = typed_as.get(tail[length])
                        if logp is not None and before[j - length] + logp > best:
                            best = before[j - length] + logp
                row[j] = best
            d.append(row)
        return row[m]
