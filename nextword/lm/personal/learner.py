"""``Personalizer``: what the editor uses to learn from the user as they type."""

from __future__ import annotations

import threading

import numpy as np

from nextword.lm.personal.ngram import PersonalNgram
from nextword.lm.personal.store import PersonalStore

MAX_WEIGHT = 0.3      # the personal model's weight once plenty has been learned
HALF_WEIGHT_AT = 50   # ... and it reaches half of that after this many learned words


class Personalizer:
    """What the editor uses: learn finished words, the dictionary, blocked words, incognito."""

    def __init__(self, model, store: PersonalStore | None = None, incognito: bool = False):
        self.model = model
        self.store = store if store is not None else PersonalStore()
        self.incognito = incognito
        tok = model.tokenizer
        self.ngram = PersonalNgram(tok.vocab_size, (tok.unk_id, tok.bos_id))
        self._pending: list[str] = []
        self._pending_lock = threading.Lock()
        for text in self.store.history():
            self.ngram.observe_sequence(self._ids(text))
        model.user_words |= self.store.words("dictionary")
        for word in self.store.words("blocked"):
            model.block(word)
        model.personal = self.ngram
        self._update_weight()

    def _ids(self, text: str) -> list[int]:
        return [self.model.tokenizer.bos_id, *self.model.tokenizer.encode(text)]

    def _update_weight(self) -> None:
        n = self.ngram.words
        # changing the weight also invalidates the model's cached distribution
        self.model.personal_weight = MAX_WEIGHT * n / (n + HALF_WEIGHT_AT)

    @property
    def learned_words(self) -> int:
        return self.ngram.words

    def _context_ids(self, context: str) -> list[int]:
        tok = self.model.tokenizer
        if not context.strip() or context.rstrip(" \t").endswith("\n"):
            return [tok.bos_id]
        return tok.encode(context[-80:])

    def learn(self, context: str, word: str) -> None:
        """The user finished ``word`` after the text ``context``: count it now, store it on the
        next flush. Does nothing in incognito mode."""
        if self.incognito or not word.strip():
            return
        self.ngram.observe(self._context_ids(context), self.model.tokenizer.token_id(word))
        with self._pending_lock:
            if context.rstrip(" \t").endswith("\n") and self._pending:
                self._pending.append("\n")
            self._pending.append(word)
        self._update_weight()

    def unlearn(self, context: str, word: str) -> None:
        """Take back one ``learn(context, word)`` that was not flushed yet (in memory it is
        always taken back)."""
        if self.incognito or not word.strip():
            return
        self.ngram.unobserve(self._context_ids(context), self.model.tokenizer.token_id(word))
        with self._pending_lock:
            for i in range(len(self._pending) - 1, -1, -1):
                if self._pending[i] == word:
                    del self._pending[i]
                    break
        self._update_weight()

    def learn_text(self, text: str) -> None:
        """Learn a whole passage at once (as if typed)."""
        if self.incognito:
            return
        for line in text.splitlines():
            if line.strip():
                self.ngram.observe_sequence(self._ids(line))
                with self._pending_lock:
                    self._pending.append(line.strip() + "\n")
        self._update_weight()

    def flush(self) -> None:
        """Write what was learned since the last flush (nothing in incognito mode)."""
        with self._pending_lock:
            pending, self._pending = self._pending, []
        if pending and not self.incognito:
            self.store.append_history(" ".join(pending).replace(" \n ", "\n").strip())

    def add_to_dictionary(self, word: str) -> None:
        word = word.lower()
        self.model.user_words.add(word)
        if not self.incognito:
            self.store.add_word(word, "dictionary")

    def block(self, word: str) -> None:
        word = word.lower()
        self.model.block(word)
        if not self.incognito:
            self.store.add_word(word, "blocked")

    def forget(self) -> None:
        """Forget the learned history, in memory and on disk (dictionary and blocked words stay)."""
        with self._pending_lock:
            self._pending = []
        self.ngram.clear()
        self._update_weight()
        self.store.forget_history()

    def history_ids(self) -> np.ndarray:
        """The learned text (stored and pending) as one token-id stream."""
        with self._pending_lock:
            pending = " ".join(self._pending)
        ids: list[int] = []
        for text in [*self.store.history(), pending]:
            for line in text.splitlines():
                if line.strip():
                    ids += self._ids(line)
        return np.array(ids, dtype=np.int64)
