"""Autocorrect's weights and margins: the numbers every other module of ``nextword.correct``
reads, in one dataclass (``CorrectorParams``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CorrectorParams:
    """Scoring weights and replacement margins (nats). The score weights (``channel_weight``,
    ``edit_cost``, ``unigram_weight``, ``split_cost``, ``right_weight``) and the ``margin_*``
    weights are one logistic regression fitted on held-out sentences with typos
    (``scripts/build/replace_rule.py``, threshold 1.0, under the other defaults here); the rest
    were set on the dev sentences (``scripts/bench/correct.py --calibrate``)."""

    channel_weight: float = 2.0
    edit_cost: float = -3.97  # per edit: a prior against correcting at all
    unigram_weight: float = 0.919  # a correction's score gains this times its log unigram
    oov_offset: float = 7.0  # added to log P(<unk>) + char log P for a word kept out of vocabulary
    oov_short: int = 5  # unknown words shorter than this ...
    oov_short_cost: float = 2.0  # ... cost this much per missing letter
    split_cost: float = -32.1  # a run-together pair (one space missed)
    # the margin (nats) the best correction must beat keeping the typed word by: a linear
    # function of what the typed word is (fitted by scripts/build/replace_rule.py)
    margin_base: float = -28.8  # for any word ...
    margin_vocab: float = 13.4  # ... plus this for a vocabulary word
    margin_known: float = 0.714  # ... plus this for one used at least known_count times
    known_count: float = 100.0
    margin_unigram: float = 0.00393  # ... plus this times a vocabulary word's log unigram
    margin_regular: float = 8.48  # ... or for an unknown word formed from known ones (promis'd)
    margin_lexicon: float = 1.06  # ... or for a word outside the vocabulary seen in training
    margin_lexicon_count: float = 2.57  # ... plus this times log(1 + times it was seen)
    margin_spelling: float = -1.51  # ... or for any unknown word, this times its char log P per letter
    margin_letters: float = 0.792  # ... plus this per letter typed
    margin_short: float = 2.12  # ... plus this per letter short of oov_short
    regular_cost: float = -3.0  # a regular form scores as its known word plus this
    margin_name: float = 4.0  # extra margin for an unknown Capitalised word inside a sentence
    lexicon_offset: float = 0.0  # added to log P(<unk>) + log P(word | unknown) for such a word
    lexicon_min_count: int = 1  # such words as corrections: seen at least this often
    context_range: float = 3.5  # decide without the language model when the unigram clears the
    # margin by this much either way (nats; inf: always ask the model) ...
    known_context_range: float = 8.0  # ... or, for a vocabulary word, by this much: a slip that
    # makes another real word (``he`` for ``the``) is only seen in context (set on the dev sentences)
    right_words: int = 2  # autocorrect: tokens after a close call that its readings must fit
    right_weight: float = 0.722  # weight of log P(those tokens | text before, reading)
    right_reach: float = 3.0  # corrections this far short of the margin may still win on them
    right_readings: int = 3  # corrections weighed against the typed word when the text goes on
    skip_known: float = 10.0  # a known word this much likelier (unigram) than any candidate is kept
    min_split_part: int = 3  # shortest part of a run-together split (besides "a" and "i")
    short_word: int = 3  # words this short only get one-edit candidates
    confusion_logp: float = -2.0  # log P(typed | meant) of a common confusion (then for than):
    # set on the dev sentences with one such word swapped (fixes 77 %, breaks none there; 0 breaks)
    sound_edits: int = 4  # correct(): words that sound like a misspelling, at most this many
    # edits away (or half its letters), ...
    max_sounds: int = 10  # ... the likeliest this many by unigram and edits (and as many words
    # of the word list two edits away)
    max_alike: int = 10  # correct(): words that look like a misspelling (share most of its
    # letter pairs, ``lookalike``) however many edits away, at most this many ...
    alike_dice: float = 0.5  # ... sharing at least this share of letter pairs (Dice)
    rank_pool: int = 5  # correct(): readings of an unknown word searched for (as ``need``,
    # beside ``k``), which the ranker (``ranking``) then orders
    max_two_edit: int = 60  # two-edit candidates aligned per word, likeliest first (bounds latency)
    max_word: int = 30  # longer "words" are left alone (hashes, pasted junk)
