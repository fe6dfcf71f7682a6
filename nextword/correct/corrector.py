"""Context-aware spelling correction of a passage: a noisy channel over vocabulary candidates.

``Corrector.autocorrect`` replaces each word of a text (that ``rules`` lets it touch) by its
confident correction in context: the text before it and, where the text goes on,
``right_weight`` times how well each reading fits the next words. Most words are decided
without the language model; the close calls left are decided in context, each after the text
corrected before it (``decision``: the decision on one word; ``hypotheses``: its scored
readings and margin). With a typing model the paragraphs go side by side, one LSTM batch per
step. It keeps the typed case and the punctuation and whitespace around each word.
``Corrector.correct`` ranks the readings of one typed word.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from nextword.correct.decision import Hypotheses, WordCorrector
from nextword.correct.errormodel import ErrorModel
from nextword.correct.params import CorrectorParams
from nextword.correct.priors import Prior, ScoreView, ScoringModel
from nextword.correct.rules import word_spans
from nextword.correct.search import WordCandidates
from nextword.lm.mixture import CACHE_WINDOW
from nextword.lm.scorer import ParagraphRun
from nextword.suggestion import Suggestion
from nextword.text.tokenizer import WordTokenizer
from nextword.text.words import split_words

Spans = list[tuple[int, int, str]]  # (start, end, normalised word) of each word (``word_spans``)


class Corrector:
    """Noisy-channel correction of typed words and passages against a typing model."""

    word_corrector: type[WordCorrector] = WordCorrector  # decides one word (a subclass may record)

    def __init__(self, model: ScoringModel, error_model: ErrorModel | None = None,
                 params: CorrectorParams | None = None, typing_errors: ErrorModel | None = None):
        self.word = self.word_corrector(model, error_model, params, typing_errors)
        self.scorer = self.word.scorer
        self.model, self.tok = model, model.tokenizer
        self.errors, self.typing_errors = self.word.errors, self.word.typing_errors
        self.lm_scorer = self.scorer.lm_scorer  # the typing model's scorer of chosen words

    @property
    def params(self) -> CorrectorParams:
        return self.word.params

    @params.setter
    def params(self, value: CorrectorParams) -> None:
        self.word.params = value  # resets the caches that depend on them

    # -- one typed word ---------------------------------------------------------------------------
    def correct(self, word: str, context: str = "", k: int = 3, probs: np.ndarray | None = None,
                prefix: bool = False) -> list[Suggestion]:
        """Up to ``k`` readings of ``word`` typed after ``context``, best first
        (``WordCorrector.correct``; ``prefix``: of the start of a word still being typed)."""
        return self.word.correct(word, context, k, probs, prefix)

    def best(self, typed: str, context: str = "") -> str:
        """What autocorrect writes for ``typed`` after ``context`` (``WordCorrector.best``)."""
        return self.word.best(typed, context)

    def hypotheses(self, typed: str, context: str = "", need: int = 3,
                   above: float | None = None, prior: Prior | None = None,
                   name: bool | None = None, errors: ErrorModel | None = None
                   ) -> tuple[Hypotheses, float]:
        """The scored readings of ``typed`` and its margin (``HypothesisScorer.hypotheses``)."""
        return self.scorer.hypotheses(typed, context, need, above, prior, name, errors)

    def margin_terms(self, c: WordCandidates, low: str) -> dict[str, float]:
        """What a typed word's replacement margin weighs (``HypothesisScorer.margin_terms``)."""
        return self.scorer.margin_terms(c, low)

    # -- a passage --------------------------------------------------------------------------------
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

    def _decide(self, text: str, first: int = 0) -> tuple[Spans, list[str]]:
        """The words of ``text`` (``word_spans``) and what autocorrect writes for each; words
        before the position ``first`` are context only, kept as they are.

        Most words are decided without the language model (clearly fine, or clearly a slip).
        The close calls left are then decided in context, each after the text corrected
        before it, paragraph by paragraph: with a typing model the paragraphs go side by side
        (``_close_calls_by_paragraph``)."""
        self.scorer.prefetch_spellings(text[first:])
        spans = list(word_spans(text))
        out = [word if start < first else self.word.decided_without_context(word, context_tail(text, start))
               for start, _, word in spans]
        if None in out:
            if self.lm_scorer is not None and hasattr(self.lm_scorer, "advance"):
                self._close_calls_by_paragraph(text, spans, out)
            else:
                self._close_calls_in_order(text, spans, out)
        return spans, out

    def _following(self, text: str, spans: Spans, out: list[str | None], k: int) -> str:
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

    def _close_calls_in_order(self, text: str, spans: Spans, out: list[str | None]) -> None:
        """Decide the close calls (``None`` in ``out``) left to right, each after the text as
        corrected before it and before the words after it (any language model)."""
        # += on a local string grows it in place (a join per word would copy the whole text)
        written, pos, done = "", 0, 0
        for k, (start, _, word) in enumerate(spans):
            if out[k] is None:
                written += _assemble(text, spans, out, done, k, pos, start)
                following = split_words(self._following(text, spans, out, k))[: self.params.right_words]
                hyps, margin = self.word.close_call(word, written, goes_on=bool(following))
                follow = None
                if following and len(hyps) > 1:
                    follow = np.array([self._fit(written, w, following) for w, _, _ in hyps])
                out[k] = self.word.choose(word, hyps, margin, follow)
                pos, done = start, k

    def _fit(self, before: str, reading: str, following: list[str]) -> float:
        """log P(the tokens ``following`` | ``before`` and then ``reading``), asked of the
        language model one token at a time."""
        total, context = 0.0, f"{before}{reading} "
        for token in following:
            total += float(self.scorer.log_prior(context)[self.tok.token_id(token)])
            context += token + " "
        return total

    def _close_calls_by_paragraph(self, text: str, spans: Spans, out: list[str | None],
                                  block: int = 128) -> None:
        """Decide the close calls with the typing model, a block of paragraphs at a time.

        A close call's context is the text before its paragraph as typed (that part only feeds
        the document cache and the n-gram's first words) and its own paragraph as corrected,
        so the paragraphs are independent and go side by side: at each step every open
        paragraph's LSTM reads on to its next close call (``CandidateScorer.advance``, one
        batch), the readings of all those close calls are fitted to the words after each
        (``CandidateScorer.follow_scores``, one more batch), and each is decided."""
        scorer = self.lm_scorer
        bos, encode, n = self.tok.bos_id, scorer.encode, self.params.right_words
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
                scorer.advance([(runs[p], para) for p, para in asks.items()])
                calls, fits = [], []
                for p, para in asks.items():
                    k = todo[p].pop(0)
                    if not todo[p]:
                        del todo[p]
                    start, _, word = spans[k]
                    following = self._following(text, spans, out, k)
                    following_ids = encode(following)[:n] if following.strip() and n > 0 else []
                    scores = scorer.after(before[p], para)
                    hyps, margin = self.word.close_call(word, context_tail(text, start), ScoreView(scores),
                                                        bool(following_ids))
                    calls.append((k, hyps, margin))
                    fits.append((runs[p], scores.tokens, _readings(self.tok, hyps) if len(hyps) > 1 else [],
                                 following_ids))
                for (k, hyps, margin), follow in zip(calls, scorer.follow_scores(fits), strict=True):
                    out[k] = self.word.choose(spans[k][2], hyps, margin, follow if len(follow) else None)


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


def _readings(tok: WordTokenizer, hyps: Hypotheses) -> list[list[int]]:
    """Token ids of each reading: its word (two for a split), the unknown-word id for a word
    outside the vocabulary."""
    ids, unk = tok.ids, tok.unk_id
    return [[ids.get(part, unk) for part in w.split(" ")] for w, _, _ in hyps]


def _assemble(text: str, spans: Spans, out: list[str | None], first: int, stop: int, lo: int,
              hi: int) -> str:
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


def context_tail(text: str, end: int, keep: int = 80) -> str:
    """A short stand-in for ``text[:end]`` that ends in the same characters (all that the
    name rule reads), so the first pass never copies the whole text before each word."""
    tail = text[max(0, end - keep):end]
    return tail if tail.strip() or end <= keep else text[:end].rstrip()[-keep:]
