"""The candidates of one typed word and the search for its best-scoring ones.

``CandidateSearch.candidates`` is everything about a typed spelling that does not depend on
context (``WordCandidates``, cached per spelling): the vocabulary words within one or two edits
(from the delete index of ``candidates``), two-word splits, the real words outside the
vocabulary one slip away, the known word an unknown regular form stands for (the readings
beyond two edits, which only ``correct()`` asks for, are ``far``'s). ``search`` finds
the best of the vocabulary candidates under a prior (log P(word | context)) and the error model
P(typed | word), by branch and bound; ``user_candidates`` adds the user's own words.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nextword.correct.candidates import (
    DeleteIndex,
    is_single_edit,
    osa_distance,
    single_edits,
    split_candidates,
)
from nextword.correct.errormodel import ErrorModel
from nextword.correct.far import FarReadings
from nextword.correct.params import CorrectorParams
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
        self.rarest = float(log_unigram.min())  # the unigram a word of the word list is ranked by
        self._user_seen: tuple[int, int] = (0, -1)
        self._user_index: DeleteIndex | None = None
        self.far = FarReadings(self)  # the readings beyond two edits, for ``correct()``
        self.params = params
        self.index.near("warm")  # fault the index arrays in now, not on the user's first word

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
        # the readings beyond two edits (``far``): cached per spelling, like the candidates
        self.far.reset()
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
        if form is not None and (form[1] == "clitic" or not self._slip_of_another(typed, form[0], words)):
            regular = self.tok.ids[form[0]]
        lexicon = []
        # a word the training text showed may still be a misspelling (``miniscule``) unless
        # the word list vouches for it
        if typed_id < 0 and typed not in english_words() and len(typed) > p.short_word:
            lexicon = sorted(single_edits(typed) & self._lexicon_words)
        return WordCandidates(ids, words, min_edits, limit, typed_id, splits, two_edit_ceiling,
                              maybe_one, regular, lexicon)

    def _slip_of_another(self, typed: str, stem: str, words: list[str]) -> bool:
        """Whether an unknown inflection or compound of ``stem`` is one slip from another word:
        one of the vocabulary candidates ``words`` or, when the word list lacks ``typed``, a
        word of the list (``masssacred`` is ``massacred`` mistyped, not ``mass`` + ``sacred``).
        Other forms of the same word do not count (``transcribed`` stays though
        ``transcribes`` is a slip away), nor listed words with an apostrophe
        (``bathtubs`` is no slip of ``bathtub's``)."""
        near = [w for w in words if is_single_edit(typed, w)]
        listed = english_words()
        if typed not in listed:
            near += [w for w in single_edits(typed) & listed if "'" not in w]
        return any(w != stem and not same_word(w, stem, self.tok.ids) for w in near)

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
