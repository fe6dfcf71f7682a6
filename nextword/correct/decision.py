"""What happens to one typed word: autocorrect's keep-or-replace decision and the readings
``correct`` ranks.

Most words are decided without the language model: a vocabulary word far likelier than every
neighbour is kept (``clearly fine``), and where the unigram alone clears the margin by
``context_range`` either way the decision is settled. The rest are close calls: their readings
are scored in context (``close_call``) and the best correction replaces the typed word when it
beats keeping it by the margin (``choose``). The margin itself is ``hypotheses``'s, the words a
passage lets through are ``rules``'s, and the passage walk is ``corrector``'s.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from nextword.correct.confusions import confusables
from nextword.correct.errormodel import ErrorModel
from nextword.correct.hypotheses import HypothesisScorer
from nextword.correct.params import CorrectorParams
from nextword.correct.priors import LogView, Prior, ScoringModel
from nextword.correct.ranking import Ranker, rank_scores, readings_of
from nextword.correct.rules import (
    is_date_abbreviation,
    looks_like_name,
    match_case,
    regular_form,
    should_check,
)
from nextword.suggestion import Suggestion
from nextword.text.wordlist import english_words
from nextword.text.words import is_plain_word, normalize

Hypotheses = list[tuple[str, float, str]]  # (lower-cased reading, score, "typed" or "correction")
# how often a compound typed with a hyphen whose letters also make one word (``foot-ball``,
# ``with-out``) means that word: most such words are written closed today (a compound whose
# letters make no word, ``well-known``, is kept first at the complement)
_SPLIT_COMPOUND = 0.2


class WordCorrector:
    """Noisy-channel correction of one typed word against a typing model.

    Two channels: ``errors`` (spelling errors, learned from real misspellings) ranks the
    readings ``correct`` offers; ``typing_errors`` (the same mixed with pure keyboard slips,
    what a typist in an editor mostly makes) decides what autocorrect replaces."""

    def __init__(self, model: ScoringModel, error_model: ErrorModel | None = None,
                 params: CorrectorParams | None = None, typing_errors: ErrorModel | None = None):
        self.model = model
        self.tok = model.tokenizer
        self.ranker: Ranker | None = None  # the order ``correct`` offers corrections in (None: shipped)
        self.errors = error_model or ErrorModel.load()
        self.typing_errors = typing_errors or (error_model or ErrorModel.load_typing())
        self.scorer = HypothesisScorer(model, self.errors, self.typing_errors,
                                       params or CorrectorParams())
        self._reset_caches()

    @property
    def params(self) -> CorrectorParams:
        return self.scorer.params

    @params.setter
    def params(self, value: CorrectorParams) -> None:
        self.scorer.search.params = value  # clears the cached candidates
        self._reset_caches()  # ... and the cached decisions

    def _reset_caches(self) -> None:
        """Per-spelling caches: the decisions on a typed word that do not depend on context."""
        self._fine = lru_cache(maxsize=50_000)(self._clearly_fine)
        self._settled = lru_cache(maxsize=50_000)(self._settled_uncached)

    # -- autocorrect ------------------------------------------------------------------------------
    def best(self, typed: str, context: str = "") -> str:
        """The word autocorrect would write for ``typed`` after ``context`` (case kept), with
        nothing typed after it yet."""
        settled = self.decided_without_context(typed, context)
        return settled if settled is not None else self.choose(typed, *self.close_call(typed, context))

    def decided_without_context(self, typed: str, context: str) -> str | None:
        """``best`` when the language model is not needed (None for a close call). Of the
        context only its last characters matter here (a capital after them is a name)."""
        if not should_check(typed, self.model.user_words, self.params.max_word):
            return typed
        if self._kept(typed):
            return typed
        return self._settled_without_context(typed, context)

    def close_call(self, typed: str, context: str, prior: Prior | None = None,
                   goes_on: bool = False) -> tuple[Hypotheses, float]:
        """The readings of a close call scored in context (``prior``: those scores already
        looked up for it) and the margin to beat. When the text goes on after the word, the
        likeliest few corrections that the words after it could still carry over the margin
        are kept too (``choose`` weighs them with those words)."""
        p = self.params
        return self.scorer.hypotheses(typed, context, need=p.right_readings if goes_on else 1,
                                      above=-p.right_reach if goes_on else 0.0, prior=prior,
                                      errors=self.typing_errors)

    def choose(self, typed: str, hyps: Hypotheses, margin: float,
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
        return match_case(typed, hyps[best][0], self.model)

    def _settled_without_context(self, typed: str, context: str) -> str | None:
        """The decision, when the unigram alone makes it by more than context usually moves
        scores (``context_range``; ``known_context_range`` for a vocabulary word, whose slips
        make other real words that only context tells apart): saves the language model for
        the close calls."""
        if not math.isfinite(self.params.context_range):
            return None
        user = self.model.user_words  # the user's words are candidates too: part of the key
        return self._settled(typed, looks_like_name(typed, context, self.tok.ids), id(user), len(user))

    def _settled_uncached(self, typed: str, name: bool, *user_dictionary) -> str | None:
        """``_settled_without_context`` for a word, where a name would stand or not (cached
        per state of the user's dictionary)."""
        low = typed.lower()
        reach = self.params.known_context_range if low in self.tok.ids else self.params.context_range
        if self._confusable(low):
            return None
        hyps, margin = self.scorer.hypotheses(typed, need=2, above=-reach, prior=self.scorer.free_prior,
                                              name=name, errors=self.typing_errors)
        keep = next(s for _, s, k in hyps if k == "typed")
        fixes = [(w, s) for w, s, k in hyps if k != "typed"]
        if not fixes:
            return typed
        gap = fixes[0][1] - keep - margin
        if gap < -reach:
            return typed
        if gap > reach and (len(fixes) == 1 or fixes[0][1] - fixes[1][1] > reach):
            return match_case(typed, fixes[0][0], self.model)
        return None

    def _confusable(self, low: str) -> bool:
        """Whether ``low`` is a vocabulary word commonly confused with another one."""
        return low in self.tok.ids and any(w in self.tok.ids for w in confusables(low))

    def _kept(self, typed: str) -> bool:
        """A word autocorrect keeps as typed without asking the language model, and that
        ``correct`` lists first: a vocabulary word clearly commoner than its neighbours
        (``_clearly_fine``), or a capitalised day or month abbreviation (``Tue``)."""
        return self._fine(typed.lower()) or is_date_abbreviation(typed)

    def _clearly_fine(self, low: str) -> bool:
        """A vocabulary word far more frequent than every near neighbour (by unigram and channel)
        is kept without asking the language model: context rarely overturns such a gap. A word
        commonly confused with another (``confusions``) never is: only context tells them apart."""
        if self._confusable(low):
            return False
        search = self.scorer.search
        c = search.candidates(low)
        if c.typed_id < 0:
            return False
        log_unigram = self.scorer.log_unigram
        bar = (1.0 + self.params.unigram_weight) * float(log_unigram[c.typed_id]) - self.params.skip_known
        return not search.search(low, c, log_unigram, 1, floor=bar, errors=self.typing_errors)

    # -- the ranked readings ----------------------------------------------------------------------
    def no_word(self, typed: str, context: str) -> bool:
        """Whether ``typed`` is no word at all: in neither the vocabulary, the lexicon (the
        training text's other words and the English word list) nor the user's words, no
        inflection or clitic of a known word (``bathtubs``, ``richard's``; not ``opportunitys``,
        see ``regular_form``; two known words run together are no proof: ``transfred`` is not
        ``trans`` + ``fred``), and not where a name would stand (a capitalised word inside a
        sentence)."""
        low = typed.lower()
        if (low in self.tok.ids or low in self.scorer.lexicon or low in self.model.user_words
                or is_date_abbreviation(typed)):
            return False
        form = regular_form(low, self.tok.ids, english_words())
        return (form is None or form[1] == "compound") and not looks_like_name(typed, context, self.tok.ids)

    def correct(self, word: str, context: str = "", k: int = 3, probs: np.ndarray | None = None,
                prefix: bool = False) -> list[Suggestion]:
        """Up to ``k`` readings of ``word`` typed after ``context``, best first; scores are
        log-probabilities over the readings considered. A word that autocorrect would leave
        alone comes back first, unchanged, unless it is no word at all (``no_word``): then the
        real words near it are the suggestions (``best`` is autocorrect's decision, which
        keeps such strings when unsure). Beyond autocorrect's candidates the words that sound
        or look like a misspelling are ranked too, and the corrections are ordered by
        ``ranking``'s ranker (for a word outside the vocabulary, the likeliest ``rank_pool`` by
        the channel score). ``probs``: P(next word | context) over the vocabulary when the
        caller has it already (the typing model's suggestions do). ``prefix``: ``word`` is the
        start of a word still being typed (the suggestions' case), so the words that look like
        it as a whole word are no readings."""
        word = normalize(word if isinstance(word, str) else "").strip()
        k = int(k)
        if not word or k <= 0:
            return []
        if "-" in word and word.lower() not in self.model.user_words:
            hyphenated = self._hyphenated(word, context, k, probs, prefix)
            if hyphenated is not None:
                return hyphenated
        if not should_check(word, self.model.user_words, self.params.max_word):
            return [Suggestion(word, 0.0, "correction")]
        prior = None
        if context.strip():
            prior = LogView(probs) if probs is not None else self.scorer.log_prior(context)
        fine = self._kept(word)
        # a misspelling's readings are many and far; a vocabulary word's few and near (and it
        # mostly comes first itself): only the former's widen the pool (``rank_pool``)
        unknown = self.scorer.search.candidates(word.lower()).typed_id < 0
        pool = max(k, self.params.rank_pool) if unknown else k
        hyps, margin = self.scorer.hypotheses(word, context, need=pool, prior=prior, sounds=True,
                                              looks=not prefix)
        # the typed word keeps its place unless beaten by the replacement margin; a word
        # autocorrect keeps without asking the model (``_clearly_fine``) stays first
        keep = next(s for _, s, kind in hyps if kind == "typed") + margin
        if fine:
            keep = max([keep] + [s for _, s, kind in hyps if kind != "typed"])
        ranked = self._ranked(word.lower(), [(w, keep if kind == "typed" else s, kind) for w, s, kind in hyps],
                              prior)
        if len(ranked) > 1 and (ranked[0][2] != "typed" or self.no_word(word, context)):
            # an unknown typed word that lost, or that no list knows, is no suggestion: the
            # slots go to real words
            ranked = [h for h in ranked if h[2] != "typed" or h[0] in self.tok.ids]
        out = []
        for w, s, _ in ranked[:k]:
            shown = word if w == word.lower() else match_case(word, w, self.model)
            out.append(Suggestion(shown, s, "correction"))
        return out

    def _hyphenated(self, word: str, context: str, k: int, probs: np.ndarray | None,
                    prefix: bool = False) -> list[Suggestion] | None:
        """The readings of a word typed with hyphens (None when it is no hyphenated word).
        A hyphen at an end (a line break's) is dropped. Inner hyphens may split one word
        (``foot-ball``, ``with-out``, ``bank-rupecy``): the joined letters are corrected as
        one word, and the compound as typed stays a reading when all its parts are words, first
        unless the word list writes the joined letters as one word (``well-known`` stays)."""
        core = word.strip("-")
        parts = core.split("-")
        if not all(is_plain_word(part) for part in parts) or len(core) > self.params.max_word:
            return None
        if len(parts) == 1:
            return self.correct(core, context, k, probs, prefix)
        # in the case typed (``Foot-Ball`` -> ``Football``, ``E-MAIL`` -> ``EMAIL``)
        joined = core.replace("-", "") if core.isupper() else parts[0] + "".join(parts[1:]).lower()
        # the joined letters themselves are a reading only when they make a word
        real = not self.no_word(joined, "")
        readings = [s for s in self.correct(joined, context, k, probs, prefix)
                    if s.word.lower() != core.lower() and (real or s.word.lower() != joined.lower())]
        if any(self.no_word(part, "") for part in parts):
            return readings or [Suggestion(core, 0.0, "correction")]
        # the compound as typed: a share of the readings' probability mass, the smaller one when
        # the word list (or the user) writes its letters as one word
        closed = joined.lower() in english_words() or joined.lower() in self.model.user_words
        keep = _SPLIT_COMPOUND if closed else 1.0 - _SPLIT_COMPOUND
        typed = Suggestion(core, math.log(keep), "correction")
        rest = [Suggestion(s.word, s.score + math.log1p(-keep), s.kind) for s in readings]
        return sorted([typed, *rest], key=lambda s: -s.score)[:k]

    def _ranked(self, low: str, hyps: Hypotheses, prior: Prior | None) -> Hypotheses:
        """The readings (the typed word scored with its margin) best first, with
        log-probabilities: the typed word's by these scores, the corrections sharing the rest
        by the ranker (``ranking``). A typed word these scores put first stays first."""
        scores = np.array([s for _, s, _ in hyps])
        logz = float(np.logaddexp.reduce(scores))
        typed = next(i for i, (_, _, kind) in enumerate(hyps) if kind == "typed")
        fixes = [h for h in hyps if h[2] != "typed"]
        if not fixes:
            return [(hyps[typed][0], 0.0, "typed")]
        log_typed = float(scores[typed]) - logz
        readings = readings_of(self.scorer, [w for w, _, _ in fixes], prior, self.params.oov_offset)
        share = 1.0 / (1.0 + self.params.unigram_weight)
        rank = np.array(rank_scores(low, readings, self.errors, share, self.ranker or Ranker.load()))
        rank = rank - float(np.logaddexp.reduce(rank)) + math.log(max(-math.expm1(log_typed), 1e-12))
        if scores[typed] >= scores.max():
            log_typed = max(log_typed, float(rank.max()))
        out = [(hyps[typed][0], log_typed, "typed")]
        out += [(w, float(r), kind) for (w, _, kind), r in zip(fixes, rank, strict=True)]
        return sorted(out, key=lambda h: (-h[1], h[2] != "typed"))
