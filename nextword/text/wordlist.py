"""A general English word list: the words a typist may use that the model's 30,000-word
vocabulary and its training text never showed (``minuscule``, ``addressable``, ``desiccate``).

It is Debian's ``wamerican`` + ``wbritish`` (SCOWL size 50, American and British spellings;
provenance and licence in ``resources/english_words.COPYRIGHT``, built by
``scripts/build/word_list.py``), shipped gzipped in the package (about 65,000 words, 170 kB).
Autocorrect counts these words as real (it keeps them, and offers them as corrections); the
user's dictionary and learned words still come first (``nextword.correct``).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

RESOURCE = "resources/english_words.txt.gz"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The shipped word list: lower-case words, a few with an inner apostrophe (``can't``)."""
    data = resources.files("nextword").joinpath(RESOURCE).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())
