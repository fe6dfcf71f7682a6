"""A general English word list: the words a typist may use that the model's 30,000-word
vocabulary and its training text never showed (``minuscule``, ``addressable``, ``desiccate``).

It is Debian's ``wamerican`` + ``wbritish`` (SCOWL size 50, American and British spellings;
provenance and licence in ``resources/english_words.COPYRIGHT``, built by
``scripts/build/word_list.py``), shipped gzipped in the package (about 65,000 words, 170 kB).
Autocorrect counts these words as real (it keeps them, and offers them as corrections); the
user's dictionary and learned words still come first (``nextword.correct``).

``rare_english_words`` are the words SCOWL size 70 adds (``wamerican-large`` + ``wbritish-large``,
about 53,000: ``transportability``, ``diagrammatically``, but also ``hist`` and ``mote``). Size 50
is the size SCOWL recommends for spell checking because these would hide real typos, so they
never make a typed string count as real; ``correct()`` may offer them as corrections.

``word_zipf`` is how common each of those words (and the vocabulary's) is in English at large:
its Zipf frequency (log10 of its count per billion words) from the ``wordfreq`` package (data CC
BY-SA 4.0, notice in ``resources/word_frequencies.COPYRIGHT``, built by
``scripts/build/word_frequencies.py``; 87,000 words, 400 kB). ``correct()``'s ranker weighs it
beside the training text's unigram, which knows old books and manuals better than everyday
writing.
"""

from __future__ import annotations

import gzip
import math
from functools import lru_cache
from importlib import resources

from nextword.text.words import prefix_span

RESOURCE = "resources/english_words.txt.gz"
RARE_RESOURCE = "resources/english_words_rare.txt.gz"
ZIPF_RESOURCE = "resources/word_frequencies.txt.gz"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The shipped word list: lower-case words, a few with an inner apostrophe (``can't``)."""
    return _read(RESOURCE)


@lru_cache(maxsize=1)
def rare_english_words() -> frozenset[str]:
    """The rarer words of the larger list that ``english_words`` lacks (lower-case)."""
    return _read(RARE_RESOURCE)


@lru_cache(maxsize=1)
def word_zipf() -> dict[str, float]:
    """Lower-case word -> its Zipf frequency in general English (``wordfreq``); a word it
    lacks is missing (rarer than about once in a billion words)."""
    data = resources.files("nextword").joinpath(ZIPF_RESOURCE).read_bytes()
    pairs = (line.split("\t") for line in gzip.decompress(data).decode("utf-8").splitlines())
    return {word: float(zipf) for word, zipf in pairs}


@lru_cache(maxsize=1)
def _sorted_words() -> list[str]:
    return sorted(english_words())


def listed_completions(prefix: str, n: int) -> list[tuple[str, float]]:
    """Up to ``n`` words of ``english_words`` that start with the lower-case ``prefix`` (and
    are longer), the most common in general English first, each with the log of its general
    frequency (``word_zipf``)."""
    words = _sorted_words()
    lo, hi = prefix_span(words, prefix)
    zipf = word_zipf()
    found = sorted((w for w in words[lo:hi] if w != prefix), key=lambda w: -zipf.get(w, 0.0))
    return [(w, (zipf.get(w, 0.0) - 9.0) * math.log(10.0)) for w in found[:n]]


def _read(resource: str) -> frozenset[str]:
    data = resources.files("nextword").joinpath(resource).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())
