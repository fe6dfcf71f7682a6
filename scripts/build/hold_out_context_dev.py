#!/usr/bin/env python3
"""Drop from corpus/fortunes.txt every paragraph that holds a sentence of the dev context set.

    python scripts/build/hold_out_context_dev.py [--dry-run]

``data/typos/context-fortunes-dev.tsv`` was cut from the same fortune files as the corpus, so a
model trained on the whole corpus has seen most of its sentences and scores them optimistically.
A sentence there is lower-cased letters and apostrophes only (digits dropped), so paragraphs are
compared in that form. Idempotent: a second run finds nothing to drop.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_WORD = re.compile(r"[a-z']+")


def plain(text: str) -> str:
    """``text`` as the dev sentences are written, padded with a space on each side."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "fortunes.txt")
    ap.add_argument("--sentences", type=Path, default=ROOT / "data" / "typos" / "context-fortunes-dev.tsv")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    dev = [plain(line.split("\t")[0]) for line in args.sentences.read_text("utf-8").splitlines() if line]
    paragraphs = args.corpus.read_text("utf-8").splitlines()
    drop = {i for i, para in enumerate(paragraphs) if any(s in plain(para) for s in dev)}
    words = sum(len(paragraphs[i].split()) for i in drop)
    print(f"{args.corpus}: {len(drop)} of {len(paragraphs)} paragraphs ({words} words) hold a dev sentence")
    if drop and not args.dry_run:
        kept = [para for i, para in enumerate(paragraphs) if i not in drop]
        args.corpus.write_text("\n".join(kept) + "\n", "utf-8")
        print(f"wrote {len(kept)} paragraphs")


if __name__ == "__main__":
    main()
