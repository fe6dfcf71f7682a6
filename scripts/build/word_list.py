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

The rarer words of SCOWL size 70 (Debian's ``wamerican-large`` and ``wbritish-large``, the same
version) that size 50 lacks go to a second file, ``english_words_rare.txt.gz``: ``correct()``
may offer them as corrections (``transportability``, ``diagrammatically``), but they never make a
typed string count as real, for the reason above:

    apt-get download wamerican-large wbritish-large   # then dpkg-deb -x as above
    python scripts/build/word_list.py --dicts ... --copyright ... \
        --rare-dicts dicts/usr/share/dict/american-english-large dicts/usr/share/dict/british-english-large \
        --rare-copyright dicts/usr/share/doc/wamerican-large/copyright
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "nextword" / "resources" / "english_words.txt.gz"
RARE_NAME = "english_words_rare.txt.gz"
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
    ap.add_argument("--rare-dicts", type=Path, nargs="*", help="the larger lists (SCOWL 70) for the rare words")
    ap.add_argument("--rare-copyright", type=Path, help="the larger lists' copyright file")
    args = ap.parse_args()
    words = read_words(args.dicts)
    write_list(words, args.out, args.copyright)
    if args.rare_dicts:
        common = set(words)
        write_list([w for w in read_words(args.rare_dicts) if w not in common],
                   args.out.with_name(RARE_NAME), args.rare_copyright or args.copyright)


def write_list(words: list[str], out: Path, copyright_file: Path) -> None:
    """``words`` gzipped to ``out`` (byte-identical for the same words), with the copyright file
    beside it (``NAME.COPYRIGHT``)."""
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(("\n".join(words) + "\n").encode("utf-8"))
    shutil.copyfile(copyright_file, out.with_name(out.name.split(".")[0] + ".COPYRIGHT"))
    print(f"{len(words)} words -> {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
