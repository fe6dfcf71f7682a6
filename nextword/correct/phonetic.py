"""Sounds-like candidates: real words spelled the way a misspelling sounds, however many edits
apart (``fisiks`` -> ``physics``), as Aspell's "sounds-like" suggestions are.

``sound_keys`` maps words to a phonetic key in the spirit of Metaphone (Lawrence Philips,
1990): the consonant skeleton after English spelling rules (``ph`` is ``f``, a ``c`` before
``e``/``i``/``y`` is ``s``, ``tion`` is ``xn``, silent ``k``/``w``/``gh``), doubled letters
collapsed, and vowels dropped except a first one. Misspellings that keep the sound keep the key:
``definately``, ``definitely`` -> ``tfntl``; ``recieve``, ``receive`` -> ``rsf``. It is a
compact re-implementation (no third-party code), applied as a few regular expressions over all
the words at once, so indexing 95,000 words takes a fraction of a second.

``SoundIndex`` holds the vocabulary's and the word list's words by key (and by key less one
letter, so keys one edit apart meet, as in a symmetric-delete index); the candidate search asks
it only for what the delete index cannot reach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# applied in order to lower-case words, one per line (``^``/``$`` are a word's ends)
_RULES = [(re.compile(pattern, re.M), repl) for pattern, repl in (
    (r"[^a-z\n]", ""),  # apostrophes, hyphens
    (r"^(?:kn|gn|pn|wr|ps)", lambda m: m.group()[1]),  # silent first letter
    (r"^x", "s"),
    (r"^wh", "w"),
    (r"mb$", "m"),
    (r"(.)\1+", r"\1"),  # doubled letters sound as one
    (r"sch", "sk"),
    (r"tch|ch|sh|ti(?=[ao])|ci(?=[ao])", "X"),  # the sh sound (capital: not the x of "ks")
    (r"ph", "f"),
    (r"gh(?![aeiouy])|gh$", ""),  # light, though
    (r"th", "0"),
    (r"dg(?=[eiy])|g(?=[eiy])", "j"),
    (r"c(?=[eiy])|z", "s"),
    (r"ck|c|q", "k"),
    (r"x", "ks"),
    (r"v", "f"),
    (r"d", "t"),  # -ed endings and voicing: ``t``/``d`` are often confused in spelling
    (r"(?<=[aeiouy])[hwy]|[hw](?![aeiouy])", ""),  # w, h, y that are not consonants
    (r"^[aeiouy]", "a"),  # a first vowel is kept as one key letter
    (r"(?<!^)[aeiouy]", ""),
    (r"(.)\1+", r"\1"),
)]


def sound_keys(words: Iterable[str]) -> list[str]:
    """The phonetic key of each lower-case word, in order."""
    words = list(words)
    text = "\n".join(words)
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    keys = text.split("\n")
    return keys if words else []


def sound_key(word: str) -> str:
    """The phonetic key of one lower-case word (``sound_keys``)."""
    return sound_keys([word])[0]


class SoundIndex:
    """Words by phonetic key, and by each key with one letter deleted: a lookup finds the words
    whose key is within one edit of a typed word's (``goverment``'s ``kfrmnt`` reaches
    ``government``'s ``kfrnmnt``)."""

    def __init__(self, words: Iterable[str], min_key: int = 3):
        self.min_key = min_key  # shorter keys match too many words to mean anything
        self.by_key: dict[str, list[str]] = {}  # by key and by key less one letter
        self._exact: dict[str, set[str]] = {}  # by key only
        words = sorted(set(words))
        for word, key in zip(words, sound_keys(words), strict=True):
            if len(key) >= min_key:
                self._exact.setdefault(key, set()).add(word)
                for variant in _key_variants(key, min_key):
                    self.by_key.setdefault(variant, []).append(word)

    def sounds_like(self, word: str) -> dict[str, int]:
        """The indexed words whose key is within one edit of ``word``'s (``word`` left out),
        each with 0 where the keys are equal and 1 otherwise."""
        key = sound_key(word)
        if len(key) < self.min_key:
            return {}
        out: dict[str, int] = {}
        for variant in _key_variants(key, self.min_key):
            for found in self.by_key.get(variant, ()):
                out[found] = 0 if found in self._exact.get(key, ()) else 1
        out.pop(word, None)
        return out


def _key_variants(key: str, min_key: int) -> set[str]:
    """``key`` and, where long enough, each string one letter shorter."""
    if len(key) <= min_key:
        return {key}
    return {key} | {key[:i] + key[i + 1:] for i in range(len(key))}
