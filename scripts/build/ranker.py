"""Fit the weights of ``correct()``'s ranker (``nextword.correct.ranking.RankWeights``) and
print them with their cross-validated accuracy.

    python scripts/build/ranker.py [--pairs 1500,1000] [--l2 1e-3]

Only the four fifths of the Birkbeck and codespell dev pairs the error model learns from are
read (``datasets.dev_fold(held_out=False)``); the held-out fifth and Norvig's sets never are.
Those pairs are split into quarters by intended word; for each quarter an error model is
rebuilt from the other three (as ``scripts/build/error_model.py`` builds the shipped one), and
the quarter's pairs (a sample of ``--pairs`` per file) are scored with it: the readings
``correct`` ranks (``hypotheses`` with ``rank_pool``) and their ``rank_features``. The weights
are a conditional logit (softmax over each pair's readings) fitted by L-BFGS; the accuracy
printed is that of weights fitted on three quarters and tested on the fourth, against the
order of the channel score alone. Paste the weights into ``RankWeights``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import torch

from nextword.correct import Corrector
from nextword.correct.candidates import osa_distance
from nextword.correct.datasets import DEV_PAIR_FILES, dev_fold
from nextword.correct.errormodel import ErrorModel, count_edits, learn
from nextword.correct.evaluate import read_pairs
from nextword.correct.phonetic import sound_keys
from nextword.correct.ranking import RankWeights, rank_features, readings_of
from nextword.correct.substrings import count_rules

ROOT = Path(__file__).resolve().parents[2]
FEATURES = [f.name for f in fields(RankWeights)]


def quarter(intended: str) -> int:
    """The inner quarter of a training pair, by intended word."""
    return int(hashlib.sha1(("cv" + intended).encode("utf-8")).hexdigest(), 16) % 4


def error_model(pairs: list[tuple[str, str]]) -> ErrorModel:
    """The spelling channel learned from ``pairs`` with ``scripts/build/error_model.py``'s
    defaults (tables, and substring rules seen in 10 pairs within 4 edits, 1 nat better)."""
    params = learn(count_edits(pairs))
    single = ErrorModel(params)
    near = [p for p in pairs if osa_distance(*p, limit=4) <= 4]
    params["rules"] = [(a, b, lp) for a, b, lp in count_rules(near, 10) if lp > single.logp(b, a) + 1.0]
    return ErrorModel(params)


def examples(corrector: Corrector, pairs: list[tuple[str, str]]) -> list[tuple[np.ndarray, int, np.ndarray]]:
    """For each pair: its readings' features, the index of the intended one (-1: not among
    them), and their channel scores (the order before the ranker)."""
    scorer, pool = corrector.scorer, corrector.params.rank_pool
    out = []
    for typed, intended in pairs:
        hyps, _ = scorer.hypotheses(typed, "", need=pool, sounds=True)
        fixes = [(w, s) for w, s, kind in hyps if kind != "typed"]
        if not fixes:
            out.append((np.zeros((0, len(FEATURES))), -1, np.zeros(0)))
            continue
        words = [w for w, _ in fixes]
        readings = readings_of(scorer, words, None, corrector.params.oov_offset)
        keys = sound_keys([typed, *(w.replace(" ", "") for w in words)])
        share = 1.0 / (1.0 + corrector.params.unigram_weight)
        x = np.array([[rank_features(typed, r, corrector.errors, share, keys[0], k)[f] for f in FEATURES]
                      for r, k in zip(readings, keys[1:], strict=True)])
        out.append((x, words.index(intended) if intended in words else -1, np.array([s for _, s in fixes])))
    return out


def fit(data: list[tuple[np.ndarray, int, np.ndarray]], l2: float) -> np.ndarray:
    """Conditional-logit weights over the pairs whose intended word is among several readings."""
    usable = [(x, y) for x, y, _ in data if y >= 0 and len(x) > 1]
    width = max(len(x) for x, _ in usable)
    xs = torch.zeros((len(usable), width, len(FEATURES)), dtype=torch.float64)
    mask = torch.zeros((len(usable), width), dtype=torch.bool)
    for n, (x, _) in enumerate(usable):
        xs[n, :len(x)] = torch.from_numpy(x)
        mask[n, :len(x)] = True
    ys = torch.tensor([y for _, y in usable])
    w = torch.zeros(len(FEATURES), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=300, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy((xs @ w).masked_fill(~mask, -1e9), ys) + l2 * (w @ w)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy()


def top1(data: list[tuple[np.ndarray, int, np.ndarray]], w: np.ndarray | None) -> float:
    """Share of pairs whose intended word the weights (None: the channel score) rank first."""
    hits = sum(y >= 0 and int(np.argmax(s if w is None else x @ w)) == y for x, y, s in data)
    return hits / max(len(data), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="typing model directory (default: bundled)")
    ap.add_argument("--pairs", default="1500,1000", help="pairs sampled per quarter of each dev file")
    ap.add_argument("--l2", type=float, default=1e-3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    import nextword

    model = nextword.load(args.model)
    files = {name: dev_fold(read_pairs(ROOT / "data" / "typos" / name), held_out=False) for name in DEV_PAIR_FILES}
    sizes = dict(zip(DEV_PAIR_FILES, map(int, args.pairs.split(",")), strict=True))
    data: dict[tuple[int, str], list] = {}
    for k in range(4):
        rest = [p for pairs in files.values() for p in pairs if quarter(p[1]) != k]
        corrector = Corrector(model, error_model=error_model(rest))
        for name, pairs in files.items():
            mine = [p for p in pairs if quarter(p[1]) == k]
            data[k, name] = examples(corrector, random.Random(k).sample(mine, min(sizes[name], len(mine))))
            print(f"quarter {k} {name}: {len(data[k, name])} pairs", file=sys.stderr, flush=True)
    for name in DEV_PAIR_FILES:
        before, after = [], []
        for k in range(4):
            w = fit([e for (j, _), d in data.items() if j != k for e in d], args.l2)
            before.append(top1(data[k, name], None))
            after.append(top1(data[k, name], w))
        print(f"{name}: cross-validated top-1 {np.mean(before):.1%} -> {np.mean(after):.1%}")
    w = fit([e for d in data.values() for e in d], args.l2)
    print("RankWeights(" + ", ".join(f"{f}={v:.3f}" for f, v in zip(FEATURES, w, strict=True)) + ")")


if __name__ == "__main__":
    main()
