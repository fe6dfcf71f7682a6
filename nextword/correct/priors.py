"""What the corrector asks of a language model: the ``ScoringModel`` protocol, and
log P(next word | context) read only where a decision needs it (``LogView`` over a full
distribution, ``ScoreView`` over a model that scores chosen words only)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from nextword.text.tokenizer import WordTokenizer


@runtime_checkable
class ScoringModel(Protocol):
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

    def display(self, word: str) -> str:
        """``word`` (lower case) in its usual case mid-sentence, the user's own spelling first:
        what a correction is written in (``match_case``)."""
        ...


class LogView:
    """Log-probabilities read off a probability vector only where they are needed: a
    correction looks at a few dozen words of a 30,000-word distribution."""

    def __init__(self, probs: np.ndarray):
        self.probs = probs

    def __getitem__(self, ids):
        return np.log(np.maximum(self.probs[ids], 1e-12))


class ScoreView:
    """The same over a model that computes probabilities only for the ids asked about
    (``nextword.lm.scorer.NextWordScores``): no 30,000-word distribution is built at all.
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


# log P(next word | context) indexed by vocabulary id: the unigram (an array) without context
Prior = np.ndarray | LogView | ScoreView
