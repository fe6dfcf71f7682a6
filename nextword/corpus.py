"""Read a training corpus: files, folders or globs of text -> cleaned paragraphs, split train/val.

Every paragraph is one string with single spaces; paragraphs are what the tokenizer marks with
the boundary token and what the train/validation split assigns as a whole.
"""

from __future__ import annotations

import glob
import os
import re
import unicodedata
import warnings
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

TEXT_SUFFIXES_SKIPPED = {".safetensors", ".pt", ".bin", ".gz", ".zip", ".png", ".jpg", ".pdf"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"\s+")


class CorpusWarning(UserWarning):
    """A file of the corpus was skipped or repaired (binary, undecodable, unreadable)."""


@dataclass
class Corpus:
    """Paragraphs of text per source file, plus what was skipped."""

    documents: list[tuple[str, list[str]]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def paragraphs(self) -> Iterator[str]:
        for _, paras in self.documents:
            yield from paras

    @property
    def n_paragraphs(self) -> int:
        return sum(len(p) for _, p in self.documents)

    @property
    def n_chars(self) -> int:
        return sum(len(x) for x in self.paragraphs())

    def split(self, val_fraction: float = 0.03) -> tuple[list[str], list[str]]:
        """Deterministic split by whole paragraphs (hash of the text), never empty on either side
        when there are at least two paragraphs."""
        train, val = [], []
        threshold = int(val_fraction * 10_000)
        for para in self.paragraphs():
            bucket = zlib.crc32(para.encode("utf-8")) % 10_000
            (val if bucket < threshold else train).append(para)
        if not val and len(train) >= 2:
            val.append(train.pop())
        if not train and len(val) >= 2:
            train.append(val.pop())
        return train, val


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named directly, found under folders (recursively, sorted) or matched by globs."""
    files: list[Path] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        if not matches:
            raise InputError(f"no file matches {text!r}")
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for root, dirs, names in os.walk(p, followlinks=False):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    files.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
            elif p.exists():
                files.append(p)
            else:
                raise InputError(f"corpus path does not exist: {text}")
    return files


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; None for binary or other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: blank-line separated blocks when the text has blank lines (hard-wrapped
    prose), otherwise one paragraph per line. Whitespace collapsed, Unicode NFC."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    out = []
    for block in blocks:
        para = _SPACES.sub(" ", block).strip()
        if para:
            out.append(para)
    return out


def read_corpus(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Corpus:
    """Read every text file under ``paths``; binary and non-UTF-8 files are skipped with a warning.

    Raises InputError when a path does not exist or nothing readable remains.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    corpus = Corpus()
    for path in expand_paths(paths):
        reason = None
        if path.suffix.lower() in TEXT_SUFFIXES_SKIPPED:
            reason = "not a text file"
        else:
            try:
                text = decode_text(path.read_bytes())
            except OSError as exc:
                text, reason = None, f"unreadable ({exc.strerror or exc})"
            if text is None and reason is None:
                reason = "binary or not UTF-8 text"
        if reason is not None:
            corpus.skipped.append(f"{path}: {reason}")
            continue
        paras = split_paragraphs(text)
        if paras:
            corpus.documents.append((str(path), paras))
    if not corpus.n_paragraphs:
        detail = f" (skipped: {'; '.join(corpus.skipped[:3])})" if corpus.skipped else ""
        raise InputError(f"the corpus has no readable text{detail}")
    for skipped in corpus.skipped:  # only now: an error above already names what was skipped
        warnings.warn(f"skipped {skipped}", CorpusWarning, stacklevel=2)
    return corpus
