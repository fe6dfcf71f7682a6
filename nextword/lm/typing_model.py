"""The typing model: next-word suggestions, word completion and (through ``correct``) correction.

A suggestion is drawn from one distribution over the word vocabulary: the word LSTM, the
Kneser-Ney n-gram and caches of the document's recent words and phrases, interpolated with weights fitted on
validation text at training time. The work is incremental:

* the text is re-tokenized only after its last whitespace; everything before it is cached;
* the LSTM state is kept (with snapshots every ``SNAPSHOT`` tokens), so a finished word costs one
  LSTM step and an edit further back replays at most ``SNAPSHOT`` tokens;
* a keystroke inside a word costs no model call at all: the cached distribution is filtered to
  the words with the typed prefix (a range of the sorted vocabulary), and the char LSTM proposes
  words outside the vocabulary when the range has too few.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from nextword.lm.chars import CharModel
from nextword.lm.incremental import ContextTokens, LSTMCursor
from nextword.lm.mixture import CACHE_WINDOW, cache_probs, phrase_cache_probs
from nextword.lm.model import LanguageModel
from nextword.lm.modeldir import read_model_dir
from nextword.lm.ngram import KneserNey
from nextword.lm.personal import Personalizer, PersonalModel
from nextword.lm.phrases import PhraseSearch
from nextword.lm.scorer import CandidateScorer
from nextword.suggestion import Kind, Suggestion
from nextword.text.tokenizer import SENTENCE_END, WordTokenizer
from nextword.text.wordlist import listed_completions
from nextword.text.words import partial_word, prefix_span


class Corrections(Protocol):
    """What the typing model asks of a corrector (``nextword.correct.Corrector``), which is built
    on top of it and handed in by whoever loads the model."""

    def correct(self, word: str, context: str = "", k: int = 3, probs: np.ndarray | None = None,
                prefix: bool = False) -> list[Suggestion]: ...
    def autocorrect(self, text: str) -> str: ...
    def best(self, typed: str, context: str = "") -> str: ...


MIXTURE_PARTS = ("lstm", "ngram", "cache", "phrase_cache", "user_ngram")
# a correction of the word being typed that the corrector gives less than 1 in 10,000 against
# the letters as typed is noise in the suggestions (a name typed in full, ``Siobhan``, was
# offered ``Sobbing`` at e^-28); the slot goes to a completion
HOPELESS_CORRECTION = -9.2


def normalised_weights(weights: dict[str, float], present: list[str]) -> dict[str, float]:
    """The mixture weights of the parts a model has (``present``), summing to 1."""
    w = {k: float(weights.get(k, 0.0)) if k in present else 0.0 for k in MIXTURE_PARTS}
    total = sum(w.values())
    if total <= 0:
        raise ValueError("a typing model needs at least one component with a positive weight")
    return {k: v / total for k, v in w.items()}


class TypingModel:
    """What ``nextword.load()`` returns: suggest, correct and autocorrect (docs/API.md)."""

    def __init__(self, tokenizer: WordTokenizer, word_lm: LanguageModel | None,
                 char_lm: LanguageModel | None, ngram: KneserNey | None, unigram: np.ndarray,
                 weights: dict[str, float], config: dict | None = None, path: Path | None = None,
                 corrector_factory: Callable[[TypingModel], Corrections] | None = None,
                 user_ngram: KneserNey | None = None):
        self.tokenizer = tokenizer
        self.word_lm, self.char_lm, self.ngram = word_lm, char_lm, ngram
        self.user_ngram = user_ngram  # an adapted model's n-gram of the user's text (lm.adapt)
        self.chars = CharModel(char_lm, tokenizer)
        # the char LSTM's questions: log P(word) as a whole word, of many words at once, and
        # the words a prefix may become (beam search); see ``CharModel``
        self.char_logprob, self.char_logprobs, self.char_complete = self.chars.logprob, self.chars.logprobs, self.chars.complete
        self.char_end_logprob = self.chars.end_logprob
        self.unigram = unigram
        self.config = config or {}
        self.path = path
        present = {"lstm": word_lm, "ngram": ngram, "cache": True, "phrase_cache": True, "user_ngram": user_ngram}
        self.weights = normalised_weights(weights, [k for k, part in present.items() if part is not None])
        self.user_words: set[str] = set()    # the user's dictionary: never corrected
        self.known_words: dict[str, int] = {}  # real words outside the vocabulary (lexicon.py)
        self.blocked: set[str] = set()       # words the user asked never to see suggested
        self.personal = PersonalModel(tokenizer)  # what was learned from the user
        self.personal_context = self.personal.context_ids  # text -> its last personal ids
        self.learner: Personalizer = Personalizer(self)  # learns into it (and a store, if any)
        words = tokenizer.words
        order = sorted(range(len(words)), key=lambda i: words[i])
        self._sorted_words = [words[i] for i in order]
        self._sorted_ids = np.array(order, dtype=np.int64)
        self._suggestable = tokenizer.word_mask.copy()
        self._lock = threading.RLock()
        self._cursor = LSTMCursor(word_lm) if word_lm is not None else None
        self._tokens = ContextTokens(self._encode, tokenizer.bos_id)
        self._dist_key: tuple | None = None
        self._dist: np.ndarray | None = None
        self.corrector_factory = corrector_factory
        self._corrector: Corrections | None = None
        self._sentence_end_ids = {tokenizer.ids[t] for t in SENTENCE_END if t in tokenizer.ids}
        # complete_phrase(text, max_words=6) -> str: the confident continuation of the text
        # (a beam search over this model's distribution; lm/phrases.py, docs/API.md)
        self.phrases = PhraseSearch(self)
        self.complete_phrase = self.phrases.complete

    # -- loading --------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, corrector_factory: Callable[[TypingModel], Corrections] | None = None
             ) -> TypingModel:
        """Load a model directory written by ``nextword.train`` (never unpickles anything).
        ``corrector_factory`` builds the corrector on first use (``nextword.load`` passes
        ``nextword.correct.Corrector``); without one, words are never corrected."""
        parts = read_model_dir(path)
        model = cls(parts.tokenizer, parts.word_lm, parts.char_lm, parts.ngram, parts.unigram,
                    parts.config.get("mixture", {"lstm": 1.0}), parts.config, Path(path),
                    corrector_factory=corrector_factory, user_ngram=parts.user_ngram)
        model.known_words = parts.lexicon
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
            ids: np.ndarray | None = None, personal: bool = True) -> np.ndarray:
        """The model's distribution over its vocabulary after ``context`` given the LSTM's
        log-probabilities there: the one place the components are combined (evaluation calls it
        too). With ``ids`` only those words' probabilities (and ``lstm_log_probs`` holds only
        theirs), blended with the personal model unless ``personal`` is False; the whole
        distribution is extended to the user's words by ``_distribution``."""
        w = self.weights
        V = self.tokenizer.vocab_size
        p = np.zeros(V if ids is None else len(ids))
        if w["lstm"] and lstm_log_probs is not None:
            p += w["lstm"] * np.exp(lstm_log_probs)
        if w["ngram"]:
            p += w["ngram"] * self.ngram.probs(context[-(self.ngram.order - 1):], ids)
        if w["user_ngram"]:
            p += w["user_ngram"] * self.user_ngram.probs(context[-(self.user_ngram.order - 1):], ids)
        if w["cache"]:
            p += w["cache"] * cache_probs(context, V, ids=ids)
        if w["phrase_cache"]:
            p += w["phrase_cache"] * phrase_cache_probs(context, V, ids=ids)
        if ids is not None and personal and self.personal.version:
            p = self.personal.blend(p, list(context[-3:]), ids)
        return p

    def candidate_scorer(self) -> CandidateScorer:
        """A scorer of chosen next words, with its own LSTM state (for the corrector)."""
        return CandidateScorer(self)

    def _distribution(self, tokens: list[int], stable: int, context: str) -> np.ndarray:
        """The suggestion distribution over the personal vocabulary (the model's words, then the
        user's new words) after ``context``, whose token ids are ``tokens``."""
        lstm = None
        if self._cursor is not None and self.weights["lstm"]:
            self._cursor.sync(tokens, stable)
            key = ("lstm", self._cursor.version, self.personal.version)
        else:
            key = ("plain", tuple(tokens[-CACHE_WINDOW:]), self.personal.version)
        if key != self._dist_key:
            if self._cursor is not None and self.weights["lstm"]:
                lstm = self._cursor.log_probs()
            self._dist = self.personal.extend(self.mix(lstm, tokens), self.personal_context(context))
            self._dist_key = key
        return self._dist

    def next_word_probs(self, context: str) -> np.ndarray:
        """Probability of every vocabulary word coming next after ``context`` (a copy; the
        user's new words are not in it)."""
        with self._lock:
            tokens, stable = self._context(context if context[-1:].isspace() else context + " ")
            return self._distribution(tokens, stable, context)[: self.tokenizer.vocab_size].copy()

    # -- ranking --------------------------------------------------------------------------------
    def prefix_range(self, prefix: str) -> np.ndarray:
        """Vocabulary ids of the words starting with ``prefix`` (lower-cased)."""
        lo, hi = prefix_span(self._sorted_words, prefix)
        return self._sorted_ids[lo:hi]

    def new_words_with_prefix(self, prefix: str) -> np.ndarray:
        """Ids of the user's new words starting with ``prefix`` that may be suggested."""
        new = self.personal.vocab.prefix_ids(prefix)
        new = new[self.personal.offered(new)]
        if self.blocked and len(new):
            new = new[[self.personal.vocab.word(i) not in self.blocked for i in new]]
        return new

    def knows_prefix(self, prefix: str) -> bool:
        """Whether a word of the vocabulary, or a new word of the user's, starts with ``prefix``."""
        return bool(len(self.prefix_range(prefix)) or len(self.new_words_with_prefix(prefix)))

    def rank(self, probs: np.ndarray, prefix: str, k: int) -> list[tuple[int, float]]:
        """The k most probable suggestable words starting with ``prefix``: (id, log-prob).
        ``probs`` may cover the user's new words too (ids after the vocabulary's)."""
        ids = self.prefix_range(prefix) if prefix else np.flatnonzero(self._suggestable)
        if prefix:
            ids = ids[self._suggestable[ids]]
        if len(probs) > len(self._suggestable):  # the user's new words
            new = self.new_words_with_prefix(prefix)
            new = new[new < len(probs)]
            ids = np.concatenate([ids, new]) if len(new) else ids
        if len(ids) == 0 or k <= 0:
            return []
        scores = probs[ids]
        if len(ids) > k:
            part = np.argpartition(-scores, k - 1)[:k]
            ids, scores = ids[part], scores[part]
        order = np.argsort(-scores, kind="stable")
        return [(int(ids[i]), float(np.log(max(scores[i], 1e-300)))) for i in order]

    def block(self, word: str) -> None:
        """Never suggest ``word`` again (in this model object)."""
        self.blocked.add(word.lower())
        idx = self.tokenizer.ids.get(word.lower())
        if idx is not None:
            self._suggestable[idx] = False

    def display(self, word: str) -> str:
        """``word`` in its usual case mid-sentence: as the user writes it themselves (``GitHub``,
        ``iPhone``), else as the training text does (``London``, ``I``)."""
        return self.personal.vocab.spelling(word) or self.tokenizer.display(word)

    def shown(self, word: str, typed: str, sentence_start: bool) -> str:
        """A word in the case the user would type it here: as they wrote it themselves, else
        its usual case; capitalised at a sentence start or when they typed a capital."""
        if len(typed) > 1 and typed.isupper():
            return word.upper()
        shown = self.display(word)
        if (typed[:1].isupper() or sentence_start) and shown[:1].islower():
            return shown[:1].upper() + shown[1:]
        return shown

    # -- public API -----------------------------------------------------------------------------
    def suggest(self, text: str, k: int = 3) -> list[Suggestion]:
        """Suggestions for the text before the cursor: next words after a space or punctuation,
        completions (and corrections) of the word being typed otherwise. Best first, at most k."""
        if not isinstance(text, str) or k <= 0:
            return []
        with self._lock:
            partial = partial_word(text)
            context = text[: len(text) - len(partial)]
            tokens, stable = self._context(context)
            probs = self._distribution(tokens, stable, context)
            start = tokens[-1] in self._sentence_end_ids
            low = partial.lower()
            ranked = self.rank(probs, low, k)
            kind: Kind = "completion" if partial else "next"
            out = [Suggestion(self.shown(self.personal.vocab.word(i), partial, start), s, kind)
                   for i, s in ranked]
            if partial and len(out) < k:
                out += more_for_partial(self, text, partial, start, k - len(out),
                                              {s.word.lower() for s in out}, probs)
            return out[:k]

    # -- learning from the user (``nextword.lm.personal``) -----------------------------------------
    def learn(self, text: str) -> None:
        """Learn words and phrases from ``text`` the user wrote: new words become candidates,
        their n-grams shape suggestions (and are stored when the model has a personal folder)."""
        if not isinstance(text, str):
            raise TypeError("learn() takes the text the user wrote, as a str")
        self.learner.learn_text(text)
        self.learner.flush()

    def forget(self, word: str | None = None) -> None:
        """Forget one learned word everywhere (in memory and in the personal folder), or with
        None everything learned (the dictionary and blocked words stay)."""
        self.learner.forget(word)

    def learned(self) -> list[tuple[str, int, bool]]:
        """(word, count, is new) of every word learned from the user, new words first, then by
        count; each word as the user writes it, else in its usual case (``London``, ``I``)."""
        return [(self.display(w), n, new) for w, n, new in self.personal.vocab.learned()]

    def _get_corrector(self) -> Corrections | None:
        if self._corrector is None and self.corrector_factory is not None:
            self._corrector = self.corrector_factory(self)
        return self._corrector

    def correct(self, word: str, context: str = "", k: int = 3) -> list[Suggestion]:
        """Ranked candidates for one typed word given the text before it (docs/API.md)."""
        corrector = self._get_corrector()
        if corrector is None:
            return [Suggestion(word, 0.0, "correction")] if word.strip() else []
        return corrector.correct(word, context, k)

    def autocorrect(self, text: str) -> str:
        """``text`` with every word corrected in context (confident corrections only)."""
        corrector = self._get_corrector()
        return text if corrector is None else corrector.autocorrect(text)

    def autocorrect_word(self, word: str, context: str = "") -> str:
        """What autocorrect writes for one ``word`` just typed after ``context`` (the word
        itself when it stays): the calibrated replacement rule, as ``autocorrect`` decides a
        passage's last word (docs/API.md)."""
        corrector = self._get_corrector()
        return word if corrector is None else corrector.best(word, context)


def more_for_partial(model: TypingModel, text: str, partial: str, start: bool, n: int, seen: set[str],
                     probs: np.ndarray) -> list[Suggestion]:
    """``model.suggest``'s words when the vocabulary has too few with this prefix: the English
    word list's words with it (outside the vocabulary, the commonest first), corrections of the
    prefix (if it looks mistyped) and char-LSTM completions (words in no list). ``probs``: the
    next-word distribution after the text before the prefix, which the corrector reuses rather
    than running its own LSTM over the same context."""
    # a prefix of a word the English word list holds is no typo: those words first (the
    # vocabulary's are ranked already, or are not to be suggested)
    listed = [(w, score) for w, score in listed_completions(partial.lower(), n + len(seen))
              if w not in seen and w not in model.tokenizer.ids and w not in model.blocked]
    out = [Suggestion(model.shown(w, partial, start), score, "completion") for w, score in listed[:n]]
    seen |= {w for w, _ in listed[:n]}
    corrector = None if model.knows_prefix(partial.lower()) or len(out) >= n else model._get_corrector()
    if corrector is not None:
        context = text[: len(text) - len(partial)]
        for s in corrector.correct(partial, context, k=n, probs=probs[: model.tokenizer.vocab_size],
                                   prefix=True):
            if s.word.lower() not in seen and s.word.lower() != partial.lower() and s.score > HOPELESS_CORRECTION:
                out.append(Suggestion(s.word, s.score, "correction"))
                seen.add(s.word.lower())
    if len(out) < n and model.char_lm is not None:
        for word, score in model.char_complete(partial.lower(), n - len(out)):
            if word not in seen:
                out.append(Suggestion(model.shown(word, partial, start), score, "completion"))
                seen.add(word)
    return out[:n]
