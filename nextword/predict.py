"""The typing model: next-word suggestions, word completion and (through ``correct``) correction.

A suggestion is drawn from one distribution over the word vocabulary: the word LSTM, the
Kneser-Ney n-gram and a cache of the document's recent words, interpolated with weights fitted on
validation text at training time. The work is incremental:

* the text is re-tokenized only after its last whitespace; everything before it is cached;
* the LSTM state is kept (with snapshots every ``SNAPSHOT`` tokens), so a finished word costs one
  LSTM step and an edit further back replays at most ``SNAPSHOT`` tokens;
* a keystroke inside a word costs no model call at all: the cached distribution is filtered to
  the words with the typed prefix (a range of the sorted vocabulary), and the char LSTM proposes
  words outside the vocabulary when the range has too few.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from . import checkpoint as ckpt
from .lexicon import read_lexicon
from .model import LanguageModel, LMConfig, State
from .ngram import KneserNey
from .tokenizer import SENTENCE_END, WordTokenizer

CACHE_WINDOW = 400  # recent tokens the document cache remembers
SNAPSHOT = 32       # LSTM state snapshot interval, in tokens
_PARTIAL = re.compile(r"\w[\w']*$")
_WS = re.compile(r"\s")

Kind = Literal["next", "completion", "correction"]


@dataclass(frozen=True)
class Suggestion:
    """One candidate word. ``score`` is a log-probability (higher is better)."""

    word: str
    score: float
    kind: Kind


def cache_probs(context: np.ndarray | list[int], vocab_size: int, target: int | None = None,
                ids: np.ndarray | None = None):
    """Unigram distribution of the last ``CACHE_WINDOW`` tokens (uniform when empty). With
    ``target`` only that word's probability is computed (cheap, used to fit the weights), with
    ``ids`` only those words' (no vocabulary-sized count is made)."""
    window = np.asarray(context[-CACHE_WINDOW:])
    if target is not None:
        return float(np.count_nonzero(window == target)) / len(window) if len(window) else 1.0 / vocab_size
    if len(window) == 0:
        return np.full(vocab_size if ids is None else len(ids), 1.0 / vocab_size)
    if ids is not None:
        return (window[:, None] == np.asarray(ids)[None, :]).sum(0) / len(window)
    return np.bincount(window, minlength=vocab_size)[:vocab_size] / len(window)


def _padded(seqs: list[list[int]]) -> torch.Tensor:
    """Id lists as one (rows, longest) tensor, each zero-padded after its end (the LSTM never
    looks ahead, so padding changes no output before it)."""
    ids = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    for row, seq in enumerate(seqs):
        ids[row, : len(seq)] = torch.tensor(seq)
    return ids


def _stacked(lm: LanguageModel, states: list[State | None]) -> State:
    """One batch state from the states of single rows (a fresh state where there is none)."""
    zero = lm.init_state(1)
    return (torch.cat([(s or zero)[0] for s in states], dim=1),
            torch.cat([(s or zero)[1] for s in states], dim=1))


class _LSTMCursor:
    """The word LSTM run over a token sequence, kept in step with it incrementally."""

    def __init__(self, lm: LanguageModel):
        self.lm = lm
        self.tokens: list[int] = []
        self.snapshots: dict[int, tuple[State | None, torch.Tensor | None]] = {0: (None, None)}
        self.state: State | None = None
        self.out: torch.Tensor | None = None  # LSTM output after the last token
        self.version = 0                       # bumps whenever ``tokens`` changes

    def sync(self, tokens: list[int], stable: int = 0) -> None:
        """Make the cursor's sequence equal ``tokens``; the first ``stable`` tokens are known to be
        unchanged since the last call (saves the comparison on long documents)."""
        old = self.tokens
        common = min(stable, len(old), len(tokens))
        limit = min(len(old), len(tokens))
        if common < limit and old[common:limit] == tokens[common:limit]:  # at C speed
            common = limit
        while common < limit and old[common] == tokens[common]:
            common += 1
        if common == len(old) == len(tokens):
            return
        if common < len(old):  # roll back to the last snapshot at or before the divergence
            base = (common // SNAPSHOT) * SNAPSHOT
            for pos in [p for p in self.snapshots if p > base]:
                del self.snapshots[pos]
            self.state, self.out = self.snapshots[base]
            self.tokens = old[:base]
        with torch.inference_mode():
            pos = len(self.tokens)
            while pos < len(tokens):
                end = min(len(tokens), (pos // SNAPSHOT + 1) * SNAPSHOT)
                seg = torch.tensor([tokens[pos:end]], dtype=torch.long)
                h, self.state = self.lm.hidden(seg, self.state)
                self.out = h[0, -1]
                pos = end
                if pos % SNAPSHOT == 0:
                    self.snapshots[pos] = (self.state, self.out)
        self.tokens = list(tokens)
        self.version += 1

    def log_probs(self) -> np.ndarray:
        with torch.inference_mode():
            return self.lm.io.log_probs(self.out).double().numpy()


class _ContextTokens:
    """Token ids of a text that mostly grows at the end: re-tokenized only after the part
    (up to the last whitespace) that was seen before."""

    def __init__(self, encode, bos: int):
        self.encode, self.bos = encode, bos
        self.head, self.head_tokens = "", [bos]

    def update(self, text: str) -> tuple[list[int], int]:
        """Token ids of ``text`` (all tokens complete), and how many leading ids are unchanged
        since the previous call."""
        last_ws = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t"))
        head = text[: last_ws + 1]
        stable = len(self.head_tokens)
        if not head.startswith(self.head):
            self.head, self.head_tokens, stable = "", [self.bos], 0
        if len(head) > len(self.head):
            self.head_tokens = self.head_tokens + self.encode(head[len(self.head):], self.head_tokens[-1])
            self.head = head
        tail = self.encode(text[last_ws + 1:], self.head_tokens[-1])
        return (self.head_tokens + tail if tail else self.head_tokens), stable


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
        self._cursor = _LSTMCursor(lm) if lm is not None else None
        self._tokens = _ContextTokens(model._encode, model.tokenizer.bos_id)
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
                last, (h, c) = lm.hidden_last(_padded(news), lengths, _stacked(lm, [r.state for r, _ in moving]))
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
            ids = _padded([asks[a][2][r] + asks[a][3][:-1] for a, r in rows])
            # the row and column of each output that predicts a following id
            at = [(i, len(asks[a][2][r]) - 1 + j, t) for i, (a, r) in enumerate(rows)
                  for j, t in enumerate(asks[a][3])]
            with self.model._lock, torch.inference_mode():
                h, _ = lm.hidden(ids, _stacked(lm, [asks[a][0].state for a, _ in rows]))
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


class TypingModel:
    """What ``nextword.load()`` returns: suggest, correct and autocorrect (DESIGN.md)."""

    def __init__(self, tokenizer: WordTokenizer, word_lm: LanguageModel | None,
                 char_lm: LanguageModel | None, ngram: KneserNey | None, unigram: np.ndarray,
                 weights: dict[str, float], config: dict | None = None, path: Path | None = None):
        self.tokenizer = tokenizer
        self.word_lm, self.char_lm, self.ngram = word_lm, char_lm, ngram
        self.unigram = unigram
        self.config = config or {}
        self.path = path
        self.weights = self._normalised(weights)
        self.user_words: set[str] = set()    # the user's dictionary: never corrected
        self.known_words: dict[str, int] = {}  # real words outside the vocabulary (lexicon.py)
        self.blocked: set[str] = set()       # words the user asked never to see suggested
        self.personal = None                 # optional personal model: .probs(ids) -> array
        self.personal_weight = 0.0
        words = tokenizer.words
        order = sorted(range(len(words)), key=lambda i: words[i])
        self._sorted_words = [words[i] for i in order]
        self._sorted_ids = np.array(order, dtype=np.int64)
        self._suggestable = tokenizer.word_mask.copy()
        self._lock = threading.RLock()
        self._cursor = _LSTMCursor(word_lm) if word_lm is not None else None
        self._tokens = _ContextTokens(self._encode, tokenizer.bos_id)
        self._dist_key: tuple | None = None
        self._dist: np.ndarray | None = None
        self._corrector = None
        self._sentence_end_ids = {tokenizer.ids[t] for t in SENTENCE_END if t in tokenizer.ids}

    def _normalised(self, weights: dict[str, float]) -> dict[str, float]:
        w = {k: float(weights.get(k, 0.0)) for k in ("lstm", "ngram", "cache")}
        if self.word_lm is None:
            w["lstm"] = 0.0
        if self.ngram is None:
            w["ngram"] = 0.0
        total = sum(w.values())
        if total <= 0:
            raise ValueError("a typing model needs at least one component with a positive weight")
        return {k: v / total for k, v in w.items()}

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> TypingModel:
        """Load a model directory written by ``nextword.train`` (never unpickles anything)."""
        path = Path(path)
        cfg = ckpt.read_config(path, kind="typing")
        tok = WordTokenizer.load(path)
        tensors = ckpt.load_tensors(path / "weights.safetensors")
        try:
            word_cfg, char_cfg = LMConfig(**cfg["word_lm"]), LMConfig(**cfg["char_lm"])
        except (KeyError, TypeError) as exc:
            raise ckpt.ModelFileError(f"{path}/config.json is incomplete ({exc})") from None
        if word_cfg.vocab_size != tok.vocab_size or char_cfg.vocab_size != len(tok.chars):
            raise ckpt.ModelFileError(f"{path}: tokenizer.json does not match config.json")
        word_lm, char_lm = LanguageModel(word_cfg), LanguageModel(char_cfg)
        for prefix, lm in (("word.", word_lm), ("char.", char_lm)):
            part = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
            ckpt.load_state(lm, part, f"{path}/weights.safetensors")
            lm.eval()
        arrays = ckpt.load_tensors(path / "ngram.safetensors", framework="np")
        if "ids" not in arrays or "unigram" not in arrays:
            raise ckpt.ModelFileError(f"{path}/ngram.safetensors is not a nextword n-gram file")
        if arrays["ids"].size and int(arrays["ids"].max()) >= tok.vocab_size:
            raise ckpt.ModelFileError(f"{path}/ngram.safetensors does not match tokenizer.json")
        ngram = KneserNey.build(arrays["ids"], tok.vocab_size, int(cfg.get("ngram_order", 4)))
        model = cls(tok, word_lm, char_lm, ngram, arrays["unigram"].astype(np.float64),
                    cfg.get("mixture", {"lstm": 1.0}), cfg, path)
        model.known_words = read_lexicon(path)
        return model

    # -- context --------------------------------------------------------------------------------
    def _encode(self, text: str, prev: int) -> list[int]:
        """Token ids of ``text``; every line break starts a paragraph (the boundary token)."""
        return self.tokenizer.encode_lines(text, prev)[0]

    def _context(self, text: str) -> tuple[list[int], int]:
        """Token ids of ``text`` (all tokens complete), and how many leading ids are unchanged
        since the previous call."""
        return self._tokens.update(text)

    def mix(self, lstm_log_probs: np.ndarray | None, context: list[int] | np.ndarray,
            ids: np.ndarray | None = None) -> np.ndarray:
        """The suggestion distribution after ``context`` given the LSTM's log-probabilities there.
        The one place the components are combined (evaluation calls it too). With ``ids`` only
        those words' probabilities (and ``lstm_log_probs`` holds only theirs)."""
        w = self.weights
        V = self.tokenizer.vocab_size
        p = np.zeros(V if ids is None else len(ids))
        if w["lstm"] and lstm_log_probs is not None:
            p += w["lstm"] * np.exp(lstm_log_probs)
        if w["ngram"]:
            p += w["ngram"] * self.ngram.probs(context[-(self.ngram.order - 1):], ids)
        if w["cache"]:
            p += w["cache"] * cache_probs(context, V, ids=ids)
        if self.personal is not None and self.personal_weight:
            personal = self.personal.probs(context)
            if personal is not None:
                trust = getattr(self.personal, "confidence", None)
                w = self.personal_weight * (trust(context) if trust is not None else 1.0)
                p = (1 - w) * p + w * (personal if ids is None else np.asarray(personal)[ids])
        return p

    def candidate_scorer(self) -> CandidateScorer:
        """A scorer of chosen next words, with its own LSTM state (for the corrector)."""
        return CandidateScorer(self)

    def _distribution(self, tokens: list[int], stable: int) -> np.ndarray:
        lstm = None
        if self._cursor is not None and self.weights["lstm"]:
            self._cursor.sync(tokens, stable)
            key = ("lstm", self._cursor.version, self.personal_weight)
        else:
            key = ("plain", tuple(tokens[-CACHE_WINDOW:]), self.personal_weight)
        if key != self._dist_key:
            if self._cursor is not None and self.weights["lstm"]:
                lstm = self._cursor.log_probs()
            self._dist = self.mix(lstm, tokens)
            self._dist_key = key
        return self._dist

    def next_word_probs(self, context: str) -> np.ndarray:
        """Probability of every vocabulary word coming next after ``context`` (a copy)."""
        with self._lock:
            tokens, stable = self._context(context if context[-1:].isspace() else context + " ")
            return self._distribution(tokens, stable).copy()

    # -- ranking --------------------------------------------------------------------------------
    def prefix_range(self, prefix: str) -> np.ndarray:
        """Vocabulary ids of the words starting with ``prefix`` (lower-cased)."""
        lo = bisect.bisect_left(self._sorted_words, prefix)
        hi = bisect.bisect_left(self._sorted_words, prefix + "\U0010ffff", lo)
        return self._sorted_ids[lo:hi]

    def rank(self, probs: np.ndarray, prefix: str, k: int) -> list[tuple[int, float]]:
        """The k most probable suggestable words starting with ``prefix``: (id, log-prob)."""
        ids = self.prefix_range(prefix) if prefix else np.flatnonzero(self._suggestable)
        if prefix:
            ids = ids[self._suggestable[ids]]
        if len(ids) == 0 or k <= 0:
            return []
        scores = probs[ids]
        if len(ids) > k:
            part = np.argpartition(-scores, k - 1)[:k]
            ids, scores = ids[part], scores[part]
        order = np.argsort(-scores, kind="stable")
        return [(int(ids[i]), float(np.log(max(scores[i], 1e-300)))) for i in order]

    def replace_word_lm(self, lm: LanguageModel) -> None:
        """Swap in another word LSTM of the same vocabulary (e.g. fine-tuned on the user's text);
        the incremental state starts afresh on the next call."""
        with self._lock:
            self.word_lm = lm.eval()
            self._cursor = _LSTMCursor(self.word_lm)
            self._dist_key = None

    def block(self, word: str) -> None:
        """Never suggest ``word`` again (in this model object)."""
        self.blocked.add(word.lower())
        idx = self.tokenizer.ids.get(word.lower())
        if idx is not None:
            self._suggestable[idx] = False

    def shown(self, word: str, typed: str, sentence_start: bool) -> str:
        """A vocabulary word in the case the user would type it here."""
        if typed[:1].isupper():
            if len(typed) > 1 and typed.isupper():
                return word.upper()
            shown = self.tokenizer.display(word)
            return shown[:1].upper() + shown[1:]
        return self.tokenizer.display(word, sentence_start)

    # -- public API -----------------------------------------------------------------------------
    def suggest(self, text: str, k: int = 3) -> list[Suggestion]:
        """Suggestions for the text before the cursor: next words after a space or punctuation,
        completions (and corrections) of the word being typed otherwise. Best first, at most k."""
        if not isinstance(text, str) or k <= 0:
            return []
        with self._lock:
            m = _PARTIAL.search(text)
            partial = m.group(0) if m else ""
            context = text[: len(text) - len(partial)]
            tokens, stable = self._context(context)
            probs = self._distribution(tokens, stable)
            start = tokens[-1] in self._sentence_end_ids
            low = partial.lower()
            ranked = self.rank(probs, low, k)
            kind: Kind = "completion" if partial else "next"
            out = [Suggestion(self.shown(self.tokenizer.words[i], partial, start), s, kind)
                   for i, s in ranked]
            if partial and len(out) < k:
                out += self._more_for_partial(text, partial, start, k - len(out), {s.word.lower() for s in out})
            return out[:k]

    def _more_for_partial(self, text: str, partial: str, start: bool, n: int, seen: set[str]
                          ) -> list[Suggestion]:
        """When the vocabulary has too few words with this prefix: corrections of the prefix
        (if it looks mistyped) and char-LSTM completions (words outside the vocabulary)."""
        out: list[Suggestion] = []
        corrector = self._get_corrector()
        if corrector is not None and len(self.prefix_range(partial.lower())) == 0:
            for s in corrector.correct(partial, text[: len(text) - len(partial)], k=n):
                if s.word.lower() not in seen and s.word.lower() != partial.lower():
                    out.append(Suggestion(s.word, s.score, "correction"))
                    seen.add(s.word.lower())
        if len(out) < n and self.char_lm is not None:
            for word, score in self.char_complete(partial.lower(), n - len(out)):
                if word not in seen:
                    out.append(Suggestion(self.shown(word, partial, start), score, "completion"))
                    seen.add(word)
        return out[:n]

    def _get_corrector(self):
        if self._corrector is None:
            try:
                from .correct import Corrector
            except ImportError:
                return None
            self._corrector = Corrector(self)
        return self._corrector

    def correct(self, word: str, context: str = "", k: int = 3) -> list[Suggestion]:
        """Ranked candidates for one typed word given the text before it (DESIGN.md)."""
        corrector = self._get_corrector()
        if corrector is None:
            return [Suggestion(word, 0.0, "correction")] if word.strip() else []
        return corrector.correct(word, context, k)

    def autocorrect(self, text: str) -> str:
        """``text`` with every word corrected in context (confident corrections only)."""
        corrector = self._get_corrector()
        return text if corrector is None else corrector.autocorrect(text)

    # -- character model ------------------------------------------------------------------------
    def _char_ids(self, text: str) -> list[int]:
        return self.tokenizer.encode_chars(text)

    @torch.inference_mode()
    def char_logprob(self, word: str) -> float:
        """Log-probability of ``word`` (lower-cased) as a whole word under the char LSTM."""
        if self.char_lm is None or not word:
            return float("-inf")
        ids = self._char_ids(" " + word.lower() + " ")
        x = torch.tensor([ids[:-1]])
        lp, _ = self.char_lm.log_probs(x)
        return float(lp[0].gather(1, torch.tensor(ids[1:]).unsqueeze(1)).sum())

    @torch.inference_mode()
    def char_logprobs(self, words: list[str], batch: int = 256) -> list[float]:
        """``char_logprob`` of many words at once: the words run through the char LSTM side by
        side (grouped by length, so padding is short; the padding comes after each word and
        the LSTM never looks ahead, so it changes nothing)."""
        if self.char_lm is None:
            return [float("-inf")] * len(words)
        out = [float("-inf")] * len(words)
        seqs = [self._char_ids(" " + w.lower() + " ") if w else [] for w in words]
        order = sorted((i for i, s in enumerate(seqs) if s), key=lambda i: len(seqs[i]))
        for b in range(0, len(order), batch):
            group = order[b:b + batch]
            ids = _padded([seqs[i] for i in group])
            lp, _ = self.char_lm.log_probs(ids[:, :-1])
            picked = lp.gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)
            for row, i in enumerate(group):
                out[i] = float(picked[row, : len(seqs[i]) - 1].sum())
        return out

    @torch.inference_mode()
    def char_complete(self, prefix: str, n: int = 3, beam: int = 8, max_len: int = 24
                      ) -> list[tuple[str, float]]:
        """Up to n whole words that ``prefix`` may become, by beam search over the char LSTM."""
        if self.char_lm is None or not prefix or len(prefix) > 64:
            return []
        chars = self.tokenizer.chars
        ends = np.array([not (c.isalnum() or c == "'") for c in chars])
        ends[0] = False  # the unknown character never ends a word
        lp, state = self.char_lm.log_probs(torch.tensor([self._char_ids(" " + prefix)]))
        beams = [(prefix, 0.0)]
        last = lp[:, -1]                 # (beams, vocab)
        finished: list[tuple[str, float]] = []
        for _ in range(max_len - len(prefix)):
            scores = last.double().numpy() + np.array([s for _, s in beams])[:, None]
            end_scores = np.where(ends, scores, -np.inf).max(1)
            for (word, _), es in zip(beams, end_scores, strict=True):
                if word != prefix:
                    finished.append((word, float(es)))
            cont = np.where(ends | (np.arange(len(chars)) == 0), -np.inf, scores)
            flat = np.argsort(-cont, axis=None)[:beam]
            flat = [f for f in flat if np.isfinite(cont.flat[f])]
            if not flat:
                break
            rows = [int(f // len(chars)) for f in flat]
            cols = [int(f % len(chars)) for f in flat]
            beams = [(beams[r][0] + chars[c], float(cont[r, c])) for r, c in zip(rows, cols, strict=True)]
            if len(finished) >= n and max(s for _, s in beams) < sorted(s for _, s in finished)[-n]:
                break
            idx = torch.tensor(rows)
            state = (state[0][:, idx], state[1][:, idx])
            lp, state = self.char_lm.log_probs(torch.tensor(cols).unsqueeze(1), state)
            last = lp[:, -1]
        finished.sort(key=lambda x: -x[1])
        seen, out = set(), []
        for word, score in finished:
            if word not in seen:
                seen.add(word)
                out.append((word, score))
        return out[:n]

