"""Real words the vocabulary left out: every plain word of the training text outside the
vocabulary, with its count (``lexicon.json`` in a model directory).

A 30,000-word vocabulary covers ~98 % of running text; the rest is names, technical terms and
archaic spellings that the training text nonetheless shows are real words. Autocorrect keeps
such a word unless a correction is clearly likelier (``nextword.correct``), instead of judging
it by its spelling alone. Counts below the vocabulary's own cut-off are small (mostly 1 or 2),
so the file is a few hundred kilobytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from nextword.text.tokenizer import WordTokenizer
from nextword.text.words import is_plain_word, split_words


def count_unknown_words(paragraphs: Iterable[str], tok: WordTokenizer) -> dict[str, int]:
    """Lower-cased plain words (letters, inner apostrophes) of ``paragraphs`` that are not in
    ``tok``'s vocabulary, with how often each occurs."""
    counts: Counter = Counter()
    for para in paragraphs:
        counts.update(w for w in map(str.lower, split_words(para)) if w not in tok.ids and is_plain_word(w))
    return dict(sorted(counts.items()))
