"""Read a training corpus: files, folders or globs of text -> cleaned paragraphs, split train/val.

Every paragraph is one string with single spaces; paragraphs are what the tokenizer marks with
the boundary token and what the train/validation split assigns as a whole.

Nothing here holds the whole corpus in memory: ``read_corpus`` checks each file once (its
encoding, and a content digest that tells when the corpus changed) and ``Corpus`` then streams
paragraphs from disk as often as a caller asks, one block of a file at a time.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import re
import unicodedata
import warnings
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nextword.errors import InputError

TEXT_SUFFIXES_SKIPPED = {".safetensors", ".pt", ".bin", ".gz", ".zip", ".png", ".jpg", ".pdf"}
# what a folder is searched for: files of prose (and files without a suffix, as notes often are).
# Data, code and markup in a folder of the user's (a model's vocab.json, a CSV, a script) are not
# their writing: `nextword learn ~/projects` learned 35,536 "new words" such as train_loss from
# one model directory. A file named on the command line is always read.
PROSE_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown", ".rst", ".org", ".tex", ".adoc", ".asciidoc",
                  ".eml", ".mbox", ".wiki"}
BLOCK = 1 << 22  # bytes read at a time; also the sample that decides a file's paragraph style
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE = re.compile("\n")
MAX_WRAPPED_LINES = 30  # lines of a hard-wrapped paragraph, on average, at most
_SPACES = re.compile(r"\s+")
_TEXT = re.compile(r"\S")  # anything that survives whitespace collapsing makes a paragraph


class CorpusWarning(UserWarning):
    """A file of the corpus was skipped or repaired (binary, undecodable, unreadable)."""


@dataclass(frozen=True)
class CorpusFile:
    """One readable text file: its encoding, a digest of its bytes, and whether it holds any
    text besides whitespace (a file without any yields no paragraph)."""

    path: Path
    encoding: str
    size: int
    digest: str
    has_text: bool


@dataclass
class Corpus:
    """The readable files of a corpus (streamed on demand) plus what was skipped."""

    files: list[CorpusFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def paragraphs(self) -> Iterator[str]:
        """Every paragraph, file by file, read from disk."""
        for f in self.files:
            yield from file_paragraphs(f.path, f.encoding)

    @property
    def n_paragraphs(self) -> int:
        return sum(1 for _ in self.paragraphs())

    @property
    def n_chars(self) -> int:
        return sum(len(x) for x in self.paragraphs())

    @property
    def n_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def fingerprint(self) -> str:
        """Changes whenever any file's content (or the order of the files) changes."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.digest.encode())
        return h.hexdigest()

    def split(self, val_fraction: float = 0.03) -> CorpusSplit:
        """Deterministic train/validation split by whole paragraphs (see ``CorpusSplit``)."""
        return CorpusSplit(self, val_fraction)


class CorpusSplit:
    """Train/validation assignment by a hash of each paragraph's text, so the same paragraph
    always lands on the same side. Counting takes one pass over the corpus; neither side is
    empty when there are at least two paragraphs (the last paragraph moves over if need be)."""

    def __init__(self, corpus: Corpus, val_fraction: float):
        self.corpus = corpus
        self._threshold = int(val_fraction * 10_000)
        n_train = n_val = chars = 0
        for para in corpus.paragraphs():
            if self._is_val(para):
                n_val += 1
            else:
                n_train += 1
            chars += len(para)
        total = n_train + n_val
        # index of a paragraph that changes side, when one side would otherwise be empty
        self._moved = total - 1 if total >= 2 and not (n_train and n_val) else -1
        if self._moved >= 0:
            n_train, n_val = (n_train - 1, 1) if not n_val else (1, n_val - 1)
        self.n_train, self.n_val, self.n_chars = n_train, n_val, chars

    def _is_val(self, para: str) -> bool:
        return zlib.crc32(para.encode("utf-8")) % 10_000 < self._threshold

    def _on_val_side(self, i: int, para: str) -> bool:
        """Whether paragraph number ``i`` of the corpus (``para``) is a validation paragraph."""
        return self._is_val(para) != (i == self._moved)

    def _side(self, want_val: bool) -> Iterator[str]:
        for i, para in enumerate(self.corpus.paragraphs()):
            if self._on_val_side(i, para) == want_val:
                yield para

    def train(self) -> Iterator[str]:
        """Training paragraphs, streamed."""
        return self._side(False)

    def val(self) -> Iterator[str]:
        """Validation paragraphs, streamed."""
        return self._side(True)

    def val_in_context(self, before_chars: int, every: int = 1) -> Iterator[tuple[str, bool]]:
        """Every ``every``-th validation paragraph (flagged True), each after the corpus text
        that precedes it (flagged False: whole paragraphs, the earliest cut to its end, about
        ``before_chars`` characters, none given twice), in corpus order."""
        before: deque[str] = deque()
        size = n_val = 0
        for i, para in enumerate(self.corpus.paragraphs()):
            is_val = self._on_val_side(i, para)
            if is_val and n_val % every == 0:
                if before and size > before_chars:
                    before[0] = _tail(before[0], before_chars - (size - len(before[0])))
                yield from ((p, False) for p in before if p)
                yield para, True
                before.clear()
                size = 0
            else:
                before.append(para)
                size += len(para)
                while size - len(before[0]) >= before_chars:
                    size -= len(before.popleft())
            n_val += is_val


def _tail(text: str, chars: int) -> str:
    """About the last ``chars`` characters of ``text``, starting at a word."""
    cut = text[-chars:]
    return cut.split(" ", 1)[-1] if len(cut) < len(text) else cut


def expand_paths(paths: Iterable[str | os.PathLike], skipped: list[str] | None = None) -> list[Path]:
    """Files named directly, found under folders (recursively, sorted; files of prose only, see
    ``PROSE_SUFFIXES``) or matched by globs. Folders that cannot be listed, and the files a
    folder holds that are not prose, are noted in ``skipped`` when it is given."""
    files: list[Path] = []
    passed_over: Counter[str] = Counter()  # suffix -> files not read from the folders walked

    def unreadable(exc: OSError) -> None:
        if skipped is not None:
            skipped.append(f"{exc.filename}: unreadable folder ({exc.strerror or exc})")

    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
        if not matches:
            raise InputError(f"no file matches {text!r}")
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for root, dirs, names in os.walk(p, onerror=unreadable, followlinks=False):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(n for n in names if not n.startswith(".")):
                        suffix = Path(name).suffix.lower()
                        if suffix in PROSE_SUFFIXES:
                            files.append(Path(root) / name)
                        else:
                            passed_over[suffix] += 1
            elif p.exists():
                files.append(p)
            else:
                raise InputError(f"no such file or folder: {text}")
    if passed_over and skipped is not None:
        kinds = ", ".join(f"{n} {suffix}" for suffix, n in passed_over.most_common(4))
        skipped.append(f"{passed_over.total()} file(s) in the folders given that are not prose ({kinds}"
                       f"{', ...' if len(passed_over) > 4 else ''}): name a file to read it anyway")
    return files


def sniff_encoding(head: bytes) -> str | None:
    """The encoding a file's first bytes announce: UTF-16 with a BOM, else UTF-8 (BOM optional);
    None when they look binary (NUL bytes)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head[:8192]:
        return None
    return "utf-8-sig"


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; None for binary or other encodings."""
    encoding = sniff_encoding(data)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def check_file(path: Path) -> CorpusFile | str:
    """A readable text file's encoding and digest, or the reason it is skipped. The whole file is
    decoded once here, so streaming it later cannot fail halfway on a bad byte."""
    if path.suffix.lower() in TEXT_SUFFIXES_SKIPPED:
        return "not a text file"
    digest, size, has_text = hashlib.sha256(), 0, False
    try:
        with open(path, "rb") as fh:
            block = fh.read(BLOCK)
            encoding = sniff_encoding(block)
            if encoding is None:
                return "binary or not UTF-8 text"
            decoder = codecs.getincrementaldecoder(encoding)()
            while block:
                text = decoder.decode(block)
                has_text = has_text or _TEXT.search(text) is not None
                digest.update(block)
                size += len(block)
                block = fh.read(BLOCK)
            has_text = has_text or _TEXT.search(decoder.decode(b"", final=True)) is not None
    except UnicodeDecodeError:
        return "binary or not UTF-8 text"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    return CorpusFile(path, encoding, size, f"{encoding}:{digest.hexdigest()}", has_text)


def _clean(block: str) -> str:
    return unicodedata.normalize("NFC", _SPACES.sub(" ", block).strip())


def paragraph_separator(text: str) -> re.Pattern:
    """How ``text`` (newlines normalised) separates paragraphs: by blank lines when it is
    hard-wrapped prose (blank lines at least every ``MAX_WRAPPED_LINES`` lines on average),
    otherwise one paragraph per line. A stray blank line in a one-paragraph-per-line file (a
    chat log, a list of notes) thus does not merge everything around it into two paragraphs."""
    blanks = len(_BLANK_LINE.findall(text))
    if not blanks:
        return _LINE
    lines = sum(1 for line in text.split("\n") if line.strip())
    return _BLANK_LINE if blanks * MAX_WRAPPED_LINES >= lines else _LINE


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text (``paragraph_separator``). Whitespace collapsed, Unicode NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p for p in map(_clean, paragraph_separator(text).split(text)) if p]


def file_paragraphs(path: Path, encoding: str = "utf-8-sig", block_size: int = BLOCK) -> Iterator[str]:
    """``split_paragraphs`` of a file, streamed ``block_size`` bytes at a time. The paragraph
    style (``paragraph_separator``) is decided on the first ``BLOCK`` characters, which are the
    whole file for most files."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    separator: re.Pattern | None = None
    carry = ""
    with open(path, "rb") as fh:
        while True:
            raw = fh.read(block_size)
            text = carry + decoder.decode(raw, final=not raw)
            tail = "\r" if raw and text.endswith("\r") else ""  # "\r\n" may straddle two blocks
            text = text[: len(text) - len(tail)].replace("\r\n", "\n").replace("\r", "\n")
            if separator is None:
                if raw and len(text) < BLOCK:
                    carry = text + tail
                    continue
                separator = paragraph_separator(text)
            pieces = separator.split(text)
            carry = (pieces.pop() + tail) if raw else ""
            for piece in pieces:
                para = _clean(piece)
                if para:
                    yield para
            if not raw:
                return


def read_corpus(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Corpus:
    """Check every text file under ``paths``; binary, non-UTF-8 and unreadable files are skipped
    with a warning. The paragraphs are read later, streamed (``Corpus.paragraphs``).

    Raises InputError when a path does not exist or nothing readable remains.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    corpus = Corpus()
    for path in expand_paths(paths, corpus.skipped):
        checked = check_file(path)
        if isinstance(checked, str):
            corpus.skipped.append(f"{path}: {checked}")
        elif checked.has_text:
            corpus.files.append(checked)
    if not corpus.files:
        detail = f" (skipped: {'; '.join(corpus.skipped[:3])})" if corpus.skipped else ""
        raise InputError(f"no readable text in the files given{detail}")
    for skipped in corpus.skipped:  # only now: an error above already names what was skipped
        warnings.warn(f"skipped {skipped}", CorpusWarning, stacklevel=2)
    return corpus
