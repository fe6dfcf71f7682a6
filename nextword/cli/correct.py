"""``nextword correct``: ranked candidates for one word, or autocorrect a text or a whole file.

    nextword correct WORD [--context TEXT] [-k N] [--json]
    nextword correct "some text"                # several words: the text autocorrected
    nextword correct --file F [--in-place]      # corrected text to stdout, or back into F
                                                # (the original kept as F.bak)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from nextword.cli.common import add_model_option, at_least, load_model
from nextword.errors import InputError
from nextword.files import atomic_write_text

MAX_FILE_BYTES = 50_000_000  # autocorrect works in memory; refuse anything absurd


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``correct`` sub-command to the ``nextword`` argument parser."""
    p = subparsers.add_parser("correct", help="print correction candidates, or correct a file",
                              description=__doc__.splitlines()[0])
    p.add_argument("word", nargs="?",
                   help="the typed word to correct (several words: the text is autocorrected)")
    p.add_argument("--context", default="", metavar="TEXT", help="the text typed before WORD")
    p.add_argument("-k", type=at_least(1), default=3, help="how many candidates to print (default 3)")
    p.add_argument("--json", action="store_true", help="print the candidates as JSON")
    p.add_argument("--file", metavar="F", help="autocorrect the text file F")
    p.add_argument("--in-place", action="store_true",
                   help="with --file: write the result back to F, keeping F.bak")
    add_model_option(p)
    return p


def check_args(args: argparse.Namespace) -> None:
    """Reject contradictory or missing arguments with one clear message."""
    if args.file is None and args.word is None:
        raise InputError("give a WORD to correct or --file F")
    if args.file is not None and args.word is not None:
        raise InputError("give either a WORD or --file F, not both")
    if args.context and args.word is not None and is_text(args.word):
        raise InputError("--context goes with one WORD: give the whole text to correct instead")
    if args.in_place and args.file is None:
        raise InputError("--in-place needs --file F")
    if args.word is not None and looks_like_path(args.word) and Path(args.word).is_file():
        # a path is no typed word: what was meant is surely the file
        raise InputError(f"{args.word} is a file: autocorrect it with --file {args.word}")


def is_text(word: str) -> bool:
    """Several words given as WORD: a text to autocorrect, not one word to rank candidates for."""
    return len(word.split()) > 1


def looks_like_path(word: str) -> bool:
    """A folder separator or a file name's suffix (``notes.txt``), not a word's full stop."""
    return "/" in word or "\\" in word or bool(Path(word).suffix.strip("."))


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``, or an ``InputError`` saying why it cannot be corrected."""
    if not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file" if path.exists() else None
        raise InputError(f"{path} is {what}: give a text file" if what else f"no such file: {path}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path} looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None


def run(args: argparse.Namespace) -> int:
    """Carry out ``nextword correct``; returns the exit code."""
    check_args(args)
    model = load_model(args)
    if args.file is None and is_text(args.word):
        fixed = model.autocorrect(args.word)
        print(json.dumps({"text": fixed}) if args.json else fixed)
        return 0
    if args.file is None:
        out = model.correct(args.word, args.context, args.k)
        if args.json:
            print(json.dumps([{"word": s.word, "score": s.score, "kind": s.kind} for s in out]))
        else:
            for s in out:
                print(f"{s.word}\t{s.score:.2f}")
        return 0
    path = Path(args.file)
    text = read_text(path)
    fixed = model.autocorrect(text)
    if args.in_place:
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        atomic_write_text(path, fixed, mode=path.stat().st_mode & 0o777)
        return 0
    sys.stdout.write(fixed)
    sys.stdout.flush()
    return 0
