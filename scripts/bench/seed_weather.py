"""The seed's weather example, and the same task done right.

The seed forecast temperatures with MinMax scaling, windows of 5 values, LSTM(50) + Dense(1),
and a *random* train/test split of the windows. Neighbouring windows share 4 of their 5 values,
so a random split puts near-copies of every test window in the training set: the score measures
interpolation, not forecasting. This script runs that recipe (on the shared ``LSTMCore``) with
the random split and with a chronological split, and nextword's ``Forecaster`` on the same
chronological test period, on the seed-style synthetic series and on a real daily temperature
series (Melbourne minimum temperatures, data/series):

    OMP_NUM_THREADS=1 python scripts/bench/seed_weather.py [--epochs 20] [--markdown]

Scores are on the last 20 % (for the random split: a random 20 % of the windows): one step
ahead, and 30 days ahead from every origin (the seed's model rolled forward on its own
predictions, nextword's direct 30-step output). MASE divides by the in-sample MAE of the naive
forecast on the training part.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import torch
from torch import nn

from nextword.core.lstm import LSTMCore
from nextword.series.backtest import mase_scale, rmse
from nextword.series.data import read_csv
from nextword.series.forecaster import Forecaster

ROOT = Path(__file__).resolve().parents[2]

WINDOW = 5


def synthetic_temperatures(days: int = 3 * 365, seed: int = 0) -> np.ndarray:
    """Seed-style data: a yearly cycle around 15 degrees plus day-to-day noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    return 15 + 10 * np.sin(2 * np.pi * t / 365) + rng.normal(0, 2, days)


class SeedModel(nn.Module):
    """LSTM(50) + Dense(1) on windows of 5 scaled values, as in the seed (on ``LSTMCore``)."""

    def __init__(self, hidden: int = 50):
        super().__init__()
        self.core = LSTMCore(1, hidden)
        self.dense = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.core(x)                      # (batch, 5, 50)
        return self.dense(out[:, -1, :])[:, 0]     # (batch,)


def windows(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs (N, 5), targets (N,), index of each target in y)."""
    idx = np.arange(WINDOW, len(y))
    return np.stack([y[i - WINDOW:i] for i in idx]), y[idx], idx


def seed_recipe(y: np.ndarray, split: str, epochs: int, seed: int = 0):
    """Train the seed's model. Returns (test target indices, one-step predictions in original
    units, a function that rolls the model forward recursively from given origins, share of
    test targets that are also inputs of training windows).

    ``split="random"`` copies the seed (MinMax fit on all data, windows shuffled before the
    80/20 cut); ``"chronological"`` fits the scaler on the first 80 % and tests on the rest."""
    x, t, idx = windows(y)
    n_train = int(0.8 * len(t))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(t)) if split == "random" else np.arange(len(t))
    train, test = order[:n_train], order[n_train:]
    fit_on = y if split == "random" else y[: idx[test[0]]]
    lo, hi = fit_on.min(), fit_on.max()
    xs = torch.tensor((x - lo) / (hi - lo), dtype=torch.float32)[..., None]
    ts = torch.tensor((t - lo) / (hi - lo), dtype=torch.float32)
    torch.manual_seed(seed)
    model = SeedModel()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        perm = torch.from_numpy(rng.permutation(train))
        for b in range(0, len(perm), 32):
            batch = perm[b:b + 32]
            loss = nn.functional.mse_loss(model(xs[batch]), ts[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()

    @torch.no_grad()
    def rollout(origins: np.ndarray, horizon: int) -> np.ndarray:
        """Recursive forecasts (len(origins), horizon): each prediction becomes an input."""
        win = torch.tensor((np.stack([y[o - WINDOW + 1:o + 1] for o in origins]) - lo) / (hi - lo),
                           dtype=torch.float32)
        out = []
        for _ in range(horizon):
            nxt = model(win[..., None])
            out.append(nxt)
            win = torch.cat([win[:, 1:], nxt[:, None]], dim=1)
        return torch.stack(out, dim=1).numpy() * (hi - lo) + lo

    trained_inputs = {int(i) - k for i in idx[train] for k in range(1, WINDOW + 1)}
    leak = float(np.mean([int(i) in trained_inputs for i in idx[test]]))
    return idx[test], rollout(idx[test] - 1, 1)[:, 0], rollout, leak


def mase_of(y: np.ndarray, idx: np.ndarray, pred: np.ndarray, n_train: int) -> float:
    return float(np.abs(y[idx] - pred).mean() / mase_scale(y[:n_train], 1))


def evaluate(name: str, y: np.ndarray, season: int, horizon: int, epochs: int) -> list[tuple]:
    """Rows of (series, method, one-step MASE, one-step RMSE, multi-step MASE, leak share)."""
    rows = []
    cut = WINDOW + int(0.8 * (len(y) - WINDOW))     # first chronological test target
    test = np.arange(cut, len(y))
    origins = np.arange(cut - 1, len(y) - horizon)   # multi-step origins in the test period
    steps = origins[:, None] + np.arange(1, horizon + 1)[None, :]
    for split in ("random", "chronological"):
        idx, pred, rollout, leak = seed_recipe(y, split, epochs)
        multi = mase_of(y, steps.ravel(), rollout(origins, horizon).ravel(), cut) \
            if split == "chronological" else float("nan")
        rows.append((name, f"seed LSTM, {split} split", mase_of(y, idx, pred, cut),
                     rmse(y[idx], pred), multi, leak))
    naive_multi = mase_of(y, steps.ravel(), np.repeat(y[origins], horizon), cut)
    rows.append((name, "naive (last value)", mase_of(y, test, y[test - 1], cut),
                 rmse(y[test], y[test - 1]), naive_multi, 0.0))
    one = Forecaster(season=season, horizon=1).fit(y[:cut])
    pred = one.forecast_from(y[:, None], test - 1)["mean"][:, 0]
    multi = Forecaster(season=season, horizon=horizon).fit(y[:cut])
    pred_h = multi.forecast_from(y[:, None], origins)["mean"]
    rows.append((name, "nextword Forecaster", mase_of(y, test, pred, cut), rmse(y[test], pred),
                 mase_of(y, steps.ravel(), pred_h.ravel(), cut), 0.0))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(1)
    real = read_csv(ROOT / "data" / "series" / "melbourne_daily_min_temp.csv", "min_temp_c").y
    rows = evaluate("synthetic (seed-style)", synthetic_temperatures(), 365, 30, args.epochs)
    rows += evaluate("Melbourne daily min temp", real, 365, 30, args.epochs)
    print("| series | method | one-step MASE | one-step RMSE (°C) | 30-day MASE | test targets "
          "that are training inputs |")
    print("|---|---|---|---|---|---|")
    for name, method, m, r, multi, leak in rows:
        multi_s = "n/a" if np.isnan(multi) else f"{multi:.3f}"
        print(f"| {name} | {method} | {m:.3f} | {r:.2f} | {multi_s} | {100 * leak:.0f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
