"""The personal store: one SQLite file (0600, in a 0700 folder) with the user's typing history,
dictionary and blocked words, and digests of the paragraphs of the documents they saved; and
deleting it (``nextword forget``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nextword.errors import InputError
from nextword.userdata import PERSONAL_MODEL, data_dir, personal_model_dir, private_dir

DB_NAME = "personal.sqlite3"
MAX_HISTORY_CHARS = 4_000_000  # the newest history read back at start (bounds start-up time)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, at REAL NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words (
    word TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('dictionary', 'blocked')),
    PRIMARY KEY (word, kind));
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS saved_paragraphs (digest TEXT PRIMARY KEY);
"""
_CHUNK = 500  # digests per query (SQLite's limit on parameters is 999 on older builds)


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
            # deleted text is overwritten, not left in free pages (forgetting means forgetting)
            self._conn.execute("PRAGMA secure_delete = ON")
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

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The connection, for writes: a folder or disk that fails (gone, full, not writable) is
        one ``InputError`` saying so, which the editor reports instead of crashing."""
        with self._lock:
            try:
                yield self._connect()
            except (OSError, sqlite3.Error) as exc:
                raise InputError(f"cannot write the personal store {self.path}: {exc}") from None

    def _write(self, sql: str, args: tuple | list = (), many: bool = False) -> None:
        """Run ``sql`` in a transaction (with ``many``: once per tuple of ``args``)."""
        with self._writing() as conn, conn:
            if many:
                conn.executemany(sql, args)
            else:
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

    def saved_paragraphs(self, digests: list[str]) -> set[str]:
        """Of ``digests`` (of paragraphs of saved documents), those recorded before."""
        known: set[str] = set()
        for i in range(0, len(digests), _CHUNK):
            chunk = tuple(digests[i:i + _CHUNK])
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT digest FROM saved_paragraphs WHERE digest IN ({marks})"
            known |= {d for (d,) in self._read(sql, chunk)}
        return known

    def add_saved_paragraphs(self, digests: list[str]) -> None:
        self._write("INSERT OR IGNORE INTO saved_paragraphs (digest) VALUES (?)", [(d,) for d in digests],
                    many=True)

    def setting(self, key: str) -> object:
        """A stored setting (JSON), or None."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        try:
            return json.loads(rows[0][0]) if rows else None
        except ValueError:
            return None

    def set_setting(self, key: str, value: object) -> None:
        self._write("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def forget_word(self, word: str) -> bool:
        """Delete every occurrence of ``word`` (any case) from the stored history and the
        dictionary. False when it was not stored."""
        if self._conn is None and not self.path.exists():
            return False
        pattern = re.compile(rf"(?<![\w']){re.escape(word)}(?![\w'])", re.IGNORECASE)
        found = False
        with self._writing() as conn:
            with conn:
                for row, text in conn.execute("SELECT id, text FROM history").fetchall():
                    cleaned, n = pattern.subn("", text)
                    if n:
                        found = True
                        conn.execute("UPDATE history SET text = ? WHERE id = ?", (re.sub(r"[ \t]{2,}", " ", cleaned), row))
                found = conn.execute("DELETE FROM words WHERE word = ? AND kind = 'dictionary'",
                                     (word.lower(),)).rowcount > 0 or found
            conn.execute("VACUUM")
        return found

    def forget_history(self) -> None:
        if self._conn is not None or self.path.exists():
            self._write("DELETE FROM history")
            self._write("DELETE FROM settings")
            self._write("DELETE FROM saved_paragraphs")
            with self._writing() as conn:
                conn.execute("VACUUM")  # really drop the text from the file

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def forget_stored(directory: Path | None = None, everything: bool = False) -> list[Path]:
    """Delete what nextword stored about the user (for ``nextword forget``): the learned text
    and the adapted model made from it, or with ``everything`` the whole store (dictionary and
    blocked words too) and the crash-recovery files as well. Returns what was deleted or
    emptied."""
    directory = directory if directory is not None else data_dir()
    store = PersonalStore(directory)
    # the adapted model (and its work files) hold the user's words and phrases too
    models = [p for p in (personal_model_dir(directory), directory / f"{PERSONAL_MODEL}.work") if p.exists()]
    for path in models:
        shutil.rmtree(path)
    if not everything:
        if not store.path.exists():
            return models
        store.forget_history()
        store.close()
        return [store.path, *models]
    gone = models + [p for p in (store.path, store.path.with_name(DB_NAME + "-journal")) if p.exists()]
    gone += sorted((directory / "recovery").glob("*.json"))
    gone += [p for p in (directory / "settings.json",) if p.exists()]  # the editor's settings
    for path in gone:
        path.unlink()
    return gone
