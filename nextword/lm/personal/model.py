"""The personal model: a Kneser-Ney 4-gram of everything the user wrote, over the personal
vocabulary (the model's words and the user's new ones), mixed into the typing model's
distribution.

How a suggestion distribution is extended (``extend``): the typing model gives P(word | context)
over its own vocabulary, with some mass on the unknown word. That mass is shared among the
user's new words in proportion to how often the user wrote each (Witten-Bell: a share stays
with words never seen), so a new word is a real candidate even where the user never used it.
Then the personal 4-gram is interpolated in:

    P(w | c) = (1 - l(c)) * P_model(w | c) + l(c) * P_personal(w | c)

where the weight l(c) depends on how well the user's own text knows the context c (how many of
its last words were seen together, and how often: ``BUCKETS``). The weights are fitted by EM on
the newest tenth of what the user wrote, with the n-gram counted from the rest, whenever enough
new text was learned (``FIT_MIN_WORDS``); before that a cautious prior applies. So a user whose
writing is very regular (release notes, code comments) gets a strong personal model, one whose
writing is like everyone's a weak one, without any constant tuned on someone else's text.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from nextword.lm.incremental import ContextTokens
from nextword.lm.ngram import KneserNey
from nextword.lm.personal.vocab import PersonalVocab
from nextword.text.tokenizer import WordTokenizer

ORDER = 4
OFFER_AT = 2    # a new word is offered once the user wrote it this many times ...
TRUST_AT = 3    # ... and never autocorrected from this many (once: only remembered)
FIT_MIN_WORDS = 2_000     # fit the weights once this many words were learned since the last fit
# the newest tenth of the history, at most FIT_MAX_TOKENS, is held out: the LSTM reads all of it,
# most of a fit's time (4,000 against 8,000: the dev personas' figures within 0.3 points either
# way, nextword learn of a 62k-word file twice as fast; README)
FIT_SHARE, FIT_MAX_TOKENS = 0.1, 4_000
REBUILD_EVERY = 1.0       # seconds between n-gram rebuilds while typing into a large history
COUNT_BINS = (2, 5, 20)   # context seen once, 2-4, 5-19, 20+ times
BUCKETS = 1 + (ORDER - 1) * (len(COUNT_BINS) + 1)
CONTEXT_IDS = 16          # the context ids ``context_ids`` returns (the 4-gram reads 3)


def _bucket(order: int, total: float) -> int:
    """The weight bucket of a context: 0 when not even its last word was seen, else by how many
    words of it were seen together (1..ORDER-1) and how often."""
    if order == 0:
        return 0
    return 1 + (order - 1) * (len(COUNT_BINS) + 1) + int(np.searchsorted(COUNT_BINS, total, side="right"))


def prior_weights() -> np.ndarray:
    """The weights before any fit: more trust the longer and more often a context was seen."""
    w = np.full(BUCKETS, 0.05)
    for order in range(1, ORDER):
        for b in range(len(COUNT_BINS) + 1):
            w[_bucket(order, [1, 2, 5, 20][b])] = min(0.6, 0.1 + 0.05 * order + 0.1 * b)
    return w


class PersonalModel:
    """What the typing model learned from the user (thread-safe: the editor learns while a worker
    suggests)."""

    def __init__(self, tokenizer: WordTokenizer):
        self.lock = threading.RLock()
        self.version = 0    # bumps on every change (the typing model caches by it)
        self._reset(tokenizer)

    def _reset(self, tokenizer: WordTokenizer) -> None:
        self.vocab = PersonalVocab(tokenizer)
        self._context = ContextTokens(self._encode, tokenizer.bos_id)  # see ``context_ids``
        self._context_size = self.vocab.size
        self.weights = prior_weights()
        self.fitted_at = 0  # words learned when the weights were last fitted (0: the prior)
        self._chunks: list[np.ndarray] = []  # learned passages, as ids
        self._typed: list[int] = []          # words learned one by one (the editor), in order
        self._kn: KneserNey | None = None
        self._share: np.ndarray = np.zeros(0)  # the unknown-word mass's share for each new word
        self._offer = np.zeros(0, dtype=bool)  # new words suggested (written OFFER_AT times)
        self._dirty, self._built = False, 0.0

    # -- what was learned ---------------------------------------------------------------------------
    @property
    def words(self) -> int:
        """Words learned (every occurrence counts)."""
        return sum(self.vocab.counts.values())

    def history(self) -> np.ndarray:
        """Everything learned as one id stream, oldest first."""
        with self.lock:
            parts = [*self._chunks, np.asarray(self._typed, dtype=np.int32)]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def trusted(self) -> set[str]:
        """New words written ``TRUST_AT`` times or more: autocorrect leaves them alone."""
        counts = self.vocab.counts
        return {w for w in self.vocab.new_ids if counts[w] >= TRUST_AT}

    def trusted_on_writing(self, word: str) -> bool:
        """Whether writing ``word`` now makes it a trusted new word (its ``TRUST_AT``-th time or
        later): autocorrect judges a finished word before learning it, and that time counts."""
        low = word.lower()
        return low in self.vocab.new_ids and self.vocab.counts[low] + 1 >= TRUST_AT

    def _encode(self, text: str, prev: int) -> list[int]:
        return self.vocab.encode(text, prev).ids

    def context_ids(self, text: str) -> list[int]:
        """The last personal ids of ``text`` (the user's new words have ids of their own);
        incremental, like the typing model's own context."""
        with self.lock:
            if self._context_size != self.vocab.size:  # a new word: read the text again
                self._context = ContextTokens(self._encode, self.vocab.tok.bos_id)
                self._context_size = self.vocab.size
            text = text if not text or text[-1:].isspace() else text + " "
            return self._context.update(text)[0][-CONTEXT_IDS:]

    # -- learning -----------------------------------------------------------------------------------
    def learn_text(self, text: str) -> list[str]:
        """Learn a passage the user wrote; returns the words it added to the vocabulary."""
        with self.lock:
            before = self.vocab.size
            enc = self.vocab.encode(text, learn=True)
            if enc.ids:
                self._chunks.append(np.asarray([self.vocab.tok.bos_id, *enc.ids], dtype=np.int32))
                self._changed()
            return [self.vocab.word(i) for i in range(before, self.vocab.size)]

    def learn_word(self, context: list[int], word: str) -> None:
        """The user finished ``word`` after the personal ids ``context`` (the editor: words
        arrive in order, so each continues the previous one unless the cursor moved)."""
        with self.lock:
            bos = self.vocab.tok.bos_id
            idx = self.vocab.encode(word, prev=context[-1] if context else bos, learn=True).ids
            tail = [i for i in context[-(ORDER - 1):]]
            if tail and tail != self._typed[-len(tail):] and tail[-1] != bos:
                self._typed.append(bos)  # a jump: the n-gram does not join across it
            elif tail[-1:] == [bos] and self._typed[-1:] != [bos]:
                self._typed.append(bos)
            self._typed += idx
            self._changed()

    def unlearn_word(self, word: str) -> None:
        """Take back the last ``learn_word`` of ``word`` (an autocorrection the user reverted,
        or the other way round)."""
        with self.lock:
            idx = self.vocab.id_of(word)
            for i in range(len(self._typed) - 1, -1, -1):
                if self._typed[i] == idx:
                    del self._typed[i]
                    self.vocab.uncount(word)
                    self._changed()
                    return

    def forget(self, word: str | None = None) -> bool:
        """Forget one word (every occurrence) or, with None, everything. False when ``word`` was
        never learned."""
        with self.lock:
            if word is None:
                self._reset(self.vocab.tok)
                self._changed()
                return True
            idx = self.vocab.remove(word)
            if idx is None:
                return False
            self._chunks = [c[c != idx] for c in self._chunks]
            self._typed = [i for i in self._typed if i != idx]
            self._changed()
            return True

    def _changed(self) -> None:
        self._dirty = True
        self.version += 1

    # -- the n-gram -----------------------------------------------------------------------------------
    def _ngram(self, force: bool = False) -> KneserNey | None:
        """The 4-gram of the history, rebuilt when something was learned (while typing into a
        long history, at most every ``REBUILD_EVERY`` seconds: a rebuild of 200k words takes
        ~30 ms)."""
        with self.lock:
            if self._dirty:
                history = self.history()
                if force or len(history) < 50_000 or time.monotonic() - self._built > REBUILD_EVERY:
                    self._build(history)
            return self._kn

    def _build(self, history: np.ndarray) -> None:
        size = self.vocab.size
        # Kneser-Ney counts lower orders from the 4-grams: it needs at least one
        self._kn = KneserNey.build(history, size, ORDER) if len(history) > ORDER else None
        counts = np.bincount(history, minlength=size)[self.vocab.base:size].astype(np.float64)
        types = np.count_nonzero(counts)
        self._share = counts / (counts.sum() + types) if types else counts
        self._offer = counts >= OFFER_AT
        self._dirty, self._built = False, time.monotonic()

    def offered(self, ids: np.ndarray) -> np.ndarray:
        """Which of these personal ids (all new words) may be suggested."""
        self._ngram()
        offer = self._offer
        rel = ids - self.vocab.base
        ok = rel < len(offer)
        ok[ok] = offer[rel[ok]]
        return ok

    # -- mixing -------------------------------------------------------------------------------------
    def extend(self, p_model: np.ndarray, context: list[int]) -> np.ndarray:
        """The typing model's distribution over its vocabulary after ``context`` (personal ids)
        -> the distribution over the personal vocabulary (see the module docstring); itself
        while nothing was ever learned."""
        if not self.version:
            return p_model
        kn = self._ngram()
        with self.lock:
            base, unk = self.vocab.base, self.vocab.tok.unk_id
            p = np.zeros(max(self.vocab.size, base + len(self._share)))
            p[:base] = p_model
            share = self._share
            p[base:base + len(share)] = p_model[unk] * share
            p[unk] = p_model[unk] * (1 - share.sum())
            if kn is None:
                return p
            lam = self.weights[_bucket(*kn.context_seen(context))]
            p *= 1 - lam
            p[:kn.vocab_size] += lam * kn.probs(context[-(ORDER - 1):])
            return p

    def blend(self, p_model: np.ndarray, context: list[int], ids: np.ndarray) -> np.ndarray:
        """``extend`` for chosen ids of the model's own vocabulary only (what the corrector asks)."""
        kn = self._ngram()
        if kn is None:
            return p_model
        with self.lock:
            lam = self.weights[_bucket(*kn.context_seen(context))]
            return (1 - lam) * p_model + lam * kn.probs(context[-(ORDER - 1):], ids)

    # -- fitting the weights ------------------------------------------------------------------------
    def needs_fit(self) -> bool:
        """Whether enough was learned since the last fit to fit the weights again."""
        return self.words - self.fitted_at >= max(FIT_MIN_WORDS, self.fitted_at // 2)

    def fit(self, model_probs: Callable[[np.ndarray], np.ndarray]) -> None:
        """Fit the weights by EM on the newest part of the history. ``model_probs(ids)`` gives the
        typing model's P(ids[t+1] | ids[..t]) over its vocabulary (new words as the unknown word)
        for a stretch of personal ids."""
        with self.lock:
            history = self.history()
            words = self.words
        hold = min(FIT_MAX_TOKENS, int(len(history) * FIT_SHARE))
        if hold < 200:
            return
        train, test = history[:-hold], history[-hold - ORDER + 1:]
        kn = KneserNey.build(train, self.vocab.size, ORDER)
        base, unk = self.vocab.base, self.vocab.tok.unk_id
        counts = np.bincount(train, minlength=self.vocab.size)[base:].astype(np.float64)
        share = counts / max(1.0, counts.sum() + np.count_nonzero(counts))
        as_model = np.where(test >= base, unk, test)
        p_model = model_probs(as_model)[ORDER - 2:]  # from the first held-out word on
        targets = test[ORDER - 1:]
        new = targets >= base
        p_model[new] *= share[targets[new] - base]
        p_model[~new & (targets == unk)] *= 1 - share.sum()
        p_pers, order, total = kn.stream_probs(test)
        p_pers, order, total = p_pers[ORDER - 2:], order[ORDER - 2:], total[ORDER - 2:]
        buckets = np.array([_bucket(o, c) for o, c in zip(order, total, strict=True)], dtype=np.int64)
        keep = targets != self.vocab.tok.bos_id
        weights = fit_bucket_weights(p_model[keep], p_pers[keep], buckets[keep], self.weights)
        with self.lock:
            self.weights, self.fitted_at = weights, words
            self.version += 1  # the typing model's cached distribution used the old weights


def fit_bucket_weights(p_model: np.ndarray, p_pers: np.ndarray, buckets: np.ndarray,
                       prior: np.ndarray, shrink: float = 30.0) -> np.ndarray:
    """EM for one interpolation weight per bucket; a bucket with few positions leans on the
    weight fitted over all of them (``shrink`` positions' worth)."""
    p_model, p_pers = np.maximum(p_model, 1e-12), np.maximum(p_pers, 0.0)

    def em(pm: np.ndarray, pp: np.ndarray, lam: float) -> float:
        for _ in range(40):
            post = lam * pp / (lam * pp + (1 - lam) * pm)
            lam = float(np.clip(post.mean(), 0.01, 0.95))
        return lam

    overall = em(p_model, p_pers, 0.3)
    out = prior.copy()
    for b in range(len(prior)):
        at = buckets == b
        n = int(at.sum())
        lam = em(p_model[at], p_pers[at], overall) if n else overall
        out[b] = (n * lam + shrink * overall) / (n + shrink)
    return out
