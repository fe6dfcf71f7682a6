"""The personal vocabulary: the model's words, then every new word the user has written.

A word outside the model's vocabulary gets an id of its own (after the model's ids) the first
time it is learned, so the personal n-gram can count it and suggestions can offer it. Every
word's count and the way the user writes it (``iPhone``, ``kubectl``, ``Siobhan``) are kept.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import numpy as np

from nextword.text.tokenizer import BOS, PARAGRAPH_BREAK, SENTENCE_END, WordTokenizer, is_word
from nextword.text.words import prefix_span, split_words

MAX_ID = 1 << 16   # ids stay below this, so a personal 4-gram packs into 64 bits
MAX_WORD_CHARS = 40  # longer "words" are pasted junk (hashes, URLs), not vocabulary


@dataclass
class Encoded:
    """A passage as personal ids (boundary id before each paragraph) and its surface tokens."""

    ids: list[int]
    surface: list[str]


class PersonalVocab:
    """The model's vocabulary extended with the user's new words (lower-cased, ids after the
    model's), with counts and case forms of every word the user wrote."""

    def __init__(self, tokenizer: WordTokenizer):
        self.tok = tokenizer
        self.base = tokenizer.vocab_size
        self.new_words: list[str] = []          # id = base + index; "" once forgotten
        self.new_ids: dict[str, int] = {}
        self.counts: Counter[str] = Counter()   # lower-cased word -> times learned
        self.spellings: Counter[str] = Counter()  # words as written mid-sentence (case kept)
        self.variants: dict[str, set[str]] = {}  # lower-cased word -> its spellings with capitals
        self.start_forms: dict[str, str] = {}   # a new word's spelling at a sentence start
        self._sorted: list[str] = []            # the new words, sorted, for prefix search ...
        self._sorted_ids = np.zeros(0, dtype=np.int64)  # ... and their ids

    @property
    def size(self) -> int:
        """Ids in use: the model's and the new words'."""
        return self.base + len(self.new_words)

    def word(self, idx: int) -> str:
        """The lower-cased word of an id."""
        return self.tok.words[idx] if idx < self.base else self.new_words[idx - self.base]

    def id_of(self, word: str) -> int:
        """The id of a word (any case), or the unknown-word id."""
        low = word.lower()
        idx = self.tok.ids.get(low)
        if idx is None:
            idx = self.new_ids.get(low, self.tok.unk_id)
        return idx

    def is_new(self, word: str) -> bool:
        """Whether ``word`` is one of the user's words outside the model's vocabulary."""
        return word.lower() in self.new_ids

    # -- learning ---------------------------------------------------------------------------------
    def encode(self, text: str, prev: int | None = None, learn: bool = False) -> Encoded:
        """``text`` as personal ids (each line break starts a paragraph, as the tokenizer reads
        typed text). With ``learn`` new words get ids, and every word's count and spelling are
        recorded. Written for speed (``nextword learn`` reads 50k+ words a second)."""
        bos, unk, vocab = self.tok.bos_id, self.tok.unk_id, self.tok.ids
        last = bos if prev is None else prev
        ids: list[int] = []
        surface: list[str] = []
        for n, line in enumerate(PARAGRAPH_BREAK.split(text)):
            if n and last != bos:
                ids.append(bos)
                surface.append(BOS)
            tokens = split_words(line)
            if not tokens:
                continue
            lows = [t.lower() for t in tokens]
            line_ids = [vocab.get(w, unk) for w in lows]
            before = BOS if (n or last == bos) else self.word(last)  # the token before the line
            if learn:
                self._count(tokens, lows, before)
            for i in [i for i, x in enumerate(line_ids) if x == unk]:
                line_ids[i] = self._new_id(lows[i], learn)
                if learn and (tokens[i - 1] if i else before) in SENTENCE_END:
                    self.start_forms.setdefault(lows[i], tokens[i])
            ids += line_ids
            surface += tokens
            last = line_ids[-1]
        return Encoded(ids, surface)

    def _count(self, tokens: list[str], lows: list[str], before: str) -> None:
        """Count a line's words, and their spellings where the case means something (not at a
        sentence start)."""
        self.counts.update([w for w in lows if is_word(w)])
        mids = [t for t, p in zip(tokens, [before, *tokens[:-1]], strict=True) if p not in SENTENCE_END]
        self.spellings.update(mids)
        for t in {t for t in mids if not t.islower()}:
            self.variants.setdefault(t.lower(), set()).add(t)

    def _new_id(self, low: str, learn: bool) -> int:
        idx = self.new_ids.get(low)
        if idx is None and learn and len(low) <= MAX_WORD_CHARS and self.size < MAX_ID and is_word(low):
            idx = self.new_ids[low] = self.size
            self.new_words.append(low)
            at = bisect.bisect_left(self._sorted, low)
            self._sorted.insert(at, low)
            self._sorted_ids = np.insert(self._sorted_ids, at, idx)
        return self.tok.unk_id if idx is None else idx

    def uncount(self, word: str) -> None:
        """Take back one learned occurrence of ``word`` (a reverted autocorrection)."""
        low = word.lower()
        if self.counts[low] > 0:
            self.counts[low] -= 1
            if self.spellings[word] > 0:
                self.spellings[word] -= 1

    def remove(self, word: str) -> int | None:
        """Forget ``word``: its counts and spellings; a new word's id is retired (never reused,
        so the ids of later words stay put). Returns its id, or None if it was never learned."""
        low = word.lower()
        idx = self.id_of(low)
        if not self.counts[low] and low not in self.new_ids:  # a vocabulary word never learned
            return None
        del self.counts[low]
        for form in self.variants.pop(low, set()) | {low}:
            self.spellings.pop(form, None)
        self.start_forms.pop(low, None)
        if low in self.new_ids:
            del self.new_ids[low]
            self.new_words[idx - self.base] = ""
            at = bisect.bisect_left(self._sorted, low)
            del self._sorted[at]
            self._sorted_ids = np.delete(self._sorted_ids, at)
        return idx

    # -- reading ----------------------------------------------------------------------------------
    def prefix_ids(self, prefix: str) -> np.ndarray:
        """Ids of the new words starting with ``prefix`` (lower-cased)."""
        lo, hi = prefix_span(self._sorted, prefix)
        return self._sorted_ids[lo:hi]

    def spelling(self, word: str) -> str | None:
        """How the user writes ``word`` mid-sentence: a new word as they wrote it, a word of the
        model's vocabulary once they wrote it the same way twice; else None."""
        low = word.lower()
        best = max([low, *self.variants.get(low, ())], key=lambda f: (self.spellings[f], f == low))
        n = self.spellings[best]
        if low in self.new_ids:
            return best if n > 0 else self.start_forms.get(low)
        return best if n >= 2 else None

    def learned(self) -> list[tuple[str, int, bool]]:
        """(spelling, count, is new) of every learned word: new words first, then by count."""
        rows = [(self.spelling(w) or w, n, w in self.new_ids) for w, n in self.counts.items() if n > 0]
        return sorted(rows, key=lambda r: (not r[2], -r[1], r[0].lower()))
