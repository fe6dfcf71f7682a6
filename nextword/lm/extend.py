"""Growing a trained word model's vocabulary: which of a corpus's words to add, and the rows the
model gets for them.

New words are appended after the base vocabulary (every old id keeps its meaning, so the base
weights and the base n-gram's ids still line up) and land in the last, rarest bucket of the
adaptive input/output (``AdaptiveIO``). Their rows are not random: each starts as the base
model's ``<unk>`` vector (how it saw every rare word, these ones included), averaged with the
mean vector of base words sharing the word's longest ending (``-ing``, ``-tion``: the part of
speech), and with the bias of a typical rare word; fine-tuning then moves them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import torch

from nextword.lm.model import LanguageModel
from nextword.text.tokenizer import SPECIALS, WordTokenizer

MIN_SUFFIX, MAX_SUFFIX = 3, 6  # the endings compared
NEIGHBOURS = 20                # base words (the most frequent with that ending) averaged
MIN_NEIGHBOURS = 3             # fewer than this: the ending says too little ("than" for "han")


def select_new_words(counts: Counter, tok: WordTokenizer, min_count: int, cap: int) -> list[str]:
    """Tokens of ``counts`` outside ``tok``'s vocabulary seen at least ``min_count`` times, the
    most frequent first (ties alphabetically, so the choice is reproducible), at most ``cap``."""
    fresh = [(-n, w) for w, n in counts.items() if n >= min_count and w not in tok.ids and w not in SPECIALS]
    return [w for _, w in sorted(fresh)[:max(0, cap)]]


def with_config(lm: LanguageModel, **changes) -> LanguageModel:
    """A copy of ``lm`` whose config has ``changes`` that leave the weights' shapes alone
    (dropout)."""
    copy = LanguageModel(replace(lm.config, **changes))
    copy.load_state_dict(lm.state_dict())
    return copy


def effective_rows(lm: LanguageModel, ids: np.ndarray) -> torch.Tensor:
    """The ``dim``-wide vectors of vocabulary ``ids`` as the model reads and scores them (a rare
    bucket's narrow row times its projection)."""
    with torch.no_grad():
        return lm.io.embed(torch.as_tensor(ids, dtype=torch.long)).float()


def _suffix_index(words: list[str], usable: np.ndarray) -> dict[str, list[int]]:
    """Ending -> ids of the words with it (most frequent first: ids follow frequency)."""
    index: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        if usable[i]:
            for n in range(MIN_SUFFIX, min(MAX_SUFFIX, len(word) - 2) + 1):
                ids = index.setdefault(word[-n:], [])
                if len(ids) < NEIGHBOURS:
                    ids.append(i)
    return index


def initial_vectors(lm: LanguageModel, base: WordTokenizer, words: list[str]) -> torch.Tensor:
    """A ``dim``-wide starting vector for each new word: the base's ``<unk>`` vector, averaged
    with the mean vector of base words sharing the word's longest ending when there are enough
    of them."""
    unk = effective_rows(lm, np.array([base.unk_id]))[0]
    index = _suffix_index(base.words, base.word_mask)
    out = unk.repeat(len(words), 1)
    for j, word in enumerate(words):
        for n in range(min(MAX_SUFFIX, len(word) - 1), MIN_SUFFIX - 1, -1):
            ids = index.get(word[-n:], [])
            if len(ids) >= MIN_NEIGHBOURS:
                out[j] = 0.5 * (unk + effective_rows(lm, np.array(ids)).mean(0))
                break
    return out


def extend_lm(lm: LanguageModel, base: WordTokenizer, tok: WordTokenizer) -> LanguageModel:
    """A copy of ``lm`` (a word model over ``base``'s vocabulary) over ``tok``'s, which is
    ``base``'s with new words appended (``WordTokenizer.extended``). Old weights are copied
    unchanged; the new words join the last bucket with rows from ``initial_vectors`` (mapped
    into that bucket's narrower space by least squares) and a typical rare word's bias."""
    if tok.words[: base.vocab_size] != base.words or lm.config.vocab_size != base.vocab_size:
        raise ValueError("the extended vocabulary must start with the base vocabulary")
    bounds = lm.io.bounds
    grown = LanguageModel(replace(lm.config, vocab_size=tok.vocab_size, cutoffs=list(bounds[1:-1])))
    state = lm.state_dict()
    new = tok.words[base.vocab_size:]
    if new:
        last = len(lm.io.tables) - 1
        vectors = initial_vectors(lm, base, new)
        with torch.no_grad():
            if last:  # r @ P ~ vector, P the bucket's projection (narrow -> dim)
                proj = lm.io.projs[last - 1].float()
                vectors = vectors @ torch.linalg.pinv(proj)
            table = state[f"io.tables.{last}"]
            bias = state["io.bias"]
            typical = bias[bounds[last]:].median()
            state[f"io.tables.{last}"] = torch.cat([table, vectors.to(table.dtype)])
            state["io.bias"] = torch.cat([bias, typical.repeat(len(new)).to(bias.dtype)])
    grown.load_state_dict(state)
    return grown
