"""P(next word | context) for chosen words only: what the corrector asks the typing model.

A correction looks at a few dozen of 30,000 words, so ``NextWordScores`` computes the mixture
only for the ids asked about, and ``CandidateScorer`` runs its own LSTM over the current
paragraph (or many paragraphs side by side, for autocorrecting a passage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from nextword.core.lstm import State
from nextword.lm.incremental import ContextTokens, LSTMCursor, padded, stacked_state
from nextword.lm.mixture import CACHE_WINDOW

if TYPE_CHECKING:
    from nextword.lm.typing_model import TypingModel


class NextWordScores:
    """P(next word | one fixed context) computed only for the word ids asked about, the same
    values as the matching entries of ``TypingModel.next_word_probs``. A correction looks at a
    few dozen of 30,000 words; the LSTM runs only when a probability is first asked for."""

    def __init__(self, model: TypingModel, tokens: list[int], lstm_out, buckets: dict | None = None):
        self.model, self.tokens = model, tokens
        self._lstm_out = lstm_out  # () -> the LSTM's output after ``tokens``, or None
        self._buckets = {} if buckets is None else buckets  # softmax pieces for that output

    def probs(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        lstm = None
        if self.model.weights["lstm"] and self._lstm_out is not None:
            with torch.inference_mode():
                h = self._lstm_out()
                if h is not None:
                    lm = self.model.word_lm
                    lstm = lm.io.log_probs_of(h, torch.from_numpy(ids), self._buckets).double().numpy()
        return self.model.mix(lstm, self.tokens, ids)


@dataclass
class ParagraphRun:
    """The word LSTM's progress through one paragraph, for ``CandidateScorer.advance``."""

    tokens: list[int] = field(default_factory=list)  # what it has read, from the boundary on
    state: State | None = None
    out: torch.Tensor | None = None  # its output after the last of them


class CandidateScorer:
    """``NextWordScores`` for the corrector. It keeps its own LSTM cursor, run over the current
    paragraph only, from a fresh state at its start (as the sentence benchmarks score it): so
    autocorrecting a document feeds the LSTM only the paragraphs that hold a close call, up to
    the last one, and the editor's suggestion cursor is left where it is."""

    def __init__(self, model: TypingModel):
        self.model = model
        lm = model.word_lm if model.weights["lstm"] else None
        self._cursor = LSTMCursor(lm) if lm is not None else None
        self._tokens = ContextTokens(model._encode, model.tokenizer.bos_id)
        self._scanned = 0  # tokens searched for the last paragraph start ...
        self._start = 0    # ... and where it is
        self._ready: dict[tuple[int, ...], tuple[torch.Tensor, dict]] = {}  # see ``advance``

    def advance(self, asks: list[tuple[ParagraphRun, list[int]]]) -> None:
        """Bring many paragraphs' LSTM runs up to new questions side by side: each ask is a
        run and its paragraph's tokens now (from the boundary token on). Only the tokens
        after what the run has read go through the LSTM (one packed batch for all), and the
        softmax pieces for all the new states come from one product per bucket. A later
        ``after`` whose paragraph is one of these token lists costs nothing more. A run whose
        tokens are not a prefix of its new list starts again from the boundary."""
        self._ready = {}
        if self._cursor is None or not asks:
            return
        lm = self.model.word_lm
        moving = []
        for run, para in asks:
            if run.tokens != para[: len(run.tokens)]:
                run.tokens, run.state, run.out = [], None, None
            if len(para) > len(run.tokens):
                moving.append((run, para))
        with self.model._lock, torch.inference_mode():
            if moving:
                news = [para[len(run.tokens):] for run, para in moving]
                lengths = torch.tensor([len(n) for n in news])
                last, (h, c) = lm.hidden_last(padded(news), lengths, stacked_state(lm, [r.state for r, _ in moving]))
                for row, (run, para) in enumerate(moving):
                    run.tokens, run.out = para, last[row]
                    run.state = (h[:, row:row + 1], c[:, row:row + 1])
            outs = [run.out for run, _ in asks]
            pieces = lm.io.softmax_pieces(torch.stack(outs))
        for row, (_, para) in enumerate(asks):
            self._ready[tuple(para)] = (outs[row], {k: v[row] for k, v in pieces.items()})

    def follow_scores(self, asks: list[tuple[ParagraphRun, list[int], list[list[int]], list[int]]]
                      ) -> list[np.ndarray]:
        """How well each reading of a word fits the words after it. Each ask is a run that
        ``advance`` brought up to the word, the token ids before the word (earlier paragraphs
        and the paragraph so far), the readings (token ids each) and the ids that follow the
        word; the answer is log P(those ids | before, reading) for every reading. All readings
        of all asks go through the LSTM as one batch, from their run's state."""
        out = [np.zeros(len(readings)) for _, _, readings, _ in asks]
        rows = [(a, r) for a, (_, _, readings, follow) in enumerate(asks) if follow
                for r in range(len(readings))]
        if not rows:
            return out
        lstm = None
        if self._cursor is not None:
            lm = self.model.word_lm
            ids = padded([asks[a][2][r] + asks[a][3][:-1] for a, r in rows])
            # the row and column of each output that predicts a following id
            at = [(i, len(asks[a][2][r]) - 1 + j, t) for i, (a, r) in enumerate(rows)
                  for j, t in enumerate(asks[a][3])]
            with self.model._lock, torch.inference_mode():
                h, _ = lm.hidden(ids, stacked_state(lm, [asks[a][0].state for a, _ in rows]))
                picked = h[[i for i, _, _ in at], [j for _, j, _ in at]]
                lstm = lm.io.target_log_probs(picked, torch.tensor([t for _, _, t in at])).double().numpy()
        k = 0
        for a, r in rows:
            _, before, readings, follow = asks[a]
            ctx, total = before + readings[r], 0.0
            for t in follow:
                p = self.model.mix(None if lstm is None else lstm[k:k + 1], ctx[-CACHE_WINDOW:], np.array([t]))
                total += float(np.log(max(p[0], 1e-12)))
                ctx.append(t)
                k += 1
            out[a][r] = total
        return out

    def at(self, context: str) -> NextWordScores:
        """The scores after ``context`` (the LSTM catches up lazily, on the first question)."""
        with self.model._lock:
            tokens, stable = self._tokens.update(context if context[-1:].isspace() else context + " ")
            start = self._paragraph_start(tokens, stable)
        return self.after(tokens[max(0, start - CACHE_WINDOW):start], tokens[start:])

    def encode(self, text: str, prev: int | None = None) -> list[int]:
        """Token ids of ``text`` as the context tokenizer makes them (``prev``: the id before
        it, the paragraph boundary by default); a partial last word counts as complete."""
        bos = self.model.tokenizer.bos_id
        return self.model._encode(text if text[-1:].isspace() else text + " ", bos if prev is None else prev)

    def after(self, before: list[int], para: list[int]) -> NextWordScores:
        """The scores after the tokens ``before`` (earlier paragraphs: only the last
        ``CACHE_WINDOW`` matter) and ``para`` (the current paragraph, from its boundary)."""
        tokens = (before + para)[-CACHE_WINDOW:]
        if self._cursor is None:
            return NextWordScores(self.model, tokens, None)
        ready = self._ready.get(tuple(para)) if self._ready else None
        if ready is not None:
            return NextWordScores(self.model, tokens, lambda: ready[0], ready[1])

        def lstm_out():
            with self.model._lock:  # the cursor may have moved since: compare, do not trust stable
                self._cursor.sync(para)
                return self._cursor.out
        return NextWordScores(self.model, tokens, lstm_out)

    def _paragraph_start(self, tokens: list[int], stable: int) -> int:
        """Index of the last paragraph boundary in ``tokens``, searching only the new ones."""
        bos = self.model.tokenizer.bos_id
        if stable < self._scanned or self._scanned > len(tokens):
            self._scanned = self._start = 0
        new = np.flatnonzero(np.asarray(tokens[self._scanned:]) == bos)
        if len(new):
            self._start = self._scanned + int(new[-1])
        self._scanned = len(tokens)
        return self._start
