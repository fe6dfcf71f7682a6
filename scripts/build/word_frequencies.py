"""Build the general English word frequencies ``correct()``'s ranker reads
(``nextword/resources/word_frequencies.txt.gz``) from the ``wordfreq`` package, for the words
nextword can offer: the bundled vocabulary's plain words and the English word lists.

    pip install -e .[build]   # wordfreq 3.1.1, at build time only: the package never imports it
    python scripts/build/word_frequencies.py

``wordfreq`` (Robyn Speer; code Apache 2.0, data CC BY-SA 4.0) merges word counts from
Wikipedia, subtitles, news, books, web text, Twitter and Reddit, so a word's frequency there is
how common it is in English at large, not in nextword's training text (old books, a Debian
manual, fortune files): ``painting`` is 50 times as common as ``patting`` there (4 times in
the training text), ``noisy`` 13 times as common as ``nosey`` (less common in the training text). Each line is a word and its Zipf frequency (log10 of its count
per billion words) with two decimals; words ``wordfreq`` does not know are left out. The
licence notice is written next to the file.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "nextword" / "resources" / "word_frequencies.txt.gz"
NOTICE = """word_frequencies.txt.gz: Zipf frequencies of English words from wordfreq {version}
(https://github.com/rspeer/wordfreq, Robyn Speer), made by scripts/build/word_frequencies.py.

wordfreq's data is redistributable under the Creative Commons Attribution-ShareAlike 4.0
license (https://creativecommons.org/licenses/by-sa/4.0/); so is this file, which is derived
from it. wordfreq contains data extracted from Google Books Ngrams, Wikipedia, OpenSubtitles
(via the OPUS project), the Leeds Internet Corpus, SUBTLEX, the NewsCrawl corpus, Twitter and
Reddit; see its README for the full attribution.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory whose vocabulary to cover (default: bundled)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    import wordfreq

    import nextword
    from nextword.text.wordlist import english_words, rare_english_words
    from nextword.text.words import is_plain_word

    tok = nextword.load(args.model).tokenizer
    words = {w for w in tok.words if is_plain_word(w) and w == w.lower()}
    words |= english_words() | rare_english_words()
    freqs = wordfreq.get_frequency_dict("en", wordlist="best")
    lines = [f"{w}\t{wordfreq.zipf_frequency(w, 'en'):.2f}" for w in sorted(words) if w in freqs]
    args.out.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    version = importlib.metadata.version("wordfreq")
    args.out.with_suffix("").with_suffix(".COPYRIGHT").write_text(NOTICE.format(version=version), "utf-8")
    print(f"{len(lines)} of {len(words)} words -> {args.out} ({args.out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
