"""The order ``correct`` offers a misspelling's readings in: a small log-linear ranker.

The noisy-channel score that decides what autocorrect replaces weighs the prior and the
channel as the replacement rule was fitted to weigh them, on keyboard slips in sentences.
Real misspellings (``definately``, ``recieve``, a child's ``bisskets``) are further off, and
which of their readings was meant shows in features that score leaves out: whether a reading
sounds like the typed word (``phonetic``), whether it starts with the same letter, the
substring rules' channel beside the single edits', how many edits apart the two are, and
whether the reading is a word outside the vocabulary (the word list's, or one the training
text showed but no list vouches for).

``rank_features`` computes them for one reading; ``RankWeights`` holds their weights, fitted
as a conditional logit (softmax over each misspelling's readings, L2 1e-3) on the four fifths
of the Birkbeck and codespell dev pairs the error model learns from, with the features of each
pair computed under an error model rebuilt without that pair's quarter of those four fifths
(by intended word), so the channel was never learned from the spelling it scores. Inner
4-fold cross-validation of the weights on the same features (the readings of ``correct`` with
``rank_pool`` 5): Birkbeck top-1 49.7 -> 52.9 %, codespell 82.7 -> 86.9 % (refitted when the
rarer real words became readings; the first fit, without them: 49.5 -> 52.9 % and 80.0 -> 83.8 %).
Ranking 8 readings (53.2 %) or 30 (no better) is not worth the time they take.
Neither the held-out fifth nor Norvig's sets were looked at. ``scripts/build/ranker.py``
reproduces the fit (the weights below, to the last decimal).

Only the order of the corrections changes: where the typed word stands (``WordCorrector``'s
rule) and what autocorrect replaces do not.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from nextword.correct.candidates import is_single_edit, osa_distance
from nextword.correct.errormodel import ErrorModel
from nextword.correct.phonetic import sound_keys

FAR = 8  # edit distances are counted up to this


@dataclass(frozen=True)
class RankWeights:
    """Weights of ``rank_features`` (fitted, see the module docstring)."""

    lm: float = 0.670  # log P(reading): the unigram, moved by the context where there is one
    channel: float = 0.508  # log P(typed | reading) with the substring rules
    plain_channel: float = 0.181  # ... and by single edits alone
    edits: float = 0.489  # edit distance (the channel already charges each edit)
    sounds_alike: float = 1.194  # the same phonetic key
    outside_vocab: float = -0.532  # a word outside the vocabulary
    unlisted: float = -1.157  # ... that no word list vouches for (seen in training only)
    split: float = -1.578  # two words run together
    first_letter: float = -0.822  # the reading starts with another letter


@dataclass(frozen=True)
class Reading:
    """What the features of one reading need: its log-probability by unigram and in context
    (the same without context), whether it is a vocabulary word or listed as a real word."""

    word: str
    log_unigram: float
    log_context: float
    in_vocab: bool
    listed: bool


def rank_features(typed: str, reading: Reading, errors: ErrorModel, context_share: float,
                  typed_key: str, key: str) -> dict[str, float]:
    """The features ``RankWeights`` weighs for reading ``typed`` as ``reading`` (``typed_key``
    and ``key``: their phonetic keys). ``context_share``: how much of the context's shift
    from the unigram counts (the autocorrect score's share of it, 1 / (1 + unigram weight))."""
    lm = reading.log_unigram + context_share * (reading.log_context - reading.log_unigram)
    if " " in reading.word:  # a split: no alignment (the split cost says it all)
        return {"lm": lm, "channel": 0.0, "plain_channel": 0.0, "edits": 1.0, "sounds_alike": 0.0,
                "outside_vocab": 0.0, "unlisted": 0.0, "split": 1.0, "first_letter": 0.0}
    word = reading.word
    return {"lm": lm, "channel": errors.logp(typed, word), "plain_channel": errors.plain.logp(typed, word),
            "edits": 1.0 if is_single_edit(typed, word) else float(osa_distance(typed, word, FAR)), "sounds_alike": float(key == typed_key),
            "outside_vocab": float(not reading.in_vocab),
            "unlisted": float(not reading.in_vocab and not reading.listed), "split": 0.0,
            "first_letter": float(word[:1] != typed[:1])}


def rank_scores(typed: str, readings: list[Reading], errors: ErrorModel, context_share: float,
                weights: RankWeights) -> list[float]:
    """The ranker's score of each reading of ``typed`` (higher first; a log-linear model, so
    their log-softmax is each reading's probability among them)."""
    keys = sound_keys([typed, *(r.word.replace(" ", "") for r in readings)])
    names = [f.name for f in fields(RankWeights)]
    out = []
    for reading, key in zip(readings, keys[1:], strict=True):
        feats = rank_features(typed, reading, errors, context_share, keys[0], key)
        out.append(sum(getattr(weights, n) * feats[n] for n in names))
    return out


def readings_of(scorer, words: list[str], prior, user_offset: float) -> list[Reading]:
    """``words`` as ``Reading``s for ``scorer`` (a ``HypothesisScorer``), with ``prior`` the
    log P(next word | context) over the vocabulary (None without context; looked up once for
    all): vocabulary words, two run together, words of the lexicon (the word list's, its rare
    words' or the training text's: their share of the unknown words), or the user's own (``user_offset``
    over an unknown word)."""
    ids, log_unigram, unk = scorer.tok.ids, scorer.log_unigram, scorer.tok.unk_id
    firsts = [ids.get(w.split(" ", 1)[0], unk) for w in words]
    context = np.asarray(prior[np.array([*firsts, unk])], dtype=np.float64) if prior is not None else None
    shift = 0.0 if context is None else float(context[-1]) - float(scorer.free_prior[unk])
    out = []
    for n, (word, wid) in enumerate(zip(words, firsts, strict=True)):
        if " " in word or word in ids:
            uni = float(log_unigram[wid])
            rest = float(log_unigram[ids[word.split(" ", 1)[1]]]) if " " in word else 0.0
            ctx = uni if context is None else float(context[n])
            out.append(Reading(word, uni + rest, ctx + rest, True, True))
            continue
        if word in scorer.lexicon or word in scorer.search.rare:  # (a rare word: no list vouches)
            uni, listed = scorer.lexicon_unigram(word), word in scorer.search.listed
        else:
            uni, listed = float(scorer.free_prior[unk]) + user_offset, True
        out.append(Reading(word, uni, uni + shift, False, listed))
    return out
