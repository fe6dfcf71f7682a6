"""``Personalizer``: the user's side of a typing model. It learns passages (``model.learn``,
``nextword learn``), words as they are typed and the documents the user saves (the editor),
forgets, keeps the dictionary and blocked words, and writes all of it to the personal store when
the model has one."""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

import numpy as np

from nextword.errors import InputError
from nextword.lm.mixture import CACHES, component_probs
from nextword.lm.personal.model import PersonalModel
from nextword.lm.personal.store import PersonalStore
from nextword.text.corpus import split_paragraphs
from nextword.text.words import count_words

if TYPE_CHECKING:
    from nextword.lm.typing_model import TypingModel


def model_probs(model: TypingModel, ids: np.ndarray) -> np.ndarray:
    """P(ids[t+1] | ids[..t]) under the typing model's own mixture (no personal model), for a
    stretch of its vocabulary ids: what the personal weights are fitted against."""
    lm = model.word_lm if model.weights["lstm"] else None
    ngrams = {name: getattr(model, name) for name in ("ngram", "user_ngram")
              if getattr(model, name, None) is not None and model.weights.get(name)}
    caches = tuple(name for name in CACHES if model.weights.get(name))  # a part weighing 0 costs nothing
    parts = component_probs(lm, ngrams, ids, model.tokenizer.vocab_size, rows=8, caches=caches)
    return sum((model.weights[k] * v for k, v in parts.items() if k in model.weights), np.zeros(len(ids) - 1))


class Personalizer:
    """Learning from one user for one typing model, in memory or also in a ``PersonalStore``.

    Creating one with a store reads what the store holds into the model and makes it the
    model's learner (``model.learn`` then writes there too). In incognito mode nothing is
    learned and nothing is written.
    """

    def __init__(self, model: TypingModel, store: PersonalStore | None = None, incognito: bool = False):
        self.model = model
        self.personal: PersonalModel = model.personal
        self.store = store
        self.incognito = incognito
        self.dictionary: set[str] = set()
        self._pending: list[str] = []
        self._pending_lock = threading.Lock()
        self._saved: set[str] = set()  # paragraph digests of saved documents, without a store
        self._saving = threading.Lock()  # one save learned at a time; closing waits for it
        if store is not None:
            for text in store.history():
                self.personal.learn_text(text)
            saved = store.setting("weights")
            if isinstance(saved, dict) and len(saved.get("weights", ())) == len(self.personal.weights):
                self.personal.weights = np.asarray(saved["weights"], dtype=np.float64)
                self.personal.fitted_at = int(saved.get("fitted_at", 0))
            self.dictionary = store.words("dictionary")
            for word in store.words("blocked"):
                model.block(word)
        model.learner = self
        self._sync_trusted()

    @property
    def learned_words(self) -> int:
        return self.personal.words

    def _sync_trusted(self) -> None:
        """The words autocorrect leaves alone: the dictionary and the trusted new words (the
        same set object, changed in place, so the corrector's caches notice)."""
        words, wanted = self.model.user_words, self.dictionary | self.personal.trusted()
        words.intersection_update(wanted)
        words.update(wanted)

    # -- learning ---------------------------------------------------------------------------------
    def learn_text(self, text: str) -> list[str]:
        """Learn a passage the user wrote (as if typed); returns the new words it brought."""
        if self.incognito or not text.strip():
            return []
        new = self.personal.learn_text(text)
        with self._pending_lock:
            self._pending.append(text.strip() + "\n")
        self._sync_trusted()
        return new

    def learn_saved(self, text: str, opened: set[str]) -> int:
        """A document was saved as ``text``: learn the paragraphs it had when it was opened
        (``opened``, as ``split_paragraphs`` gives them) that it still has and that no save
        learned before; what the user typed or pasted was learned then. Every paragraph saved
        is remembered (as a digest), so saving again, or reopening and saving, learns nothing
        twice. Returns the number of words learned."""
        if self.incognito:
            return 0
        with self._saving:
            return self._learn_saved(text, opened)

    def _learn_saved(self, text: str, opened: set[str]) -> int:
        paragraphs = list(dict.fromkeys(split_paragraphs(text)))
        digests = [hashlib.sha256(p.encode("utf-8")).hexdigest() for p in paragraphs]
        seen = (self._saved & set(digests)) if self.store is None else self.store.saved_paragraphs(digests)
        kept = [p for p, d in zip(paragraphs, digests, strict=True) if d not in seen and p in opened]
        if kept:
            self.learn_text("\n".join(kept))
        fresh = [d for d in digests if d not in seen]
        if self.store is None:
            self._saved.update(fresh)
        elif fresh:
            self.store.add_saved_paragraphs(fresh)
        return sum(count_words(p) for p in kept)

    def learn(self, context: str, word: str) -> None:
        """The user finished ``word`` after the text ``context``: learned at once (the very
        next suggestion knows it), stored on the next flush."""
        if self.incognito or not word.strip():
            return
        self.personal.learn_word(self.model.personal_context(context), word)
        with self._pending_lock:
            if context.rstrip(" \t").endswith("\n") and self._pending:
                self._pending.append("\n")
            self._pending.append(word)
        self._sync_trusted()

    def unlearn(self, context: str, word: str) -> None:
        """Take back one ``learn(context, word)`` (in memory; from what is not stored yet)."""
        if self.incognito or not word.strip():
            return
        self.personal.unlearn_word(word)
        with self._pending_lock:
            for i in range(len(self._pending) - 1, -1, -1):
                if self._pending[i] == word:
                    del self._pending[i]
                    break
        self._sync_trusted()

    def fit(self) -> None:
        """Fit the personal weights when enough was learned since the last fit (and store them)."""
        if self.incognito or not self.personal.needs_fit():
            return
        self.personal.fit(lambda ids: model_probs(self.model, ids))
        if self.store is not None:
            self.store.set_setting("weights", {"weights": self.personal.weights.tolist(),
                                               "fitted_at": self.personal.fitted_at})

    def flush(self) -> None:
        """Write what was learned since the last flush, and refit the weights if it is time
        (nothing in incognito mode)."""
        self._write_pending()
        self.fit()

    def _write_pending(self) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, []
        if pending and self.store is not None and not self.incognito:
            try:
                self.store.append_history(" ".join(pending).replace(" \n ", "\n").replace("\n ", "\n").strip())
            except InputError:  # the store cannot be written now: keep the text for the next flush
                with self._pending_lock:
                    self._pending[:0] = pending
                raise

    # -- the user's words -------------------------------------------------------------------------
    def add_to_dictionary(self, word: str) -> None:
        word = word.lower()
        self.dictionary.add(word)
        self._sync_trusted()
        if not self.incognito and self.store is not None:
            self.store.add_word(word, "dictionary")

    def block(self, word: str) -> None:
        word = word.lower()
        self.model.block(word)
        if not self.incognito and self.store is not None:
            self.store.add_word(word, "blocked")

    def forget(self, word: str | None = None) -> bool:
        """Forget one word (everywhere it was learned, in memory and on disk) or, with None,
        everything learned (the dictionary and blocked words stay). False when ``word`` was
        never learned."""
        if word is None:
            with self._pending_lock:
                self._pending = []
            self._saved.clear()
        else:  # the store scrubs the word from everything written, pending text included
            self._write_pending()
        found = self.personal.forget(word)
        self._sync_trusted()
        if self.store is not None:
            if word is None:
                self.store.forget_history()
            else:
                found = self.store.forget_word(word) or found
        return found

    def close(self) -> None:
        """Write what is pending and close the store (after a save being learned, if any)."""
        with self._saving:
            try:
                self.flush()
            finally:
                if self.store is not None:
                    self.store.close()
