"""``nextword forecast CSV --target COL --horizon N``: backtest, fit, forecast, chart, CSV.

The main CLI adds the sub-command with ``add_parser(subparsers)`` and calls ``run(args)``;
bad input raises ``InputError`` (the main CLI prints one line on stderr, exit code 2).
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from nextword.cli.common import at_least
from nextword.core.checkpoint import check_model_out
from nextword.errors import InputError
from nextword.files import atomic_write_text
from nextword.progress import progress_bar
from nextword.series import chart
from nextword.series.backtest import backtest
from nextword.series.data import Series, read_csv
from nextword.series.dates import format_date, future_dates, mase_lag
from nextword.series.forecaster import Forecaster, ForecastOptions, default_horizon
from nextword.series.season import infer_season

DEFAULTS = ForecastOptions()  # the forecaster's defaults, shown by the flags that mirror them


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``forecast`` sub-command to an argparse subparsers object."""
    p = subparsers.add_parser(
        "forecast", help="forecast a numeric column of a CSV",
        description="Fit the LSTM forecaster on a CSV (a date column + numeric columns), backtest "
                    "it against naive baselines and forecast the next steps with intervals.")
    p.add_argument("csv", type=Path, help="CSV with a date/time column and numeric columns")
    p.add_argument("--target", default="0", help="column to forecast: name or index among the "
                   "numeric columns (default: the first); the others are covariates")
    p.add_argument("--horizon", type=at_least(1), default=DEFAULTS.horizon,
                   help="steps to forecast (default: from the frequency)")
    p.add_argument("--season", type=at_least(1), default=DEFAULTS.season,
                   help="seasonal period in steps (default: inferred; 1 = none)")
    p.add_argument("--backtest", type=at_least(0), default=3, metavar="K",
                   help="rolling-origin folds of HORIZON steps to score (0 = skip; default 3)")
    p.add_argument("--out", type=Path, help="write the forecast with interval columns to this CSV")
    p.add_argument("--plot", type=Path, help="draw the chart into this PNG")
    p.add_argument("--save", type=Path, help="write the fitted model directory here")
    p.add_argument("--ensemble", type=at_least(1), default=DEFAULTS.ensemble,
                   help=f"networks averaged (default {DEFAULTS.ensemble})")
    p.add_argument("--seed", type=int, default=DEFAULTS.seed)
    p.add_argument("--no-chart", action="store_true", help="do not draw the terminal chart")
    p.set_defaults(func=run)
    return p


def _fit_with_bar(progress: Progress, label: str, fit: Callable[[Callable[[float], None]], object]):
    task = progress.add_task(label, total=1.0)
    result = fit(lambda frac: progress.update(task, completed=frac))
    progress.update(task, completed=1.0, visible=False)
    return result


def _check_args(args: argparse.Namespace) -> None:
    for path in (args.out, args.plot):
        if path is not None and not path.parent.exists():
            raise InputError(f"folder does not exist: {path.parent}")
    if args.save is not None:
        check_model_out(args.save)  # before fitting, not after


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    """Run the command; returns the exit code (raises ``InputError`` for bad input)."""
    _check_args(args)
    out = console or Console()
    err = Console(stderr=True)
    series = read_csv(args.csv, args.target)
    for warning in series.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    options = {"season": args.season, "horizon": args.horizon, "ensemble": args.ensemble,
               "seed": args.seed}
    model = Forecaster(**options)
    report = None
    with progress_bar(err, transient=True) as progress:
        if args.backtest:
            probe = Forecaster(**options)
            horizon = args.horizon or _default_horizon(probe, series)
            report = _fit_with_bar(progress, f"backtest ({args.backtest} folds)", lambda cb: backtest(
                probe, series, horizon, args.backtest, mase_lag(series.freq), cb))
        _fit_with_bar(progress, "fitting", lambda cb: model.fit(series, on_progress=cb))
    fc = model.forecast()
    dates = _future_labels(series, len(fc["mean"]))
    out.print(_describe(model, series))
    out.print(_forecast_table(series, fc, dates))
    if report is not None:
        out.print(_backtest_table(report))
    if not args.no_chart:
        out.print(chart.text_chart(series.y, fc["mean"], fc["lower_0.95"], fc["upper_0.95"],
                                   width=min(100, max(40, out.width - 12))))
    if args.out:
        atomic_write_text(args.out, forecast_csv(series.target_name, dates, fc))
        out.print(f"forecast written to {args.out}")
    if args.plot:
        start = format_date(series.dates[-len(_history_for_plot(series, fc))], series.freq) \
            if series.dates else ""
        chart.write_png(args.plot, _history_for_plot(series, fc), fc, labels=(start, dates[-1] if series.dates else ""))
        out.print(f"chart written to {args.plot}")
    if args.save:
        model.save(args.save)
        out.print(f"model written to {args.save}")
    return 0


def _default_horizon(model: Forecaster, series: Series) -> int:
    season = model.options.season or infer_season(series.y, series.freq)
    return default_horizon(season, series.freq)


def _history_for_plot(series: Series, fc: dict[str, np.ndarray]) -> np.ndarray:
    """The last few horizons of history (enough to see the season), at most 400 steps."""
    return series.y[-min(len(series.y), max(4 * len(fc["mean"]), 120), 400):]


def _future_labels(series: Series, n: int) -> list[str]:
    if series.dates:
        future = future_dates(series.dates[-1], series.freq, n)
        if future is not None:
            return [format_date(d, series.freq) for d in future]
    return [f"+{i}" for i in range(1, n + 1)]


def _describe(model: Forecaster, series: Series) -> str:
    cov = "with covariates" if model.use_covariates_ else "target only"
    return (f"[bold]{series.target_name}[/]: {len(series.y)} steps, frequency {series.freq or 'unknown'}, "
            f"season {model.season_}, window {model.window_}, horizon {model.horizon_}, "
            f"{'log scale, ' if model.scaler_.log_target else ''}{cov}, "
            f"{len(model.models_)} networks (LSTM lowers validation MAE by "
            f"{100 * float(np.mean(model.lstm_gain_)):.1f}% over the linear part), "
            f"fit {model.fit_seconds_:.1f} s")


def _forecast_table(series: Series, fc: dict[str, np.ndarray], dates: list[str]) -> Table:
    table = Table(title=f"forecast of {series.target_name}")
    for name in ("step", "forecast", "80% low", "80% high", "95% low", "95% high"):
        table.add_column(name, justify="right")
    for i, label in enumerate(dates):
        table.add_row(label, *(f"{fc[k][i]:.4g}" for k in
                               ("mean", "lower_0.8", "upper_0.8", "lower_0.95", "upper_0.95")))
    return table


def _backtest_table(report: dict) -> Table:
    table = Table(title=f"backtest: {len(report['origins'])} x {report['horizon']} steps",
                  caption=f"rolling origin, no refit; MASE lag {report['mase_lag']}; lower is better")
    table.add_column("method")
    for metric in ("MAE", "RMSE", "MASE", "sMAPE"):
        table.add_column(metric, justify="right")
    scores = report["scores"]
    best = {m: min(s[m] for s in scores.values()) for m in ("MAE", "RMSE", "MASE", "sMAPE")}
    for method, s in scores.items():
        label = method if method != "seasonal naive" else f"seasonal naive (lag {report['season']})"
        table.add_row(label, *(f"[bold]{s[m]:.4g}[/]" if s[m] == best[m] else f"{s[m]:.4g}"
                               for m in ("MAE", "RMSE", "MASE", "sMAPE")))
    return table


def forecast_csv(target: str, dates: list[str], fc: dict[str, np.ndarray]) -> str:
    """CSV text: date, forecast and the 80 % / 95 % interval bounds."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["date", target, "lower_80", "upper_80", "lower_95", "upper_95"])
    for i, label in enumerate(dates):
        writer.writerow([label, *(f"{fc[k][i]:.6g}" for k in
                                  ("mean", "lower_0.8", "upper_0.8", "lower_0.95", "upper_0.95"))])
    return buf.getvalue()
