"""The typo sets in the repository's ``data/typos/`` (provenance in its README.md and SOURCES.md),
by role, and how the in-context sets are made from clean text.

Tuning sets (anything fitted or calibrated may look at them):

* ``DEV_PAIR_FILES``: the error model is learned from these (``scripts/build/error_model.py``),
  all but the fifth of their pairs ``held_out_pair`` keeps out (by intended word), on which
  the benchmark reports them; ``scripts/bench/correct.py --calibrate`` samples them;
* ``DEV_SENTENCE_FILES``: ``--calibrate`` grid-searches on them and
  ``scripts/build/replace_rule.py`` checks its fit on them (it fits on other held-out sentences).

Reported sets (the figures ``scripts/bench/correct.py`` prints; nothing is tuned on the test sets):

* ``TEST_PAIR_FILES`` and ``TEST_SENTENCE_FILES``: test data only;
* ``REPORTED_PAIR_FILES`` / ``REPORTED_SENTENCE_FILES``: the test sets, the dev pairs and
  ``context-fortunes-dev.tsv`` (fair for the bundled model: its sentences were dropped from the
  corpus), in the order the benchmark prints them.

``sentences`` and ``noisy`` make the in-context sets (``scripts/build/context_typos.py``) and the
replacement rule's calibration sentences (``scripts/build/replace_rule.py``) the same way.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

from nextword.correct.errormodel import NEIGHBOURS
from nextword.text.tokenizer import is_word
from nextword.text.words import split_words

TEST_PAIR_FILES = ("norvig-testset1.tsv",)
DEV_PAIR_FILES = ("birkbeck-dev.tsv", "codespell-dev.tsv")
TEST_SENTENCE_FILES = ("context-heldout.tsv", "context-heldout-fortunes.tsv")
DEV_SENTENCE_FILES = ("context-heldout-dev.tsv", "context-heldout-fortunes-dev.tsv")
REPORTED_PAIR_FILES = TEST_PAIR_FILES + DEV_PAIR_FILES
REPORTED_SENTENCE_FILES = TEST_SENTENCE_FILES + ("context-fortunes-dev.tsv",)

HELD_OUT_SHARE = 5  # one dev pair in this many (by intended word) is never learned from


def held_out_pair(intended: str) -> bool:
    """Whether a dev pair for ``intended`` is in the fifth the error model is not learned from
    (split by intended word, so no spelling of a reported word was seen): the benchmark's
    figures on the dev pair files are measured on this fifth."""
    return int(hashlib.sha1(intended.encode("utf-8")).hexdigest(), 16) % HELD_OUT_SHARE == 0


def dev_fold(pairs: list[tuple[str, str]], held_out: bool) -> list[tuple[str, str]]:
    """Of dev ``(typed, intended)`` pairs, the fifth the error model never learns from
    (``held_out``: what the benchmark reports) or the rest (what it learns and calibrates on)."""
    return [p for p in pairs if held_out_pair(p[1]) == held_out]


_TOKEN = re.compile(r"[a-z0-9']+")
_LETTERS = re.compile(r"[a-z]{3,}")


def sentences(paths: list[Path]) -> list[list[str]]:
    """Sentences of 6-30 plain lower-case tokens from one-paragraph-per-line text files."""
    out = []
    for path in paths:
        for para in path.read_text("utf-8").splitlines():
            for sent in re.split(r"(?<=[.!?])\s+", para):
                toks = [t.lower() for t in split_words(sent) if is_word(t)]
                if 6 <= len(toks) <= 30 and all(_TOKEN.fullmatch(t) for t in toks):
                    out.append(toks)
    return out


def inject(word: str, rng: random.Random) -> str:
    """``word`` with one random keyboard slip (never the word itself)."""
    for _ in range(20):
        i = rng.randrange(len(word))
        kind = rng.choice(("sub", "del", "ins", "trans"))
        c = word[i]
        if kind == "sub" and NEIGHBOURS.get(c):
            typo = word[:i] + rng.choice(sorted(NEIGHBOURS[c])) + word[i + 1:]
        elif kind == "del":
            typo = word[:i] + word[i + 1:]
        elif kind == "ins":
            extra = rng.choice(sorted(NEIGHBOURS.get(c, set())) + [c, c])  # doubled key half the time
            typo = word[:i + 1] + extra + word[i + 1:]
        elif kind == "trans" and i + 1 < len(word):
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            continue
        if typo != word:
            return typo
    return word


def noisy(tokens: list[str], rng: random.Random, p: float = 0.15) -> list[str]:
    """``tokens`` with a slip (``inject``) in each word of >= 3 letters with probability ``p``."""
    return [inject(t, rng) if _LETTERS.fullmatch(t) and rng.random() < p else t for t in tokens]
