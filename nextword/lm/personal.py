"""Learning from the user: a personal n-gram mixed into suggestions, a dictionary, blocked words.

Everything lives in one SQLite file, ``personal.sqlite3`` in the user data folder
(``platformdirs.user_data_dir("nextword")``, or ``$NEXTWORD_DATA_DIR``), created with mode 0600
in a 0700 folder. It holds

* ``history``: the words the user typed, one row per flush (the source of the personal n-gram and
  of the LSTM fine-tune);
* ``words``: the user's dictionary (never corrected) and blocked words (never suggested).

``Personalizer`` ties a store to a ``TypingModel``: a finished word updates the in-memory n-gram at
once (so the very next suggestion can use it) and is written to disk on ``flush``. The n-gram
plugs into the model's hook, ``model.personal.probs(context_ids)``, which ``TypingModel.mix``
interpolates as ``(1 - w) * p + w * personal``; ``w`` grows with the amount learned.
In incognito mode nothing is learned and nothing is written.
"""

from __future__ import annotations

import copy
import os
import sqlite3
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from nextword.userdata import data_dir, private_dir

DB_NAME = "personal.sqlite3"
MAX_WEIGHT = 0.3      # the personal model's weight once plenty has been learned
HALF_WEIGHT_AT = 50   # ... and it reaches half of that after this many learned words
MAX_HISTORY_CHARS = 2_000_000  # the newest history read back at start (bounds start-up time)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, at REAL NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words (
    word TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('dictionary', 'blocked')),
    PRIMARY KEY (word, kind));
"""


class PersonalNgram:
    """Trigram counts over vocabulary ids, interpolated down to unigrams (Witten-Bell).

    Implements the ``TypingModel.personal`` hook. Thread-safe: the UI learns while a worker
    thread asks for probabilities.
    """

    def __init__(self, vocab_size: int, skip_ids: Sequence[int] = ()):
        self.vocab_size = vocab_size
        self.skip = set(skip_ids)  # never predicted (unknown word, paragraph boundary)
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.unigram = np.zeros(self.vocab_size)
            self.following: dict[tuple[int, ...], Counter] = defaultdict(Counter)
            self.words = 0

    def observe(self, context: Sequence[int], word: int) -> None:
        """Count ``word`` after ``context`` (only its last two ids matter)."""
        if word in self.skip or not 0 <= word < self.vocab_size:
            return
        ctx = tuple(context[-2:])
        with self._lock:
            self.unigram[word] += 1
            self.words += 1
            if ctx:
                self.following[ctx[-1:]][word] += 1
            if len(ctx) == 2:
                self.following[ctx][word] += 1

    def unobserve(self, context: Sequence[int], word: int) -> None:
        """Undo one ``observe(context, word)`` (an autocorrection the user reverted)."""
        ctx = tuple(context[-2:])
        with self._lock:
            if word in self.skip or not 0 <= word < self.vocab_size or self.unigram[word] <= 0:
                return
            self.unigram[word] -= 1
            self.words -= 1
            for key in (ctx[-1:], ctx if len(ctx) == 2 else None):
                counts = self.following.get(key) if key else None
                if counts and counts.get(word):
                    counts[word] -= 1
                    if not counts[word]:
                        del counts[word]
                    if not counts:
                        del self.following[key]

    def observe_sequence(self, ids: Sequence[int]) -> None:
        for i, word in enumerate(ids):
            self.observe(ids[max(0, i - 2):i], word)

    def confidence(self, context: Sequence[int]) -> float:
        """How much to trust ``probs(context)``, 0..1: little when only the user's word
        frequencies apply, more as the user has often written something after this context."""
        with self._lock:
            ctx = tuple(int(i) for i in context[-2:])
            seen = 0
            for order in (2, 1):
                counts = self.following.get(ctx[-order:]) if len(ctx) >= order else None
                if counts:
                    seen = sum(counts.values())
                    break
            return 0.25 + 0.75 * seen / (seen + 1)

    def probs(self, context: Sequence[int]) -> np.ndarray | None:
        """P(next id | the last two ids of ``context``) over the vocabulary; None before any
        learning."""
        with self._lock:
            if not self.words:
                return None
            p = self.unigram / self.words
            ctx = tuple(int(i) for i in context[-2:])
            for order in (1, 2):  # bigram on unigram, then trigram on bigram
                if len(ctx) < order or ctx[-order:] not in self.following:
                    break
                counts = self.following[ctx[-order:]]
                total, types = sum(counts.values()), len(counts)
                p = p * (types / (total + types))
                for word, n in counts.items():
                    p[word] += n / (total + types)
            return p


class PersonalStore:
    """The SQLite file. Opened lazily on the first write, so reading never creates it."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory if directory is not None else data_dir()
        self.path = self.directory / DB_NAME
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            private_dir(self.directory)
            # create the file ourselves so it is 0600 from the first byte
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(self.path, 0o600)
            self._conn = sqlite3.connect(self.path, check_same_thread=False)
            self._conn.executescript(_SCHEMA)
        return self._conn

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._conn is None and not self.path.exists():
            return []
        with self._lock:
            if self._conn is not None:
                return self._conn.execute(sql, args).fetchall()
            conn = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
            try:
                return conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # an empty or foreign file: nothing learned
                return []
            finally:
                conn.close()

    def _write(self, sql: str, args: tuple = ()) -> None:
        with self._lock:
            conn = self._connect()
            with conn:
                conn.execute(sql, args)

    def history(self, max_chars: int = MAX_HISTORY_CHARS) -> list[str]:
        """The learned text, oldest first (at most ``max_chars`` of the newest)."""
        rows = self._read("SELECT text FROM history ORDER BY id DESC")
        out, size = [], 0
        for (text,) in rows:
            if size + len(text) > max_chars:
                break
            out.append(text)
            size += len(text)
        return out[::-1]

    def words(self, kind: str) -> set[str]:
        return {w for (w,) in self._read("SELECT word FROM words WHERE kind = ?", (kind,))}

    def append_history(self, text: str) -> None:
        self._write("INSERT INTO history (at, text) VALUES (?, ?)", (time.time(), text))

    def add_word(self, word: str, kind: str) -> None:
        self._write("INSERT OR IGNORE INTO words (word, kind) VALUES (?, ?)", (word, kind))

    def forget_history(self) -> None:
        if self._conn is not None or self.path.exists():
            self._write("DELETE FROM history")
            with self._lock:
                self._connect().execute("VACUUM")  # really drop the text from the file

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


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


def forget_stored(directory: Path | None = None, everything: bool = False) -> list[Path]:
    """Delete what nextword stored about the user (for ``nextword forget``): the typing
    history, or with ``everything`` the whole store (dictionary and blocked words too) and the
    crash-recovery files. Returns the files deleted or emptied."""
    directory = directory if directory is not None else data_dir()
    store = PersonalStore(directory)
    if not everything:
        if not store.path.exists():
            return []
        store.forget_history()
        store.close()
        return [store.path]
    gone = [p for p in (store.path, store.path.with_name(DB_NAME + "-journal")) if p.exists()]
    gone += sorted((directory / "recovery").glob("*.json"))
    for path in gone:
        path.unlink()
    return gone


# -- fine-tuning the word LSTM on the personal history ------------------------------------------
class FineTuneCancelled(Exception):
    """Raised from the progress callback to stop a fine-tune."""


def finetune_word_lm(model, ids: np.ndarray, seconds: float = 60.0,
                     on_progress: Callable[[float, float], None] | None = None,
                     lr: float = 1e-3):
    """A copy of ``model.word_lm`` trained on ``ids`` for at most ``seconds`` (the original is
    untouched, so suggestions keep flowing meanwhile). ``on_progress(fraction, loss)`` is called
    after every step and may raise ``FineTuneCancelled``. Raises ``ValueError`` when there is
    too little history."""
    from nextword.core.trainer import TrainConfig, Trainer
    from nextword.text.streams import TokenStream

    bptt = 20
    batch_size = max(1, min(8, (len(ids) - 1) // (bptt * 2)))
    if model.word_lm is None or len(ids) < 2 * bptt + 2:
        raise ValueError("too little typing history to fine-tune on (type a few sentences first)")
    lm = copy.deepcopy(model.word_lm)
    stream = TokenStream(ids, batch_size=batch_size, bptt=bptt)
    epochs = 3
    config = TrainConfig(epochs=epochs, lr=lr, max_seconds=seconds, checkpoint_every=1e9,
                         patience=epochs, device="cpu")
    total = epochs * len(stream)
    start = time.monotonic()

    def step(info: dict) -> None:
        if on_progress is not None:
            done = max(info["step"] / total, (time.monotonic() - start) / seconds)
            on_progress(min(1.0, done), float(info["loss"]))

    with tempfile.TemporaryDirectory(prefix="nextword-finetune-") as work:
        Trainer(lm, stream, None, config, work, name="personal", on_step=step).fit()
    lm.eval()
    return lm


def install_word_lm(model, lm) -> None:
    """Swap a fine-tuned word LSTM into ``model`` (safe while a worker is suggesting: the model
    swaps under its lock)."""
    model.replace_word_lm(lm)
