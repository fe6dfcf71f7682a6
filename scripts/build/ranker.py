"""Fit ``correct()``'s ranker (``nextword.correct.ranking.Ranker``), print its cross-validated
accuracy and write it to ``nextword/resources/ranker.json``.

    python scripts/build/ranker.py [--pairs 3000,2000] [--l2 1e-3] [--units 4] [--out FILE]

Only the four fifths of the Birkbeck and codespell dev pairs the error model learns from are
read (``datasets.dev_fold(held_out=False)``); the held-out fifth and Norvig's sets never are.
Those pairs are split into quarters by intended word; for each quarter an error model is
rebuilt from the other three (as ``scripts/build/error_model.py`` builds the shipped one), and
the quarter's pairs (a sample of ``--pairs`` per file) are scored with it: the readings
``correct`` ranks (``hypotheses`` with ``rank_pool``) and their ``rank_features``. The ranker
(standardised features, a linear term and ``--units`` tanh units) is fitted as a conditional
model (softmax over each pair's readings) by L-BFGS from a fixed seed; the accuracy printed is
that of a ranker fitted on three quarters and tested on the fourth, against the order of the
channel score alone, and with ``--units 0`` (a log-linear ranker) beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np
import torch

from nextword.correct import Corrector
from nextword.correct.candidates import osa_distance
from nextword.correct.datasets import DEV_PAIR_FILES, dev_fold
from nextword.correct.errormodel import ErrorModel, count_edits, learn
from nextword.correct.evaluate import read_pairs
from nextword.correct.ranking import Ranker, feature_rows, readings_of
from nextword.correct.substrings import count_rules

ROOT = Path(__file__).resolve().parents[2]
Example = tuple[np.ndarray, int, np.ndarray]  # readings' features, the intended one's index, channel scores


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


def examples(corrector: Corrector, pairs: list[tuple[str, str]]) -> list[Example]:
    """For each pair: its readings' features, the index of the intended one (-1: not among
    them), and their channel scores (the order before the ranker)."""
    scorer, pool = corrector.scorer, corrector.params.rank_pool
    share = 1.0 / (1.0 + corrector.params.unigram_weight)
    out = []
    for typed, intended in pairs:
        hyps, _ = scorer.hypotheses(typed, "", need=pool, sounds=True)
        fixes = [(w, s) for w, s, kind in hyps if kind != "typed"]
        words = [w for w, _ in fixes]
        readings = readings_of(scorer, words, None, corrector.params.oov_offset)
        out.append((feature_rows(typed, readings, corrector.errors, share),
                    words.index(intended) if intended in words else -1, np.array([s for _, s in fixes])))
    return out


def fit(data: list[Example], l2: float, units: int, seed: int = 0) -> Ranker:
    """The ranker fitted on the pairs whose intended word is among several readings."""
    usable = [(x, y) for x, y, _ in data if y >= 0 and len(x) > 1]
    width, dim = max(len(x) for x, _ in usable), usable[0][0].shape[1]
    xs = torch.zeros((len(usable), width, dim), dtype=torch.float64)
    mask = torch.zeros((len(usable), width), dtype=torch.bool)
    for n, (x, _) in enumerate(usable):
        xs[n, :len(x)] = torch.from_numpy(x)
        mask[n, :len(x)] = True
    ys = torch.tensor([y for _, y in usable])
    mean, scale = xs[mask].mean(0), xs[mask].std(0) + 1e-6
    zs = (xs - mean) / scale
    torch.manual_seed(seed)
    hidden = torch.nn.Linear(dim, max(units, 1)).double()  # (unused with no units)
    out = torch.nn.Linear(units, 1, bias=False).double()
    linear = torch.zeros(dim, dtype=torch.float64, requires_grad=True)
    params = [linear, *hidden.parameters(), *out.parameters()] if units else [linear]
    opt = torch.optim.LBFGS(params, max_iter=500, line_search_fn="strong_wolfe")

    def score(z: torch.Tensor) -> torch.Tensor:
        s = z @ linear
        return s + out(torch.tanh(hidden(z))).squeeze(-1) if units else s

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(score(zs).masked_fill(~mask, -1e9), ys)
        loss = loss + l2 * sum((p ** 2).sum() for p in params)
        loss.backward()
        return loss

    opt.step(closure)

    def t(v: torch.Tensor) -> np.ndarray:
        return v.detach().numpy().astype(np.float64)

    if not units:  # a log-linear ranker: the tanh layer's weights are zero
        return Ranker(t(mean), t(scale), t(linear), np.zeros((1, dim)), np.zeros(1), np.zeros(1))
    return Ranker(t(mean), t(scale), t(linear), t(hidden.weight), t(hidden.bias), t(out.weight[0]))


def top1(data: list[Example], ranker: Ranker | None) -> float:
    """Share of pairs whose intended word the ranker (None: the channel score) ranks first."""
    hits = sum(y >= 0 and int(np.argmax(s if ranker is None else ranker.score(x))) == y for x, y, s in data)
    return hits / max(len(data), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="typing model directory (default: bundled)")
    ap.add_argument("--pairs", default="3000,2000", help="pairs sampled per quarter of each dev file")
    ap.add_argument("--l2", type=float, default=1e-3)
    ap.add_argument("--units", type=int, default=4, help="tanh units beside the linear term")
    ap.add_argument("--out", default=str(ROOT / "nextword" / "resources" / "ranker.json"))
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
    # one ranker per held-back quarter (fitted on both files' other three quarters) and size
    folds = {(units, k): fit([e for (j, _), d in data.items() if j != k for e in d], args.l2, units)
             for units in sorted({0, args.units}) for k in range(4)}
    for name in DEV_PAIR_FILES:
        rows = {units: np.mean([top1(data[k, name], folds[units, k]) for k in range(4)])
                for units in sorted({0, args.units})}
        channel = np.mean([top1(data[k, name], None) for k in range(4)])
        print(f"{name}: cross-validated top-1 {channel:.1%} (channel) -> "
              + ", ".join(f"{v:.1%} ({u} units)" for u, v in rows.items()))
    ranker = fit([e for d in data.values() for e in d], args.l2, args.units)
    Path(args.out).write_text(json.dumps(ranker.to_dict()) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
