"""Build the English word list autocorrect ships (``nextword/resources/english_words.txt.gz``)
from Debian's ``wamerican`` and ``wbritish`` word lists, and copy their licence notice next to it.

    apt-get download wamerican wbritish
    dpkg-deb -x wamerican_*.deb dicts && dpkg-deb -x wbritish_*.deb dicts
    python scripts/build/word_list.py --dicts dicts/usr/share/dict/american-english \
        dicts/usr/share/dict/british-english --copyright dicts/usr/share/doc/wamerican/copyright

Both packages (version 2020.12.07-2) are SCOWL size 50, the size Kevin Atkinson's SCOWL
recommends for spell checking: larger sizes add rare words (``hist``, ``mote``) that would hide
real typos. American and British spellings are both kept (a typist may use either). Kept:
lower-case entries of letters with at most one inner apostrophe (``can't``, ``o'clock``), except
the possessives ``-'s`` (autocorrect reads those as a clitic on a known word); dropped: names
(capitalised entries) and words with accents.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "nextword" / "resources" / "english_words.txt.gz"
_KEEP = re.compile(r"[a-z]+(?:'[a-z]+)?")


def read_words(paths: list[Path]) -> list[str]:
    """The sorted distinct entries of the word-list files that a typist would type as a word."""
    words = set()
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            word = line.strip()
            if _KEEP.fullmatch(word) and not word.endswith("'s"):
                words.add(word)
    return sorted(words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dicts", type=Path, nargs="+", required=True, help="word-list files, one word a line")
    ap.add_argument("--copyright", type=Path, required=True, help="the packages' copyright file")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words = read_words(args.dicts)
    # mtime=0: the same input gives byte-identical output
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(words) + "\n").encode("utf-8"))
    shutil.copyfile(args.copyright, args.out.with_name("english_words.COPYRIGHT"))
    print(f"{len(words)} words -> {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
