"""Fitting autocorrect's replacement rule to sentences with typos.

Autocorrect replaces a typed word when its best correction out-scores keeping it by a margin
(``WordCorrector.choose``). Both sides are sums of parts the corrector computes anyway, so the
rule is linear in them::

    replace  iff  [log P(best | before) + uw * log unigram(best) + cw * log P(typed | best)
                   + ec * edits + rw * log P(after | best)] - [keep + rw * log P(after | typed)]
                  >= sum_j margin_j * term_j(typed)          (``HypothesisScorer.margin_terms``)

``record`` collects the close calls autocorrect faces on (clean, noisy) sentences, each with
those parts and a label (replace when the best correction is the intended word, keep when the
typed word is); ``fit`` is a logistic regression on them, whose weights divided by the
context score's are the ``CorrectorParams`` fields. Refitting moves which correction ranks
best, so record and fit are repeated a few times (``scripts/build/replace_rule.py``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from nextword.correct.candidates import is_single_edit
from nextword.correct.corrector import Corrector
from nextword.correct.decision import WordCorrector

# parts of a correction's score, and the parameter each one's fitted weight becomes
PARTS = {"follow": "right_weight", "channel": "channel_weight", "edits": "edit_cost",
         "unigram": "unigram_weight", "split": "split_cost"}
TERMS = ("base", "letters", "short", "vocab", "known", "unigram", "regular", "lexicon",
         "lexicon_count", "spelling")

Example = tuple[dict[str, float], int]


def record(corrector: Corrector, data: Sequence[tuple[list[str], list[str]]]) -> list[Example]:
    """(features, label) of each close call ``corrector`` decides autocorrecting the noisy
    sentences of ``data`` (``(clean, noisy)`` token lists) whose typed word or best
    correction is the intended word (when neither is, the rule cannot matter). The language
    model is asked on every call (``context_range`` inf) and more readings are kept."""
    p = corrector.params
    calls: list = []

    class Recorder(WordCorrector):
        def choose(self, typed, hyps, margin, follow=None):
            calls.append((typed, hyps, follow))
            return super().choose(typed, hyps, margin, follow)

    class Recording(Corrector):
        word_corrector = Recorder

    asking = dataclasses.replace(p, context_range=math.inf, right_reach=max(p.right_reach, 6.0))
    recorder = Recording(corrector.model, corrector.errors, asking, corrector.typing_errors)
    out = []
    for clean, noisy in data:
        calls.clear()
        recorder.correct_tokens(list(noisy))
        j = 0
        for typed, hyps, follow in calls:
            low = typed.lower()
            while j < len(noisy) and noisy[j] != low:
                j += 1
            if j == len(noisy):
                break  # a word inside a token (it's): not aligned with the clean tokens
            want, j = clean[j], j + 1
            example = _example(corrector, low, want, hyps, follow)
            if example is not None:
                out.append(example)
    return out


def _example(corrector: Corrector, low: str, want: str, hyps, follow) -> Example | None:
    """One close call's features and label, or None when neither choice is right."""
    p = corrector.params
    fol = [0.0] * len(hyps) if follow is None else follow.tolist()
    total = [s + p.right_weight * f for (_, s, _), f in zip(hyps, fol, strict=True)]
    keep = next(i for i, h in enumerate(hyps) if h[2] == "typed")
    fixes = [i for i, h in enumerate(hyps) if h[2] != "typed"]
    if not fixes:
        return None
    best = max(fixes, key=total.__getitem__)
    word = hyps[best][0]
    if want not in (low, word):
        return None
    x = dict.fromkeys(PARTS, 0.0)
    if " " in word:
        x["split"] = 1.0
        context = hyps[best][1] - p.split_cost
    else:
        edits = 1.0 if is_single_edit(low, word) else 2.0
        wid = corrector.tok.ids.get(word, -1)
        scorer = corrector.scorer
        uni = float(scorer.log_unigram[wid]) if wid >= 0 else scorer.lexicon_unigram(word)
        channel = corrector.typing_errors.logp(low, word)
        x |= {"channel": channel, "edits": edits, "unigram": uni}
        context = hyps[best][1] - p.channel_weight * channel - p.edit_cost * edits - p.unigram_weight * uni
    x["context"] = context - hyps[keep][1]  # log P(best | before) - keep: the unit weight
    x["follow"] = fol[best] - fol[keep]
    terms = corrector.margin_terms(corrector.scorer.search.candidates(low), low)
    x |= {"m_" + t: terms.get(t, 0.0) for t in TERMS}
    return x, int(want == word)


def fit(examples: Sequence[Example], l2: float = 1.0, threshold: float = 0.0) -> dict[str, float]:
    """L2-regularised logistic regression of replace (1) / keep (0) on the features, as
    ``CorrectorParams`` fields: each weight over the context score's, so scores stay in nats.
    ``threshold``: the log-odds a replacement must reach (higher: fewer words broken)."""
    names = ["context", *PARTS, *("m_" + t for t in TERMS if t != "base")]
    x = np.array([[e[n] for n in names] for e, _ in examples], dtype=np.float64)
    x = np.clip(np.nan_to_num(x, posinf=50.0, neginf=-50.0), -50.0, 50.0)  # -inf channel: 2+ edits
    y = np.array([label for _, label in examples], dtype=np.float64)
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[np.ones(len(x)), (x - mu) / sd]
    w = np.zeros(z.shape[1])
    reg = l2 * np.r_[0.0, np.ones(len(names))]
    for _ in range(100):  # Newton's method
        prob = 1.0 / (1.0 + np.exp(-z @ w))
        step = np.linalg.solve((z.T * (prob * (1 - prob))) @ z + np.diag(reg), z.T @ (prob - y) + reg * w)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    raw = w[1:] / sd
    unit = raw[0]
    if unit <= 0:
        raise ValueError("the context score does not favour replacing: too few or one-sided examples")
    out = {PARTS[n]: float(v / unit) for n, v in zip(names[1:], raw[1:], strict=True) if n in PARTS}
    out |= {"margin_" + n[2:]: float(-v / unit) for n, v in zip(names, raw, strict=True) if n.startswith("m_")}
    out["margin_base"] = float(-(w[0] - float((mu / sd) @ w[1:]) - threshold) / unit)
    return out
