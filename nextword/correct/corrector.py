"""Context-aware spelling correction: a noisy channel over vocabulary candidates.

For a typed word ``t`` after the text ``context`` every candidate ``c`` (vocabulary words within
edit distance 2, the user's own words, two-word splits) is scored

    log P(c | context) + channel_weight * log P(t | c) + edit_cost * edits(t, c)
        + unigram_weight * log P(c)

with P(c | context) from the typing model (word LSTM + Kneser-Ney; the plain unigram when there
is no context) and P(t | c) from the learned keyboard error model. Keeping the word as typed is
one more hypothesis: a vocabulary word scores its own language-model probability; a word outside
the vocabulary scores P(<unk> | context) times its spelling probability under the character LSTM.

``autocorrect`` replaces a word only when the best candidate (plus, where the text goes on,
``right_weight`` times how well it fits the next words) beats the typed word by a margin that is
a linear function of what the typed word is (``Corrector.margin_terms``: a vocabulary word and
how common, a regular form, a word seen in training, how English an unknown spelling looks, its
length). These weights and the ones above are one logistic regression, fitted to autocorrect's
own decisions on held-out sentences with typos (``replace_rule.py``). It leaves numbers, URLs,
e-mail addresses, code, ALL-CAPS acronyms and the user's dictionary words alone, and keeps the
typed case and the punctuation around each word.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from nextword.correct.candidates import (
    DeleteIndex,
    common_affixes,
    osa_distance,
    single_edits,
    split_candidates,
)
from nextword.correct.errormodel import ErrorModel
from nextword.lm.mixture import CACHE_WINDOW
from nextword.lm.scorer import ParagraphRun
from nextword.suggestion import Suggestion
from nextword.text.tokenizer import WordTokenizer
from nextword.text.words import normalize, split_words


@runtime_checkable
class LanguageModel(Protocol):
    """What the corrector needs from a typing model (``nextword.lm.typing_model.TypingModel``)."""

    tokenizer: WordTokenizer
    unigram: np.ndarray  # training-corpus count of each vocabulary id
    user_words: set[str]  # lower-cased words the user never wants corrected

    def next_word_probs(self, context: str) -> np.ndarray:
        """P(next word id | the text ``context``) over the whole vocabulary."""
        ...

    def char_logprob(self, word: str) -> float:
        """log P(the lower-cased spelling of ``word``) under the character model."""
        ...


@dataclass
class CorrectorParams:
    """Scoring weights and replacement margins (nats). The score weights (``channel_weight``,
    ``edit_cost``, ``unigram_weight``, ``split_cost``, ``right_weight``) and the ``margin_*``
    weights are one logistic regression fitted on held-out sentences with typos
    (``scripts/fit_replace_rule.py``, threshold 1.0, under the other defaults here); the rest
    were set on the dev sentences (``scripts/bench_correct.py --calibrate``)."""

    channel_weight: float = 2.0
    edit_cost: float = -3.97  # per edit: a prior against correcting at all
    unigram_weight: float = 0.919  # a correction's score gains this times its log unigram
    oov_offset: float = 7.0  # added to log P(<unk>) + char log P for a word kept out of vocabulary
    oov_short: int = 5  # unknown words shorter than this ...
    oov_short_cost: float = 2.0  # ... cost this much per missing letter
    split_cost: float = -32.1  # a run-together pair (one space missed)
    # the margin (nats) the best correction must beat keeping the typed word by: a linear
    # function of what the typed word is (fitted by scripts/fit_replace_rule.py)
    margin_base: float = -28.8  # for any word ...
    margin_vocab: float = 13.4  # ... plus this for a vocabulary word
    margin_known: float = 0.714  # ... plus this for one used at least known_count times
    known_count: float = 100.0
    margin_unigram: float = 0.00393  # ... plus this times a vocabulary word's log unigram
    margin_regular: float = 8.48  # ... or for an unknown word formed from known ones (promis'd)
    margin_lexicon: float = 1.06  # ... or for a word outside the vocabulary seen in training
    margin_lexicon_count: float = 2.57  # ... plus this times log(1 + times it was seen)
    margin_spelling: float = -1.51  # ... or for any unknown word, this times its char log P per letter
    margin_letters: float = 0.792  # ... plus this per letter typed
    margin_short: float = 2.12  # ... plus this per letter short of oov_short
    regular_cost: float = -3.0  # a regular form scores as its known word plus this
    margin_name: float = 4.0  # extra margin for an unknown Capitalised word inside a sentence
    lexicon_offset: float = 0.0  # added to log P(<unk>) + log P(word | unknown) for such a word
    lexicon_min_count: int = 1  # such words as corrections: seen at least this often
    context_range: float = 3.5  # decide without the language model when the unigram clears the
    # margin by this much either way (nats; inf: always ask the model)
    right_words: int = 2  # autocorrect: tokens after a close call that its readings must fit
    right_weight: float = 0.722  # weight of log P(those tokens | text before, reading)
    right_reach: float = 3.0  # corrections this far short of the margin may still win on them
    right_readings: int = 3  # corrections weighed against the typed word when the text goes on
    skip_known: float = 6.0  # a known word this much likelier (unigram) than any candidate is kept
    min_split_part: int = 3  # shortest part of a run-together split (besides "a" and "i")
    short_word: int = 3  # words this short only get one-edit candidates
    max_two_edit: int = 60  # two-edit candidates aligned per word, likeliest first (bounds latency)
    max_word: int = 30  # longer "words" are left alone (hashes, pasted junk)


_SPELLING_CACHE = 200_000  # spellings kept (a few MB)

# -- tokens that are never touched ----------------------------------------------------------------

_URL = re.compile(r"^[(<\[\"']*(?:[a-z][a-z0-9+.-]*://|www\.)\S+|^[\w-]+(?:\.[\w-]+)+/\S*", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CODE = re.compile(
    r"[_/\\=<>{}\[\]|`$#@~^*]"  # symbols of paths, code and markup
    r"|\w\.\w"  # dotted names: os.path, file.txt
    r"|[a-z][A-Z]"  # camelCase
    r"|^--?\w"  # command-line flags
    r"|\w\(|\w::\w|->"
)
_DIGIT = re.compile(r"\d")
_WORD_IN_CHUNK = re.compile(r"\w+(?:'\w+)*")
_PLAIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")


def chunk_kind(chunk: str) -> str:
    """What a whitespace-separated chunk of text is: ``url``, ``email``, ``code``, ``number``
    or ``text`` (only ``text`` chunks are corrected)."""
    if _URL.search(chunk):
        return "url"
    if _EMAIL.search(chunk):
        return "email"
    if _CODE.search(chunk):
        return "code"
    if _DIGIT.search(chunk):
        return "number"
    return "text"


def is_acronym(word: str) -> bool:
    """ALL-CAPS words of two or more letters (``NASA``, ``HTTP``) are names, not typos."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def match_case(typed: str, word: str, tokenizer: WordTokenizer | None = None) -> str:
    """``word`` (lower case) written the way ``typed`` was: capitalised if the typed word was,
    otherwise in its usual case (``i`` -> ``I``, ``london`` -> ``London``)."""
    shown = tokenizer.display(word) if tokenizer is not None else word
    if typed[:1].isupper():
        return shown[:1].upper() + shown[1:]
    return shown


# -- a frequency-only model for development and as a fallback -------------------------------------


# -- the corrector --------------------------------------------------------------------------------

class _LogView:
    """Log-probabilities read off a probability vector only where they are needed: a
    correction looks at a few dozen words of a 30,000-word distribution."""

    def __init__(self, probs: np.ndarray):
        self.probs = probs

    def __getitem__(self, ids):
        return np.log(np.maximum(self.probs[ids], 1e-12))


class _ScoreView:
    """The same over a model that computes probabilities only for the ids asked about
    (``nextword.lm.typing_model.NextWordScores``): no 30,000-word distribution is built at all.
    Values are kept, so the ids a decision needs can be fetched in one call first."""

    def __init__(self, scores):
        self.scores = scores
        self._known: dict[int, float] = {}

    def fetch(self, ids: np.ndarray) -> None:
        """Compute the log-probabilities of ``ids`` not asked for before, in one call."""
        new = np.array(sorted({int(i) for i in np.reshape(ids, -1)} - self._known.keys()), dtype=np.int64)
        if len(new):
            logp = np.log(np.maximum(self.scores.probs(new), 1e-12))
            self._known.update(zip(new.tolist(), logp.tolist(), strict=True))

    def __getitem__(self, ids):
        self.fetch(np.asarray(ids))
        if not np.ndim(ids):
            return self._known[int(ids)]
        return np.array([self._known[i] for i in np.asarray(ids).tolist()], dtype=np.float64)


@dataclass(frozen=True)
class _Cands:
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


class Corrector:
    """Noisy-channel correction of typed words against a typing model."""

    def __init__(self, model: LanguageModel, error_model: ErrorModel | None = None,
                 params: CorrectorParams | None = None, typing_errors: ErrorModel | None = None):
        self.model = model
        self.tok = model.tokenizer
        # two channels: ``errors`` (spelling errors, learned from real misspellings) ranks the
        # readings ``correct`` offers; ``typing_errors`` (the same mixed with pure keyboard
        # slips, what a typist in an editor mostly makes) decides what ``autocorrect`` replaces
        self.errors = error_model or ErrorModel.load()
        self.typing_errors = typing_errors or (error_model or ErrorModel.load_typing())
        self._params = params or CorrectorParams()
        words = self.tok.words
        keep = [i for i, w in enumerate(words)
                if self.tok.word_mask[i] and _PLAIN_WORD.fullmatch(w)]
        self.index = DeleteIndex([words[i] for i in keep], keep)
        self._word_lens = np.array([len(w) for w in self.index.words], dtype=np.int64)
        # letter bounds that hold for both channels
        bounds = [np.array(e.letter_bounds()) for e in (self.errors, self.typing_errors)]
        self._typed_in, self._lost = np.maximum(*bounds)
        self._best_edit = max(self.errors.max_edit_logp, self.typing_errors.max_edit_logp)
        uni = np.asarray(model.unigram, dtype=np.float64)[: len(words)] * self.tok.word_mask
        self.unigram = uni
        self.log_unigram = np.log((uni + 0.5) / (uni + 0.5).sum())
        # the same with the share of unknown words kept: a context-free stand-in for the model
        raw = np.asarray(model.unigram, dtype=np.float64)[: len(words)]
        self.free_prior = self.log_unigram.copy()
        self.free_prior[self.tok.unk_id] = math.log((raw[self.tok.unk_id] + 0.5) / (raw.sum() + 1.0))
        # a model that scores chosen words only (TypingModel) is asked for those alone
        make_scorer = getattr(model, "candidate_scorer", None)
        self._scorer = make_scorer() if make_scorer is not None else None
        self._spelled: dict[str, float] = {}  # char-model log P of unknown spellings
        # real words outside the vocabulary (seen in the training text) and how often
        self.lexicon: dict[str, int] = dict(getattr(model, "known_words", None) or {})
        unknown = float(np.asarray(model.unigram, dtype=np.float64)[self.tok.unk_id])
        self._log_unknown = math.log(max(unknown, sum(self.lexicon.values()), 1.0))
        self._user_seen: tuple[int, int] = (0, -1)
        self._user_index: DeleteIndex | None = None
        self._reset_caches()
        self.index.near("warm")  # fault the index arrays in now, not on the user's first word

    @property
    def params(self) -> CorrectorParams:
        return self._params

    @params.setter
    def params(self, value: CorrectorParams) -> None:
        self._params = value
        self._reset_caches()  # the cached candidates depend on the parameters

    def _reset_caches(self) -> None:
        """Per-spelling caches: everything about a typed word that does not depend on context."""
        self._lexicon_words = {w for w, n in self.lexicon.items() if n >= self.params.lexicon_min_count}
        self._cands = lru_cache(maxsize=50_000)(self._candidates)
        self._pair = lru_cache(maxsize=500_000)(self._pair_uncached)
        self._fine = lru_cache(maxsize=50_000)(self._clearly_fine)
        self._settled = lru_cache(maxsize=50_000)(self._settled_uncached)

    # -- context-free candidates ------------------------------------------------------------------
    def _candidates(self, typed: str) -> _Cands:
        p = self.params
        limit = 1 if len(typed) <= p.short_word else 2
        rows, min_edits = self.index.near(typed, limit)
        typed_id = self.tok.ids.get(typed, -1)
        if typed_id >= 0 and not (self.tok.word_mask[typed_id] and _PLAIN_WORD.fullmatch(typed)):
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
        form = regular_form(typed, self.tok.ids) if typed_id < 0 else None
        # an inflection or compound one slip from another word is more likely that word
        # mistyped: "begining" is a keystroke off "beginning" (clitics are certain: "printer's"
        # stays though "painter's" is one slip away, and so are other forms of the same word:
        # "transcribed" stays though "transcribes" is)
        if form is not None and (form[1] == "clitic" or not any(
                w != form[0] and _single_edit(typed, w) and not same_word(w, form[0], self.tok.ids)
                for w in words)):
            regular = self.tok.ids[form[0]]
        lexicon = []
        if typed_id < 0 and typed not in self.lexicon and len(typed) > p.short_word:
            lexicon = sorted(single_edits(typed) & self._lexicon_words)
        return _Cands(ids, words, min_edits, limit, typed_id, splits, two_edit_ceiling, maybe_one,
                      regular, lexicon)

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

    def _pair_uncached(self, typed: str, word: str, limit: int, errors: ErrorModel) -> tuple[int, float]:
        """Edit distance (``limit + 1`` when beyond it) and log P(typed | word) under ``errors``."""
        d = 1 if _single_edit(typed, word) else osa_distance(typed, word, limit)
        return d, (errors.logp(typed, word) if d <= limit else -math.inf)

    def _search(self, low: str, c: _Cands, prior: np.ndarray | _LogView, need: int,
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
            if _single_edit(low, word):
                d, ch = self._pair(low, word, c.limit, errors)
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

    def _user_candidates(self, typed: str, errors: ErrorModel) -> list[tuple[str, float]]:
        """The user's own words (outside the vocabulary) near ``typed``, with channel scores."""
        words = self.model.user_words
        if not words:
            return []
        if (id(words), len(words)) != self._user_seen:  # rebuilt only when the dictionary changes
            self._user_seen = (id(words), len(words))
            user = sorted(w for w in words if w not in self.tok.ids and _PLAIN_WORD.fullmatch(w))
            self._user_index = DeleteIndex(user) if user else None
        if self._user_index is None:
            return []
        p = self.params
        return [(w, p.channel_weight * self._pair(typed, w, 2, errors)[1] + p.edit_cost * d)
                for w, _, d in self._user_index.lookup(typed) if d > 0]

    # -- scoring ----------------------------------------------------------------------------------
    def _log_prior(self, context: str) -> np.ndarray | _LogView:
        """log P(next word | context) over the vocabulary (the unigram without context)."""
        if not context.strip():
            return self.log_unigram
        if self._scorer is not None:
            return _ScoreView(self._scorer.at(context))
        return _LogView(np.asarray(self.model.next_word_probs(context), dtype=np.float64))

    def _keep_oov(self, typed: str, prior: np.ndarray | _LogView) -> float:
        """Score of keeping a word that is not in the vocabulary: P(<unk> | context) times its
        spelling's probability, less a cost per letter below ``oov_short``. Short words are
        nearly all in the vocabulary, so a short unknown string is far more often a slip."""
        p = self.params
        if len(typed) > p.max_word:
            return 0.0
        spelling = self._spelling(typed)
        if not math.isfinite(spelling):  # a model without a character LM
            spelling = -3.0 * len(typed)
        short = max(0, p.oov_short - len(typed)) * p.oov_short_cost
        keep = float(prior[self.tok.unk_id] + spelling + p.oov_offset - short)
        if typed in self.lexicon:
            keep = max(keep, self._lexicon_score(typed, prior))
        return keep

    def _lexicon_share(self, word: str) -> float:
        """log of a lexicon word's share of the unknown words in the training text."""
        return math.log(self.lexicon[word]) - self._log_unknown

    def _lexicon_score(self, word: str, prior: np.ndarray | _LogView) -> float:
        """log P(``word``, a real word outside the vocabulary | context): P(unknown word |
        context) times its share of the unknown words."""
        return float(prior[self.tok.unk_id]) + self._lexicon_share(word) + self.params.lexicon_offset

    def _lexicon_unigram(self, word: str) -> float:
        """The log unigram of a word outside the vocabulary seen in training: the unknown
        words' share, split by its share among them."""
        return float(self.free_prior[self.tok.unk_id]) + self._lexicon_share(word)

    def hypotheses(self, typed: str, context: str = "", need: int = 3,
                   above: float | None = None, prior: np.ndarray | _LogView | None = None,
                   name: bool | None = None, errors: ErrorModel | None = None
                   ) -> tuple[list[tuple[str, float, str]], float]:
        """The best ``need`` readings of ``typed`` (and keeping it as typed) with their scores,
        best first, and the margin a correction needs to replace it. Entries are
        ``(lower-cased word, score, kind)`` with kind ``typed`` or ``correction``. With
        ``above`` only corrections scoring over keep + margin + ``above`` are searched for
        (autocorrect needs no others). ``name``: whether the word stands where a name would
        (by default read off the end of ``context``). ``errors``: the channel (by default the
        spelling-error one)."""
        low = typed.lower()
        c = self._cands(low)
        errors = errors or self.errors
        user = self._user_candidates(low, errors)
        margin = self._margin(c, low)
        if looks_like_name(typed, context, self.tok.ids) if name is None else name:
            margin += self.params.margin_name
        if not (len(c.ids) or c.splits or user or c.lexicon):
            return [(low, 0.0, "typed")], margin
        if prior is None:
            prior = self._log_prior(context)
        if isinstance(prior, _ScoreView):  # everything this decision may look up, at once
            ids = np.array([*c.ids.tolist(), c.typed_id, self.tok.unk_id, c.regular,
                            *(self.tok.ids[left] for left, _ in c.splits)])
            prior.fetch(ids[ids >= 0])
        if c.typed_id >= 0:
            keep = float(prior[c.typed_id])
        elif low in self.model.user_words:
            keep = float(prior[self.tok.unk_id] + self.params.oov_offset)
        else:
            keep = self._keep_oov(low, prior)
            if c.regular >= 0:  # at least as likely as the known word it is a form of
                keep = max(keep, float(prior[c.regular]) + self.params.regular_cost)
        out = [(low, keep, "typed")]
        floor = -math.inf if above is None else keep + margin + above
        out += [(w, s, "correction") for w, s in self._search(low, c, prior, need, floor, errors)]
        for w, ch in user:
            out.append((w, float(prior[self.tok.unk_id]) + self.params.oov_offset + ch, "correction"))
        for w in c.lexicon:
            ch = self.params.channel_weight * self._pair(low, w, 1, errors)[1] + self.params.edit_cost
            lu = self.params.unigram_weight * self._lexicon_unigram(w)
            out.append((w, self._lexicon_score(w, prior) + ch + lu, "correction"))
        for left, right in c.splits:
            s = (prior[self.tok.ids[left]] + self.log_unigram[self.tok.ids[right]] + self.params.split_cost)
            out.append((f"{left} {right}", float(s), "correction"))
        out.sort(key=lambda h: -h[1])
        return out, margin

    def _margin(self, c: _Cands, low: str) -> float:
        """How far a correction must out-score the typed word to replace it: a linear function
        (``margin_*`` weights) of what the typed word is (``margin_terms``). Breaking a right
        word is the worse mistake, so common words need far more."""
        p = self.params
        return sum(getattr(p, f"margin_{name}") * value for name, value in self.margin_terms(c, low).items())

    def margin_terms(self, c: _Cands, low: str) -> dict[str, float]:
        """What the replacement margin of a typed word weighs: whether it is in the vocabulary
        and how common; for an unknown word, whether it is a regular form of a known one or
        was seen in training (and how often), and how English its spelling looks; its length.
        The user's words count as common vocabulary words."""
        p = self.params
        terms = {"base": 1.0, "letters": float(len(low)), "short": float(max(0, p.oov_short - len(low)))}
        if low in self.model.user_words or c.typed_id >= 0:
            i = c.typed_id if c.typed_id >= 0 else self.tok.unk_id
            known = c.typed_id < 0 or self.unigram[i] >= p.known_count
            return terms | {"vocab": 1.0, "known": float(known), "unigram": float(self.free_prior[i])}
        if c.regular >= 0:
            terms["regular"] = 1.0
        elif low in self.lexicon:
            terms |= {"lexicon": 1.0, "lexicon_count": math.log1p(self.lexicon[low])}
        spelling = self._spelling(low) if len(low) <= p.max_word else math.nan
        terms["spelling"] = spelling / len(low) if math.isfinite(spelling) else 0.0
        return terms

    def best(self, typed: str, context: str = "") -> str:
        """The word autocorrect would write for ``typed`` after ``context`` (case kept), with
        nothing typed after it yet."""
        settled = self._decided_without_context(typed, context)
        return settled if settled is not None else self._choose(typed, *self._close_call(typed, context))

    def _decided_without_context(self, typed: str, context: str) -> str | None:
        """``best`` when the language model is not needed (None for a close call). Of the
        context only its last characters matter here (a capital after them is a name)."""
        if not _should_check(typed, self.model.user_words, self.params.max_word):
            return typed
        if self._fine(typed.lower()):
            return typed
        return self._settled_without_context(typed, context)

    def _close_call(self, typed: str, context: str, prior: np.ndarray | _ScoreView | None = None,
                    goes_on: bool = False) -> tuple[list[tuple[str, float, str]], float]:
        """The readings of a close call scored in context (``prior``: those scores already
        looked up for it) and the margin to beat. When the text goes on after the word, the
        likeliest few corrections that the words after it could still carry over the margin
        are kept too (``_choose`` weighs them with those words)."""
        p = self.params
        return self.hypotheses(typed, context, need=p.right_readings if goes_on else 1,
                               above=-p.right_reach if goes_on else 0.0, prior=prior,
                               errors=self.typing_errors)

    def _choose(self, typed: str, hyps: list[tuple[str, float, str]], margin: float,
                follow: np.ndarray | None = None) -> str:
        """The decision on a close call: the best correction (each scored in context plus
        ``right_weight`` times ``follow``, how well it fits the words after it) replaces the
        typed word if it beats keeping it by ``margin`` (which may be negative: an unknown
        string is kept at a generous score)."""
        scores = [s for _, s, _ in hyps]
        if follow is not None:
            scores = [s + self.params.right_weight * f for s, f in zip(scores, follow.tolist(), strict=True)]
        keep = next(s for s, (_, _, kind) in zip(scores, hyps, strict=True) if kind == "typed")
        fixes = [i for i, (_, _, kind) in enumerate(hyps) if kind != "typed"]
        if not fixes:
            return typed
        best = max(fixes, key=scores.__getitem__)
        if scores[best] - keep < margin:
            return typed
        return match_case(typed, hyps[best][0], self.tok)

    def _readings(self, hyps: list[tuple[str, float, str]]) -> list[list[int]]:
        """Token ids of each reading: its word (two for a split), the unknown-word id for a word
        outside the vocabulary."""
        ids, unk = self.tok.ids, self.tok.unk_id
        return [[ids.get(part, unk) for part in w.split(" ")] for w, _, _ in hyps]

    def _settled_without_context(self, typed: str, context: str) -> str | None:
        """The decision, when the unigram alone makes it by more than context usually moves
        scores (``context_range``): saves the language model for the close calls."""
        if not math.isfinite(self.params.context_range):
            return None
        user = self.model.user_words  # the user's words are candidates too: part of the key
        return self._settled(typed, looks_like_name(typed, context, self.tok.ids), id(user), len(user))

    def _settled_uncached(self, typed: str, name: bool, *user_dictionary) -> str | None:
        """``_settled_without_context`` for a word, where a name would stand or not (cached
        per state of the user's dictionary)."""
        reach = self.params.context_range
        hyps, margin = self.hypotheses(typed, need=2, above=-reach, prior=self.free_prior, name=name,
                                       errors=self.typing_errors)
        keep = next(s for _, s, k in hyps if k == "typed")
        fixes = [(w, s) for w, s, k in hyps if k != "typed"]
        if not fixes:
            return typed
        gap = fixes[0][1] - keep - margin
        if gap < -reach:
            return typed
        if gap > reach and (len(fixes) == 1 or fixes[0][1] - fixes[1][1] > reach):
            return match_case(typed, fixes[0][0], self.tok)
        return None

    def _clearly_fine(self, low: str) -> bool:
        """A vocabulary word far more frequent than every near neighbour (by unigram and channel)
        is kept without asking the language model: context rarely overturns such a gap."""
        c = self._cands(low)
        if c.typed_id < 0:
            return False
        bar = (1.0 + self.params.unigram_weight) * float(self.log_unigram[c.typed_id]) - self.params.skip_known
        return not self._search(low, c, self.log_unigram, 1, floor=bar, errors=self.typing_errors)

    # -- public API -------------------------------------------------------------------------------
    def correct(self, word: str, context: str = "", k: int = 3) -> list[Suggestion]:
        """Up to ``k`` readings of ``word`` typed after ``context``, best first; scores are
        log-probabilities over the readings considered. A word that autocorrect would leave
        alone comes back first, unchanged."""
        word = normalize(word if isinstance(word, str) else "").strip()
        k = int(k)
        if not word or k <= 0:
            return []
        if not _should_check(word, self.model.user_words, self.params.max_word):
            return [Suggestion(word, 0.0, "correction")]
        hyps, margin = self.hypotheses(word, context, need=k)
        # the typed word keeps its place unless beaten by the replacement margin; a word
        # autocorrect keeps without asking the model (``_clearly_fine``) stays first
        keep = next(s for _, s, kind in hyps if kind == "typed") + margin
        if self._fine(word.lower()):
            keep = max([keep] + [s for _, s, kind in hyps if kind != "typed"])
        ranked = sorted(((w, keep if kind == "typed" else s, kind) for w, s, kind in hyps), key=lambda h: -h[1])
        scores = np.array([s for _, s, _ in ranked])
        logz = float(np.logaddexp.reduce(scores))
        if ranked[0][2] != "typed" and low_unknown(ranked, self.tok.ids):
            # an unknown typed word that lost is no suggestion: the slots go to real words
            ranked = [h for h in ranked if h[2] != "typed"]
        out = []
        for w, s, _ in ranked[:k]:
            shown = word if w == word.lower() else match_case(word, w, self.tok)
            out.append(Suggestion(shown, s - logz, "correction"))
        return out

    def correct_tokens(self, tokens: Sequence[str], context: str = "") -> list[str]:
        """Autocorrect a sequence of word tokens written one space apart after ``context``, as
        ``autocorrect`` would the text they make: one output per input (possibly two words)."""
        prefix = context + " " if context.strip() else ""
        text = prefix + " ".join(tokens)
        spans, out = self._decide(text, len(prefix))
        starts = [start for start, _, _ in spans]
        result, lo = [], len(prefix)
        for token in tokens:
            hi = lo + len(token)
            first, stop = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
            result.append(_assemble(text, spans, out, first, stop, lo, hi))
            lo = hi + 1
        return result

    def autocorrect(self, text: str) -> str:
        """``text`` with each word replaced by its confident correction in context: the text
        before it and, where the text goes on, the words after it."""
        if not isinstance(text, str) or not text:
            return text if isinstance(text, str) else ""
        spans, out = self._decide(text)
        return _assemble(text, spans, out, 0, len(spans), 0, len(text))

    def _decide(self, text: str, first: int = 0) -> tuple[list[tuple[int, int, str]], list[str]]:
        """The words of ``text`` (``_word_spans``) and what autocorrect writes for each; words
        before the position ``first`` are context only, kept as they are.

        Most words are decided without the language model (clearly fine, or clearly a slip).
        The close calls left are then decided in context, each after the text corrected
        before it, paragraph by paragraph: with a typing model the paragraphs go side by side
        (``_close_calls_by_paragraph``)."""
        self._prefetch_spellings(text[first:])
        spans = list(_word_spans(text))
        out = [word if start < first else self._decided_without_context(word, _context_tail(text, start))
               for start, _, word in spans]
        if None in out:
            if self._scorer is not None and hasattr(self._scorer, "advance"):
                self._close_calls_by_paragraph(text, spans, out)
            else:
                self._close_calls_in_order(text, spans, out)
        return spans, out

    def _following(self, text: str, spans: list[tuple[int, int, str]], out: list[str | None], k: int) -> str:
        """The text after the word ``spans[k]`` on its line, up to ``right_words`` words further,
        with the words decided so far written as decided."""
        n = self.params.right_words
        end = spans[k][1]
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        stop = k + 1
        while stop < len(spans) and stop <= k + n and spans[stop][0] < line_end:
            stop += 1
        hi = spans[stop - 1][1] if stop > k + 1 else min(line_end, end + 8)
        return _assemble(text, spans, out, k + 1, stop, end, hi)

    def _close_calls_in_order(self, text: str, spans: list[tuple[int, int, str]],
                              out: list[str | None]) -> None:
        """Decide the close calls (``None`` in ``out``) left to right, each after the text as
        corrected before it and before the words after it (any language model)."""
        # += on a local string grows it in place (a join per word would copy the whole text)
        written, pos, done = "", 0, 0
        for k, (start, _, word) in enumerate(spans):
            if out[k] is None:
                written += _assemble(text, spans, out, done, k, pos, start)
                following = split_words(self._following(text, spans, out, k))[: self.params.right_words]
                hyps, margin = self._close_call(word, written, goes_on=bool(following))
                follow = None
                if following and len(hyps) > 1:
                    follow = np.array([self._fit(written, w, following) for w, _, _ in hyps])
                out[k] = self._choose(word, hyps, margin, follow)
                pos, done = start, k

    def _fit(self, before: str, reading: str, following: list[str]) -> float:
        """log P(the tokens ``following`` | ``before`` and then ``reading``), asked of the
        language model one token at a time."""
        total, context = 0.0, f"{before}{reading} "
        for token in following:
            total += float(self._log_prior(context)[self.tok.token_id(token)])
            context += token + " "
        return total

    def _close_calls_by_paragraph(self, text: str, spans: list[tuple[int, int, str]],
                                  out: list[str | None], block: int = 128) -> None:
        """Decide the close calls with the typing model, a block of paragraphs at a time.

        A close call's context is the text before its paragraph as typed (that part only feeds
        the document cache and the n-gram's first words) and its own paragraph as corrected,
        so the paragraphs are independent and go side by side: at each step every open
        paragraph's LSTM reads on to its next close call (``CandidateScorer.advance``, one
        batch), the readings of all those close calls are fitted to the words after each
        (``CandidateScorer.follow_scores``, one more batch), and each is decided."""
        bos, encode, n = self.tok.bos_id, self._scorer.encode, self.params.right_words
        first = [start for start, _, _ in spans]
        paras: dict[int, list[int]] = {}
        for k, (start, _, _) in enumerate(spans):
            if out[k] is None:
                paras.setdefault(text.rfind("\n", 0, start) + 1, []).append(k)
        typed = _TypedTokens(encode, bos, text)
        starts = list(paras)
        for b in range(0, len(starts), block):
            todo = {p: paras[p] for p in starts[b:b + block]}
            before = {p: typed.before(p) for p in todo}
            runs = {p: ParagraphRun() for p in todo}
            pos = {p: p for p in todo}  # text position up to which ``written`` is built ...
            done = {p: bisect.bisect_left(first, p) for p in todo}  # ... and the next span
            written = dict.fromkeys(todo, "")
            while todo:
                asks = {}
                for p, close in todo.items():
                    k = close[0]
                    written[p] += _assemble(text, spans, out, done[p], k, pos[p], spans[k][0])
                    pos[p], done[p] = spans[k][0], k
                    asks[p] = [bos, *encode(written[p])]
                self._scorer.advance([(runs[p], para) for p, para in asks.items()])
                calls, fits = [], []
                for p, para in asks.items():
                    k = todo[p].pop(0)
                    if not todo[p]:
                        del todo[p]
                    start, _, word = spans[k]
                    following = self._following(text, spans, out, k)
                    following_ids = encode(following)[:n] if following.strip() and n > 0 else []
                    scores = self._scorer.after(before[p], para)
                    hyps, margin = self._close_call(word, _context_tail(text, start), _ScoreView(scores),
                                                    bool(following_ids))
                    calls.append((k, hyps, margin))
                    fits.append((runs[p], scores.tokens, self._readings(hyps) if len(hyps) > 1 else [],
                                 following_ids))
                for (k, hyps, margin), follow in zip(calls, self._scorer.follow_scores(fits), strict=True):
                    out[k] = self._choose(spans[k][2], hyps, margin, follow if len(follow) else None)

    def _prefetch_spellings(self, text: str) -> None:
        """Score the spellings of the text's unknown words in one batch (one char-LSTM call per
        word is most of the time of an unknown word) into the spelling cache."""
        batch = getattr(self.model, "char_logprobs", None)
        if batch is None:
            return
        words = sorted({w for w in map(str.lower, _PLAIN_WORD.findall(text))
                        if len(w) <= self.params.max_word and w not in self.tok.ids
                        and w not in self._spelled})
        if len(self._spelled) + len(words) > _SPELLING_CACHE:
            self._spelled.clear()
        for word, logp in zip(words, batch(words), strict=True):
            self._spelled[word] = logp

    def _spelling(self, low: str) -> float:
        """log P(``low``) under the character model, cached (a word is often scored twice)."""
        logp = self._spelled.get(low)
        if logp is None:
            if len(self._spelled) >= _SPELLING_CACHE:
                self._spelled.clear()
            logp = self._spelled[low] = self.model.char_logprob(low)
        return logp


_CLITICS = ("'s", "'d", "'ll", "'ve", "'re", "'m", "'t")
# inflections: the suffix, the stems it goes with (so a doubled or stray last key, as in
# "passs" or "storesd", does not pass for one), and whether a final e of the known word drops
# before it (love -> loving; but complete -> completely, vote -> votes)
_SUFFIXES = (
    ("s", lambda stem: stem[-1] not in "sxz", False),
    ("es", lambda stem: stem.endswith(("s", "x", "z", "ch", "sh", "o")), False),
    ("ed", lambda stem: stem[-1] != "e", True),
    ("d", lambda stem: stem[-1] == "e", False),
    ("ing", lambda stem: stem[-1] != "e" or stem.endswith(("ee", "oe", "ye")), True),
    ("er", lambda stem: stem[-1] != "e", True),
    ("ers", lambda stem: stem[-1] != "e", True),
    ("ly", lambda stem: True, False),
)


def regular_form(low: str, vocab: dict[str, int]) -> tuple[str, str] | None:
    """The known word an unknown ``low`` is regularly built from, and how (``clitic``,
    ``inflection`` or ``compound``), or None. Text is full of forms a 30,000-word vocabulary
    lacks: a clitic on a known word (``richard's`` -> richard, archaic ``promis'd`` ->
    promised), an inflection of a known stem of four or more letters (``bathtubs`` -> bathtub),
    two known words of four or more letters run together (``workplace`` -> place)."""
    for clitic in _CLITICS:
        if low.endswith(clitic) and len(low) > len(clitic):
            stem = low[: -len(clitic)]
            options = [stem + "ed", stem + "d", stem] if clitic == "'d" else [stem]
            word = next((w for w in options if w in vocab), None)
            return (word, "clitic") if word else None
    for suffix, stem_ok, drops_e in _SUFFIXES:
        stem = low[: -len(suffix)]
        if low.endswith(suffix) and len(stem) >= 4 and stem_ok(stem):
            for w in (stem, stem + "e") if drops_e else (stem,):
                if w in vocab:
                    return w, "inflection"
    for i in range(4, len(low) - 3):
        if low[:i] in vocab and low[i:] in vocab:
            return low[i:], "compound"
    return None


def _stems(word: str) -> set[str]:
    """``word`` and what it is with one inflectional suffix taken off (with or without a
    final e put back): the words it may be a form of."""
    out = {word}
    for suffix, _, _ in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3:
            out |= {stem, stem + "e"}
    return out


def same_word(a: str, b: str, vocab: dict[str, int]) -> bool:
    """Whether ``a`` and ``b`` are forms of one known word (``transcribed`` and ``transcribes``
    of ``transcribe``; not ``whethed`` and ``whether``, whose shared ``wheth`` is no word)."""
    return any(s in vocab for s in _stems(a) & _stems(b))


class _TypedTokens:
    """Token ids of a text as typed, up to successive paragraph starts (each piece of the
    text tokenized once): the earlier-paragraph context of ``_close_calls_by_paragraph``."""

    def __init__(self, encode, bos: int, text: str):
        self.encode, self.text = encode, text
        self.pos, self.tail = 0, [bos]

    def before(self, para: int) -> list[int]:
        """The last ``CACHE_WINDOW`` ids before the paragraph starting at ``para`` (which must
        not precede the previous one asked for), without the boundary the paragraph opens."""
        if para > self.pos:
            self.tail = (self.tail + self.encode(self.text[self.pos:para], self.tail[-1]))[-CACHE_WINDOW - 1:]
            self.pos = para
        return self.tail[:-1]


def _assemble(text: str, spans: list[tuple[int, int, str]], out: list[str | None],
              first: int, stop: int, lo: int, hi: int) -> str:
    """``text[lo:hi]`` with the words ``spans[first:stop]`` (inside it) written as decided in
    ``out`` (as typed where undecided or unchanged)."""
    parts, pos = [], lo
    for k in range(first, stop):
        start, end, word = spans[k]
        fixed = out[k]
        if fixed is not None and fixed != word:
            parts += (text[pos:start], fixed)
            pos = end
    parts.append(text[pos:hi])
    return "".join(parts)


def _word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, normalised word)`` of each word of ``text`` that autocorrect may touch:
    words of ordinary text chunks (not URLs, addresses, code or numbers), not elisions."""
    for chunk in re.finditer(r"\S+", text):
        s = chunk.group()
        if chunk_kind(s) != "text":
            continue
        for m in _WORD_IN_CHUNK.finditer(s):
            if not _elided(s, m.start(), m.end()):
                yield chunk.start() + m.start(), chunk.start() + m.end(), normalize(m.group())


def _context_tail(text: str, end: int, keep: int = 80) -> str:
    """A short stand-in for ``text[:end]`` that ends in the same characters (all that the
    name rule reads), so the first pass never copies the whole text before each word."""
    tail = text[max(0, end - keep):end]
    return tail if tail.strip() or end <= keep else text[:end].rstrip()[-keep:]


def _elided(chunk: str, start: int, end: int) -> bool:
    """Whether the word at ``chunk[start:end]`` has an apostrophe glued to one side: an
    elision (``tho'``, ``thro'``, ``'tis``, ``o'``), not a typo. On both sides it is a quote."""
    quote = ("'", "\u2019")
    return (chunk[end:end + 1] in quote) != (chunk[start - 1:start] in quote if start else False)


def looks_like_name(typed: str, context: str, vocab: dict[str, int]) -> bool:
    """An unknown word written with a capital in mid-sentence is most likely a name."""
    if not typed[:1].isupper() or typed.lower() in vocab:
        return False
    before = context[-80:].rstrip() or context.rstrip()  # the tail, unless it is all blank
    return bool(before) and before[-1] not in ".!?:;\"'(\n" and not before.endswith("--")


def _single_edit(a: str, b: str) -> bool:
    """Whether ``b`` is one insertion, deletion, substitution or swap away from ``a``."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    s, e = common_affixes(a, b)
    ma, mb = la - s - e, lb - s - e
    return ma + mb <= 2 and (ma, mb) != (2, 0) and (ma, mb) != (0, 2) or (
        ma == mb == 2 and a[s] == b[s + 1] and a[s + 1] == b[s])


def low_unknown(ranked: list[tuple[str, float, str]], ids: dict[str, int]) -> bool:
    """Whether the typed reading in ``ranked`` is a string outside the vocabulary."""
    return any(kind == "typed" and w not in ids for w, _, kind in ranked)


def _should_check(word: str, user_words: set[str], max_word: int) -> bool:
    """Whether ``word`` is an ordinary typed word that correction may touch."""
    return (bool(_PLAIN_WORD.fullmatch(word)) and 1 < len(word) <= max_word
            and not is_acronym(word) and word.lower() not in user_words)


__all__ = ["Corrector", "CorrectorParams", "LanguageModel", "Suggestion",
           "chunk_kind", "is_acronym", "match_case", "osa_distance"]
