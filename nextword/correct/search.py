"""The candidates of one typed word and the search for its best-scoring ones.

``CandidateSearch.candidates`` is everything about a typed spelling that does not depend on
context (``WordCandidates``, cached per spelling): the vocabulary words within one or two edits
(from the delete index of ``candidates``), two-word splits, the real words outside the
vocabulary one slip away, the real words that sound like it however many edits away
(``phonetic``) or share most of its letter pairs (``lookalike``), the known word an unknown
regular form stands for. ``search`` finds
the best of the vocabulary candidates under a prior (log P(word | context)) and the error model
P(typed | word), by branch and bound; ``user_candidates`` adds the user's own words.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from nextword.correct.candidates import (
    DeleteIndex,
    is_single_edit,
    osa_distance,
    single_edits,
    split_candidates,
)
from nextword.correct.errormodel import ErrorModel
from nextword.correct.lookalike import LetterPairIndex
from nextword.correct.params import CorrectorParams
from nextword.correct.phonetic import SoundIndex
from nextword.correct.priors import Prior, ScoringModel
from nextword.correct.rules import regular_form, same_word
from nextword.text.wordlist import english_words
from nextword.text.words import is_plain_word


@dataclass(frozen=True)
class WordCandidates:
    """Context-free part of a typed word's hypotheses (cached per spelling)."""

    ids: np.ndarray  # vocabulary ids of words that may be within ``limit`` edits (unconfirmed)
    words: list[str]
    min_edits: np.ndarray  # a lower bound on each one's edit distance
    limit: int  # the edit distance allowed for this word
    typed_id: int  # the typed word's own id, or -1 when it is not in the vocabulary
    splits: list[tuple[str, str]]
    two_edit_ceiling: np.ndarray  # the most log P(typed | word) can be if it takes two edits
    maybe_one: np.ndarray  # False where a word cannot be a single edit away (bag or length)
    regular: int  # for an unknown word regularly formed from known ones, the id of the known
    # word it stands for (``promis'd`` -> promised, ``richard's`` -> richard); else -1
    lexicon: list[str]  # for an unknown word, real words outside the vocabulary one slip away


_LISTED_BUILD = threading.Lock()
_WORD_SETS: dict[frozenset[str], frozenset[str]] = {}
_WORD_SETS_LOCK = threading.Lock()


def word_set(words: Iterable[str]) -> frozenset[str]:
    """``words`` as a frozenset, the same object for every equal set (a few are kept): the
    index cache below then finds its key by identity. Two equal sets of 40,000 words compare
    element by element, ~0.7 ms on every lookup of a second corrector over one vocabulary."""
    words = frozenset(words)
    with _WORD_SETS_LOCK:
        if words not in _WORD_SETS and len(_WORD_SETS) >= 8:
            _WORD_SETS.clear()
        return _WORD_SETS.setdefault(words, words)


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


class CandidateSearch:
    """The candidates of typed words against a model's vocabulary, the user's words and the
    lexicon (real words outside the vocabulary, with their training counts), scored with
    ``log_unigram`` and the error models ``errors`` (the default) and ``typing_errors``."""

    def __init__(self, model: ScoringModel, errors: ErrorModel, typing_errors: ErrorModel,
                 log_unigram: np.ndarray, lexicon: dict[str, int], listed: Iterable[str],
                 params: CorrectorParams, rare: Iterable[str] = ()):
        self.model = model
        self.tok = model.tokenizer
        self.errors = errors
        self.log_unigram = log_unigram
        self.lexicon = lexicon
        words = self.tok.words
        keep = [i for i, w in enumerate(words) if self.tok.word_mask[i] and is_plain_word(w)]
        self.index = DeleteIndex([words[i] for i in keep], keep)
        self._word_lens = np.array([len(w) for w in self.index.words], dtype=np.int64)
        # letter bounds that hold for both channels
        bounds = [np.array(e.letter_bounds()) for e in (errors, typing_errors)]
        self._typed_in, self._lost = np.maximum(*bounds)
        self._best_edit = max(errors.max_edit_logp, typing_errors.max_edit_logp)
        # what sounds like a misspelling: the vocabulary and the word list
        self.listed = word_set(listed)
        # rarer real words: corrections ``correct()`` may offer, no more (one index for every
        # vocabulary: those the vocabulary or the lexicon holds are left out when looked up)
        self.rare = word_set(rare)
        self._rarest = float(log_unigram.min())  # the unigram a word of the word list is ranked by
        self._user_seen: tuple[int, int] = (0, -1)
        self._user_index: DeleteIndex | None = None
        self.params = params
        self.index.near("warm")  # fault the index arrays in now, not on the user's first word

    @cached_property
    def sound_index(self) -> SoundIndex:
        """The vocabulary's and the word list's words by phonetic key, built on the first word
        that asks (0.5 s: autocorrect on text without misspellings never does)."""
        return SoundIndex([*self.index.words, *self.listed])

    @cached_property
    def pair_index(self) -> LetterPairIndex:
        """The vocabulary's and the word list's words by letter pair, built on the first word
        that asks, like ``sound_index``."""
        return LetterPairIndex([*self.index.words, *self.listed])

    @property
    def params(self) -> CorrectorParams:
        return self._params

    @params.setter
    def params(self, value: CorrectorParams) -> None:
        """New parameters; the cached candidates depend on them."""
        self._params = value
        # corrections outside the vocabulary: the word list's, and the training text's other
        # words seen often enough (seen once, a word may be a typo of the text: ``dessicated``)
        self._lexicon_words = {w for w, n in self.lexicon.items()
                               if n >= value.lexicon_min_count or w in self.listed}
        self.candidates = lru_cache(maxsize=50_000)(self._candidates)
        self.sounds_like = lru_cache(maxsize=50_000)(self._sounds_like)
        self.pair = lru_cache(maxsize=500_000)(self._pair)

    def _candidates(self, typed: str) -> WordCandidates:
        """``candidates`` (cached): the context-free candidates of the lower-cased ``typed``."""
        p = self.params
        limit = 1 if len(typed) <= p.short_word else 2
        rows, min_edits = self.index.near(typed, limit)
        typed_id = self.tok.ids.get(typed, -1)
        if typed_id >= 0 and not (self.tok.word_mask[typed_id] and is_plain_word(typed)):
            typed_id = -1
        ids = self.index.ids[rows]
        words = [self.index.words[r] for r in rows.tolist()]
        if typed_id >= 0:
            other = ids != typed_id
            ids, min_edits, rows = ids[other], min_edits[other], rows[other]
            words = [w for w, o in zip(words, other.tolist(), strict=True) if o]
        two_edit_ceiling = self._channel_ceiling(typed, rows, np.maximum(min_edits, 2))
        maybe_one = (min_edits <= 1) & (np.abs(self._word_lens[rows] - len(typed)) <= 1)
        splits = []
        if typed_id < 0 and len(typed) >= 4 and "'" not in typed:
            splits = [(a, b) for a, b in split_candidates(typed, lambda w: w in self.tok.ids)
                      if min(len(a), len(b)) >= p.min_split_part or a in ("a", "i")]
        regular = -1
        form = regular_form(typed, self.tok.ids, english_words()) if typed_id < 0 else None
        # an inflection or compound one slip from another word is more likely that word
        # mistyped: "begining" is a keystroke off "beginning" (clitics are certain: "printer's"
        # stays though "painter's" is one slip away, and so are other forms of the same word:
        # "transcribed" stays though "transcribes" is)
        if form is not None and (form[1] == "clitic" or not any(
                w != form[0] and is_single_edit(typed, w) and not same_word(w, form[0], self.tok.ids)
                for w in words)):
            regular = self.tok.ids[form[0]]
        lexicon = []
        # a word the training text showed may still be a misspelling (``miniscule``) unless
        # the word list vouches for it
        if typed_id < 0 and typed not in english_words() and len(typed) > p.short_word:
            lexicon = sorted(single_edits(typed) & self._lexicon_words)
        return WordCandidates(ids, words, min_edits, limit, typed_id, splits, two_edit_ceiling,
                              maybe_one, regular, lexicon)

    def _sounds_like(self, typed: str) -> list[tuple[str, int]]:
        """``sounds_like`` (cached): for an unknown ``typed`` that is no regular form, the real
        words whose phonetic key is within one edit of its own (``SoundIndex``) that its
        candidates leave out (vocabulary words beyond ``limit`` edits, words of the word list
        beyond one), with their edit distance: at most ``sound_edits`` (or half the typed
        letters, for long words) edits away, since a key shared by words of unlike spelling
        says little; the likeliest ``max_sounds`` by unigram and edits; and the words of the word
        list two edits away (``_listed_near``), and the words that look like it (``_looks_like``).
        Only ``correct`` asks: a typist's slips are near."""
        c = self.candidates(typed)
        p = self.params
        if c.typed_id >= 0 or c.regular >= 0 or typed in english_words() or len(typed) <= p.short_word:
            return []
        reach, found = max(p.sound_edits, len(typed) // 2), set(c.lexicon)
        ids = self.tok.ids
        alike = [(-apart, float(self.log_unigram[ids[w]]) if w in ids else self._rarest, w)
                 for w, apart in self.sound_index.sounds_like(typed).items()
                 if w not in found and abs(len(w) - len(typed)) <= reach]
        alike.sort(reverse=True)
        scored = []
        # aligning each costs: the same sound first, then the commonest
        for _, uni, word in alike[: 3 * p.max_sounds]:
            d = osa_distance(typed, word, reach)
            if d <= reach and (d > c.limit or word not in ids):
                scored.append((uni + p.edit_cost * d, word, d))
        scored.sort(reverse=True)
        out = [(word, d) for _, word, d in scored[: p.max_sounds]]
        out += self._listed_near(typed, found | {w for w, _ in out})
        out += self._looks_like(typed, c, reach, found | {w for w, _ in out})
        return out + self._rare_near(typed)

    def _looks_like(self, typed: str, c: WordCandidates, reach: int, found: set[str]) -> list[tuple[str, int]]:
        """Words that share most of ``typed``'s letter pairs (``lookalike``) beyond what its
        candidates and ``found`` hold, at most ``reach`` edits away: the ``max_alike`` likeliest
        by letter pairs shared, with their edit distance."""
        p = self.params
        out = []
        for word, _ in self.pair_index.alike(typed, p.max_alike + len(found), p.alike_dice):
            if word in found:
                continue
            d = osa_distance(typed, word, reach)
            if d <= reach and (d > c.limit or word not in self.tok.ids):
                out.append((word, d))
            if len(out) == p.max_alike:
                break
        return out

    def _listed_near(self, typed: str, found: set[str]) -> list[tuple[str, int]]:
        """Words of the word list two edits from ``typed`` (one edit away they are candidates
        already, ``WordCandidates.lexicon``) not in ``found``: the most often seen in training
        ``max_sounds``. The list's delete index is built on first use (about 2 s)."""
        near = [(self.lexicon.get(w, 0), w) for w, _, d in listed_index(self.listed).lookup(typed, 2)
                if d == 2 and w not in found]
        near.sort(reverse=True)
        return [(w, 2) for _, w in near[: self.params.max_sounds]]

    def _rare_near(self, typed: str) -> list[tuple[str, int]]:
        """Rare real words (``rare``, outside the vocabulary and the lexicon) within two edits of
        ``typed``, the nearest first, at most ``max_sounds``; their index is built on first use,
        like the word list's. ``correct()`` ranks them with the rest; autocorrect never asks."""
        if not self.rare:
            return []
        near = sorted((d, w) for w, _, d in listed_index(self.rare).lookup(typed, 2)
                      if d and w not in self.tok.ids and w not in self.lexicon)
        return [(w, d) for d, w in near[: self.params.max_sounds]]

    def _channel_ceiling(self, typed: str, rows: np.ndarray, edits: np.ndarray) -> np.ndarray:
        """An upper bound on log P(typed | word) for the index words at ``rows``, each at least
        ``edits`` edits away: every letter typed but not in the word was typed by an edit of
        its own (at best its likeliest insertion or substitution), every letter of the word
        missing from the typed string was lost by one, and any other edit is at best the
        likeliest there is. Far tighter than ``edits`` times the likeliest edit, so most
        two-edit candidates are ruled out without aligning them."""
        diff = self.index.bag_diff(typed, rows)
        extra, missing = np.maximum(-diff, 0), np.maximum(diff, 0)
        best = self._best_edit
        by_extra = extra @ self._typed_in + np.maximum(edits - extra.sum(1), 0) * best
        by_missing = missing @ self._lost + np.maximum(edits - missing.sum(1), 0) * best
        return np.minimum(by_extra, by_missing)

    def _pair(self, typed: str, word: str, limit: int, errors: ErrorModel) -> tuple[int, float]:
        """``pair`` (cached): edit distance (``limit + 1`` when beyond it) and
        log P(typed | word) under ``errors``."""
        d = 1 if is_single_edit(typed, word) else osa_distance(typed, word, limit)
        return d, (errors.logp(typed, word) if d <= limit else -math.inf)

    def search(self, low: str, c: WordCandidates, prior: Prior, need: int,
               floor: float = -math.inf, errors: ErrorModel | None = None) -> list[tuple[str, float]]:
        """The ``need`` best-scoring candidates (word, score) that score at least ``floor``, best
        first.

        Branch and bound: a candidate can score at most its prior plus its fewest possible
        edits, each the likeliest slip. Candidates are tried in order of that ceiling and the
        search stops once a ceiling falls below the need-th best score found. One-edit
        candidates are cheap to recognise and score; the others are deferred with the tighter
        two-edit ceiling, so most never get the costly alignment, and at most
        ``max_two_edit`` of them do."""
        if not len(c.ids):
            return []
        p = self.params
        errors = errors or self.errors
        pri = prior[c.ids]
        if p.unigram_weight:
            pri = pri + p.unigram_weight * self.log_unigram[c.ids]
        per_edit = min(p.channel_weight * errors.max_edit_logp + p.edit_cost, 0.0)
        ceiling = pri + c.min_edits * per_edit
        found: list[tuple[float, str]] = []
        least = floor  # floor: the need-th best score so far, or the caller's floor

        def add(score: float, word: str) -> float:
            if score >= least:
                found.append((score, word))
            if len(found) < need:
                return least
            found.sort(reverse=True)
            del found[need:]
            return max(least, found[-1][0])

        order = np.argsort(-ceiling, kind="stable")
        deferred = [] if c.limit < 2 else np.flatnonzero(~c.maybe_one).tolist()
        for i in order[c.maybe_one[order]].tolist():  # only these can be one edit away
            if ceiling[i] < floor:
                break
            word = c.words[i]
            if is_single_edit(low, word):
                d, ch = self.pair(low, word, c.limit, errors)
                floor = add(float(pri[i] + p.channel_weight * ch + p.edit_cost * d), word)
            elif c.limit >= 2:
                deferred.append(i)
        # likeliest first (ties: the later candidate first); those whose ceiling fell below
        # the floor before the loop above reached them sort after every one that can win
        idx = np.array(deferred, dtype=np.int64)
        tops = pri[idx] + np.maximum(2, c.min_edits[idx]) * per_edit
        ranked = idx[np.lexsort((-idx, -tops))][: p.max_two_edit]
        two_edit = pri + p.channel_weight * c.two_edit_ceiling + 2 * p.edit_cost
        for i in ranked.tolist():
            top = float(pri[i] + max(2, c.min_edits[i]) * per_edit)
            if top < floor:
                break
            if two_edit[i] < floor:  # the letter bound rules it out: no alignment needed
                continue
            # no exact distance here: the alignment's own cost ranks a word that is really
            # three edits away far below any two-edit one
            ch = errors.logp(low, c.words[i])
            floor = add(float(pri[i] + p.channel_weight * ch + 2 * p.edit_cost), c.words[i])
        found.sort(reverse=True)
        return [(w, s) for s, w in found]

    def user_candidates(self, typed: str, errors: ErrorModel) -> list[tuple[str, float]]:
        """The user's own words (outside the vocabulary) near ``typed``, with channel scores."""
        words = self.model.user_words
        if not words:
            return []
        if (id(words), len(words)) != self._user_seen:  # rebuilt only when the dictionary changes
            self._user_seen = (id(words), len(words))
            user = sorted(w for w in words if w not in self.tok.ids and is_plain_word(w))
            self._user_index = DeleteIndex(user) if user else None
        if self._user_index is None:
            return []
        p = self.params
        return [(w, p.channel_weight * self.pair(typed, w, 2, errors)[1] + p.edit_cost * d)
                for w, _, d in self._user_index.lookup(typed) if d > 0]
