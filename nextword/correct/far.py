"""The readings of a misspelling beyond the candidate search's two edits, which only
``correct()`` ranks (a typist's slips are near; a speller's errors may be far).

``FarReadings`` holds, for an unknown typed word that is no regular form of a known one:

* ``sounds_like``: the real words whose phonetic key is within one edit of its own
  (``phonetic``: ``sikology`` -> ``psychology``), the word list's words two edits away
  (``deliquant`` -> ``delinquent``) and rarer real words (``transportibility``);
* ``looks_like``: the words that share most of its letter pairs (``lookalike``:
  ``imfusiastic`` -> ``enthusiastic``) beyond those.

Both are cached per spelling and reset with the search's parameters; the indexes behind them
are built on the first misspelling that asks (autocorrect never does).
"""

from __future__ import annotations

import threading
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from nextword.correct.candidates import DeleteIndex, osa_distance
from nextword.correct.lookalike import LetterPairIndex
from nextword.correct.phonetic import SoundIndex
from nextword.text.wordlist import english_words

if TYPE_CHECKING:
    from nextword.correct.search import CandidateSearch, WordCandidates

_LISTED_BUILD = threading.Lock()


def listed_index(listed: frozenset[str]) -> DeleteIndex:
    """A delete index over the word list's words outside a vocabulary: about 2 s to build, so
    built once for the models that share a vocabulary (every model of one kind, each test's),
    and one build at a time (the editor's warm-up builds it; a suggestion asking meanwhile
    waits for that one instead of building a second beside it)."""
    with _LISTED_BUILD:
        return _listed_index(listed)


@lru_cache(maxsize=4)  # the word lists outside a few vocabularies, and the one of rare words
def _listed_index(listed: frozenset[str]) -> DeleteIndex:
    return DeleteIndex(sorted(listed))


class FarReadings:
    """The far readings of the typed words a ``CandidateSearch`` looks up."""

    def __init__(self, search: CandidateSearch):
        self.search = search
        self.reset()

    def reset(self) -> None:
        """Forget the cached readings (the search's parameters changed)."""
        self.sounds_like = lru_cache(maxsize=50_000)(self._sounds_like)
        self.looks_like = lru_cache(maxsize=50_000)(self._looks_like)

    @cached_property
    def sound_index(self) -> SoundIndex:
        """The vocabulary's and the word list's words by phonetic key, built on the first word
        that asks (0.5 s: autocorrect on text without misspellings never does)."""
        return SoundIndex([*self.search.index.words, *self.search.listed])

    @cached_property
    def pair_index(self) -> LetterPairIndex:
        """The vocabulary's and the word list's words by letter pair, built on the first word
        that asks, like ``sound_index``."""
        return LetterPairIndex([*self.search.index.words, *self.search.listed])

    def _reach(self, typed: str, c: WordCandidates) -> int | None:
        """How many edits away the far readings of ``typed`` (``sounds_like``, ``looks_like``)
        may be: ``sound_edits``, or half its letters for a long word, since a key or letter
        pairs shared by words of unlike spelling say little; None when it has none (a known
        word, a regular form, a listed word, a short one)."""
        p = self.search.params
        if c.typed_id >= 0 or c.regular >= 0 or typed in english_words() or len(typed) <= p.short_word:
            return None
        return max(p.sound_edits, len(typed) // 2)

    def _beyond(self, typed: str, word: str, c: WordCandidates, reach: int) -> int | None:
        """The edit distance of a far reading ``word`` of ``typed``, or None when it is no far
        reading: beyond ``reach``, or among the candidates already (a vocabulary word within
        their ``limit`` edits)."""
        d = osa_distance(typed, word, reach)
        return d if d <= reach and (d > c.limit or word not in self.search.tok.ids) else None

    def _sounds_like(self, typed: str) -> list[tuple[str, int]]:
        """``sounds_like`` (cached): for an unknown ``typed`` that is no regular form, the real
        words whose phonetic key is within one edit of its own (``SoundIndex``) that its
        candidates leave out (vocabulary words beyond ``limit`` edits, words of the word list
        beyond one), with their edit distance, at most ``_reach``; the likeliest
        ``max_sounds`` by unigram and edits; and the words of the word list two edits away
        (``_listed_near``). Only ``correct`` asks: a typist's slips are near."""
        c = self.search.candidates(typed)
        p = self.search.params
        reach = self._reach(typed, c)
        if reach is None:
            return []
        found = set(c.lexicon)
        ids = self.search.tok.ids
        alike = [(-apart, float(self.search.log_unigram[ids[w]]) if w in ids else self.search.rarest, w)
                 for w, apart in self.sound_index.sounds_like(typed).items()
                 if w not in found and abs(len(w) - len(typed)) <= reach]
        alike.sort(reverse=True)
        scored = []
        # aligning each costs: the same sound first, then the commonest
        for _, uni, word in alike[: 3 * p.max_sounds]:
            d = self._beyond(typed, word, c, reach)
            if d is not None:
                scored.append((uni + p.edit_cost * d, word, d))
        scored.sort(reverse=True)
        out = [(word, d) for _, word, d in scored[: p.max_sounds]]
        out += self._listed_near(typed, found | {w for w, _ in out})
        return out + self._rare_near(typed)

    def _looks_like(self, typed: str) -> list[tuple[str, int]]:
        """``looks_like`` (cached): the words that share most of ``typed``'s letter pairs
        (``lookalike``) beyond its candidates and what ``sounds_like`` finds, at most
        ``_reach`` edits away: the ``max_alike`` likeliest by letter pairs shared, with their
        edit distance. Only ``correct`` asks, of a whole word: a prefix's letter pairs (its end
        marked) are not those of the word being typed."""
        c = self.search.candidates(typed)
        p = self.search.params
        reach = self._reach(typed, c)
        if reach is None:
            return []
        found = set(c.lexicon) | {w for w, _ in self.sounds_like(typed)}
        out = []
        for word, _ in self.pair_index.alike(typed, p.max_alike + len(found), p.alike_dice):
            if word in found:
                continue
            d = self._beyond(typed, word, c, reach)
            if d is not None:
                out.append((word, d))
            if len(out) == p.max_alike:
                break
        return out

    def _listed_near(self, typed: str, found: set[str]) -> list[tuple[str, int]]:
        """Words of the word list two edits from ``typed`` (one edit away they are candidates
        already, ``WordCandidates.lexicon``) not in ``found``: the ``max_sounds`` commonest (by
        their ``lexicon`` counts). The list's delete index is built on first use (about 2 s)."""
        near = [(self.search.lexicon.get(w, 0), w) for w, _, d in listed_index(self.search.listed).lookup(typed, 2)
                if d == 2 and w not in found]
        near.sort(reverse=True)
        return [(w, 2) for _, w in near[: self.search.params.max_sounds]]

    def _rare_near(self, typed: str) -> list[tuple[str, int]]:
        """Rare real words (``rare``, outside the vocabulary and the lexicon) within two edits of
        ``typed``, the nearest first, at most ``max_sounds``; their index is built on first use,
        like the word list's. ``correct()`` ranks them with the rest; autocorrect never asks."""
        if not self.search.rare:
            return []
        near = sorted((d, w) for w, _, d in listed_index(self.search.rare).lookup(typed, 2)
                      if d and w not in self.search.tok.ids and w not in self.search.lexicon)
        return [(w, d) for d, w in near[: self.search.params.max_sounds]]
