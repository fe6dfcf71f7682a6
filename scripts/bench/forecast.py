"""Benchmark nextword's Forecaster against naive, seasonal naive, AutoETS and AutoARIMA.

For every series in data/series (settings from its SOURCES.md): fit on the first 80 % in time
order, then score on the last 20 % with the fitted model (no refit), as
statsforecast's ``cross_validation(refit=False)`` does:

* one-step: a forecast of the next value from every origin in the test period;
* multi-step: a forecast of the next H values from every origin whose H targets are observed.

MASE divides by the in-sample MAE of the seasonal naive forecast with the M4 lag. The summary is
the geometric mean over the series. statsforecast is optional (``pip install statsforecast``);
without it, or with ``--no-stats``, only nextword and the naive baselines run.

    OMP_NUM_THREADS=1 python scripts/bench/forecast.py [--series NAME ...] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from nextword.series.backtest import mase, naive_forecasts, seasonal_naive_forecasts
from nextword.series.data import read_csv
from nextword.series.forecaster import Forecaster

ROOT = Path(__file__).resolve().parents[2]

# file -> (target, seasonal-naive lag, MASE lag, multi-step horizon), from SOURCES.md
SETTINGS: dict[str, tuple[str, int, int, int]] = {
    "melbourne_daily_min_temp": ("min_temp_c", 365, 1, 30),
    "seattle_weather_daily": ("temp_max", 365, 1, 30),
    "goog_daily_ohlcv": ("close", 1, 1, 30),
    "airline_passengers_monthly": ("passengers_thousands", 12, 12, 12),
    "mauna_loa_co2_weekly": ("co2_ppm", 52, 1, 52),
    "sunspots_yearly": ("sunspot_activity", 11, 1, 11),
    "us_macro_quarterly": ("realgdp", 4, 4, 4),
}
METHODS = ["nextword", "naive", "seasonal naive", "AutoETS", "AutoARIMA"]


def origins_for(n: int, n_train: int, horizon: int) -> np.ndarray:
    """Indices of the last observed value of every forecast whose targets are all observed."""
    return np.arange(n_train - 1, n - horizon)


def score(y: np.ndarray, pred: np.ndarray, origins: np.ndarray, n_train: int, lag: int) -> float:
    actual = y[origins[:, None] + np.arange(1, pred.shape[1] + 1)[None, :]]
    return mase(actual.ravel(), pred.ravel(), y[:n_train], lag)


def run_nextword(values: np.ndarray, target: int, season: int, horizon: int, n_train: int,
                 options: dict, one_model: bool = False
                 ) -> tuple[np.ndarray, np.ndarray, float, dict[str, np.ndarray]]:
    """(one-step forecasts (N1, 1), multi-step forecasts (NH, H), seconds to fit and forecast,
    the multi-step interval bounds).

    Two models (horizon 1 and horizon H) unless ``one_model``: then the first step of the
    horizon-H model is the one-step forecast."""
    start = time.monotonic()
    n = len(values)
    multi = Forecaster(season=season, horizon=horizon, **options).fit(values[:n_train], target)
    multi_out = multi.forecast_from(values, origins_for(n, n_train, horizon), levels=(0.8, 0.95))
    fc_h = multi_out["mean"]
    one = multi if one_model else \
        Forecaster(season=season, horizon=1, **options).fit(values[:n_train], target)
    fc_1 = one.forecast_from(values, origins_for(n, n_train, 1))["mean"][:, :1]
    return fc_1, fc_h, time.monotonic() - start, multi_out


def run_stats(y: np.ndarray, season: int, horizon: int, n_train: int) -> dict:
    """AutoETS and AutoARIMA through statsforecast's refit-free cross-validation."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS

    n = len(y)
    frame = pd.DataFrame({"unique_id": 0, "ds": np.arange(n), "y": y})
    out = {}
    # ETS and ARIMA seasonality beyond 24 steps is not supported (or impractically slow)
    s = season if season <= 24 else 1
    for name, model in (("AutoETS", AutoETS(season_length=s)), ("AutoARIMA", AutoARIMA(season_length=s))):
        start = time.monotonic()
        sf = StatsForecast(models=[model], freq=1)
        preds = []
        for h in (1, horizon):
            cv = sf.cross_validation(df=frame, h=h, step_size=1, n_windows=n - n_train - h + 1,
                                     refit=False)
            preds.append(cv[name].to_numpy().reshape(-1, h))
        out[name] = (preds[0], preds[1], time.monotonic() - start)
    return out


def bench(names: list[str], data_dir: Path, options: dict, stats: bool, one_model: bool = False) -> dict:
    results = {}
    for name in names:
        target, season, lag, horizon = SETTINGS[name]
        series = read_csv(data_dir / f"{name}.csv", target)
        y, n = series.y, len(series.y)
        n_train = int(0.8 * n)
        o1, oh = origins_for(n, n_train, 1), origins_for(n, n_train, horizon)
        row: dict[str, tuple[float, float, float]] = {}
        fc_1, fc_h, secs, bounds = run_nextword(series.values, series.target, season, horizon, n_train,
                                          options, one_model)
        row["nextword"] = (score(y, fc_1, o1, n_train, lag), score(y, fc_h, oh, n_train, lag), secs)
        actual = y[oh[:, None] + np.arange(1, horizon + 1)[None, :]]
        row["coverage"] = tuple(float(np.mean((bounds[f"lower_{lv}"] <= actual) & (actual <= bounds[f"upper_{lv}"])))
                                for lv in (0.8, 0.95)) + (0.0,)
        row["naive"] = (score(y, naive_forecasts(y, o1, 1), o1, n_train, lag),
                        score(y, naive_forecasts(y, oh, horizon), oh, n_train, lag), 0.0)
        row["seasonal naive"] = (
            score(y, seasonal_naive_forecasts(y, o1, 1, season), o1, n_train, lag),
            score(y, seasonal_naive_forecasts(y, oh, horizon, season), oh, n_train, lag), 0.0)
        if stats:
            for method, (p1, ph, secs) in run_stats(y, season, horizon, n_train).items():
                row[method] = (score(y, p1, o1, n_train, lag), score(y, ph, oh, n_train, lag), secs)
        results[name] = row
        print(f"{name:28s} " + "  ".join(f"{m} {v[0]:.3f}/{v[1]:.3f} ({v[2]:.1f}s)"
                                        for m, v in row.items() if m != "coverage"), flush=True)
    return results


def table(results: dict) -> str:
    """Markdown table: one-step / multi-step MASE per method, nextword's seconds and interval
    coverage, geometric means."""
    methods = [m for m in METHODS if all(m in r for r in results.values())]
    lines = ["| series | " + " | ".join(methods) + " | nextword s | 80% / 95% coverage |",
             "|---|" + "---|" * (len(methods) + 2)]
    for name, row in results.items():
        cells = [f"{row[m][0]:.3f} / {row[m][1]:.3f}" for m in methods]
        cov = row["coverage"]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {row['nextword'][2]:.1f} | "
                     f"{100 * cov[0]:.0f}% / {100 * cov[1]:.0f}% |")
    geo = []
    for m in methods:
        g = [math.exp(np.mean([math.log(r[m][i]) for r in results.values()])) for i in (0, 1)]
        geo.append(f"**{g[0]:.3f} / {g[1]:.3f}**")
    lines.append("| geometric mean | " + " | ".join(geo) + " | | |")
    return "\n".join(lines)


def direct_vs_recursive(names: list[str], data_dir: Path, options: dict, every: int = 5) -> None:
    """Multi-step MASE of the direct horizon-H model against the horizon-1 model rolled forward
    on its own predictions, on every ``every``-th test origin (recursion is one call per step)."""
    print("| series | direct | recursive |\n|---|---|---|")
    for name in names:
        target, season, lag, horizon = SETTINGS[name]
        series = read_csv(data_dir / f"{name}.csv", target)
        y, n = series.y, len(series.y)
        n_train = int(0.8 * n)
        origins = origins_for(n, n_train, horizon)[::every]
        train = series.values[:n_train]
        direct = Forecaster(season=season, horizon=horizon, **options).fit(train, series.target)
        step = Forecaster(season=season, horizon=1, **options).fit(train, series.target)
        pred_d = direct.forecast_from(series.values, origins)["mean"]
        pred_r = np.stack([step.predict(series.values[:o + 1], horizon) for o in origins])
        print(f"| {name} | {score(y, pred_d, origins, n_train, lag):.3f} | "
              f"{score(y, pred_r, origins, n_train, lag):.3f} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "series")
    parser.add_argument("--series", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--options", default="{}", help="JSON of Forecaster options")
    parser.add_argument("--no-stats", action="store_true", help="skip AutoETS/AutoARIMA")
    parser.add_argument("--one-model", action="store_true",
                        help="one-step forecasts from the multi-step model (no horizon-1 model)")
    parser.add_argument("--recursive", action="store_true",
                        help="instead: compare direct and recursive multi-step forecasts")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    if args.recursive:
        direct_vs_recursive(args.series, args.data, json.loads(args.options))
        return 0
    stats = not args.no_stats
    if stats:
        try:
            import statsforecast  # noqa: F401
        except ImportError:
            print("statsforecast not installed: AutoETS/AutoARIMA skipped", file=sys.stderr)
            stats = False
    results = bench(args.series, args.data, json.loads(args.options), stats, args.one_model)
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
