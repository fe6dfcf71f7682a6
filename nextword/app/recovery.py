"""Crash recovery for the editor: the unsaved text of a document, autosaved every few seconds.

A recovery file sits in ``<user data folder>/recovery/`` (never beside the document, which may be
in a shared folder), is named after a hash of the document's absolute path, is written atomically
with mode 0600, and is deleted when the document is saved or the user discards the changes. If
one is still there when the document is opened again, the editor crashed (or was killed) with
unsaved changes, and offers it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from nextword.files import atomic_write_text
from nextword.userdata import data_dir, private_dir

UNTITLED = "<untitled>"


@dataclass(frozen=True)
class Recovered:
    """A recovery file's content: the document path, its unsaved text and when it was written."""

    document: str
    text: str
    saved_at: float


def recovery_path(document: str | Path | None, directory: Path | None = None) -> Path:
    """Where the recovery file of ``document`` (None: an untitled document) lives."""
    key = str(Path(document).resolve()) if document else UNTITLED
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + ".json"
    return (directory if directory is not None else data_dir()) / "recovery" / name


def write_recovery(document: str | Path | None, text: str, directory: Path | None = None) -> Path:
    """Autosave ``text`` for ``document`` (atomic, 0600)."""
    path = recovery_path(document, directory)
    private_dir(path.parent)
    payload = {"document": str(Path(document).resolve()) if document else UNTITLED,
               "text": text, "saved_at": time.time()}
    atomic_write_text(path, json.dumps(payload, ensure_ascii=False), mode=0o600)
    return path


def read_recovery(document: str | Path | None, directory: Path | None = None) -> Recovered | None:
    """The recovery file of ``document``, or None (also for an unreadable one)."""
    path = recovery_path(document, directory)
    try:
        data = json.loads(path.read_text("utf-8"))
        return Recovered(str(data["document"]), str(data["text"]), float(data["saved_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard_recovery(document: str | Path | None, directory: Path | None = None) -> None:
    """Delete the recovery file of ``document`` if there is one (best effort: a data folder
    that cannot be read must not stop a save)."""
    with contextlib.suppress(OSError):
        recovery_path(document, directory).unlink()
