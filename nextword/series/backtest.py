"""Scoring forecasts: MAE, RMSE, MASE, sMAPE, the naive baselines, and a rolling-origin backtest
of a ``Forecaster`` against them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nextword.errors import InputError
from nextword.series.data import Series
from nextword.series.forecaster import Forecaster


# -- metrics and baselines ----------------------------------------------------------------------
def mae(actual: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - pred)))


def rmse(actual: np.ndarray, pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((actual - pred) ** 2)))


def smape(actual: np.ndarray, pred: np.ndarray) -> float:
    """Symmetric MAPE in percent (0..200); pairs where both are 0 count as 0."""
    den = np.abs(actual) + np.abs(pred)
    ratio = np.divide(2 * np.abs(actual - pred), den, out=np.zeros_like(den, dtype=float), where=den > 0)
    return float(100 * ratio.mean())


def mase_scale(train: np.ndarray, lag: int = 1) -> float:
    """In-sample MAE of the seasonal naive forecast with ``lag`` (the MASE denominator)."""
    lag = lag if len(train) > lag else 1
    scale = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    return scale if scale > 0 else 1.0


def mase(actual: np.ndarray, pred: np.ndarray, train: np.ndarray, lag: int = 1) -> float:
    return mae(actual, pred) / mase_scale(train, lag)


def metrics(actual: np.ndarray, pred: np.ndarray, train: np.ndarray, lag: int = 1) -> dict[str, float]:
    """MAE, RMSE, MASE and sMAPE of ``pred`` against ``actual``."""
    return {"MAE": mae(actual, pred), "RMSE": rmse(actual, pred),
            "MASE": mase(actual, pred, train, lag), "sMAPE": smape(actual, pred)}


def naive_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """The last value, repeated: (len(origins), horizon)."""
    return np.repeat(y[origins][:, None], horizon, axis=1)


def seasonal_naive_forecasts(y: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The value one season (or as many as needed) before each target step."""
    if season <= 1:
        return naive_forecasts(y, origins, horizon)
    h = np.arange(1, horizon + 1)
    back = season * (-(-h // season))                       # smallest multiple of season >= h
    return y[np.clip(origins[:, None] + h[None, :] - back[None, :], 0, None)]


# -- backtest -----------------------------------------------------------------------------------
def backtest(forecaster: Forecaster, series: Series, horizon: int, folds: int = 3,
             mase_lag: int = 1, on_progress: Callable[[float], None] | None = None) -> dict:
    """Rolling-origin backtest: fit once on everything before the first fold, then forecast
    ``horizon`` steps from each of ``folds`` consecutive origins (no refit, the history grows).

    Returns {"origins": [...], "scores": {method: {metric: value}}, "season": s} for nextword,
    naive and seasonal naive, each scored over all folds' forecasts together."""
    n = len(series.y)
    held = folds * horizon
    if folds < 1 or n - held < max(24, n // 2):
        raise InputError(f"backtest of {folds} fold(s) x {horizon} steps needs a longer series "
                         f"(at most half of its {n} values can be held out)")
    cut = n - held
    forecaster.fit(series.head(cut), on_progress=on_progress)
    origins = cut - 1 + horizon * np.arange(folds)
    y = series.y
    actual = y[origins[:, None] + np.arange(1, horizon + 1)[None, :]]
    if horizon <= forecaster.horizon_:
        ours = forecaster.forecast_from(series.values, origins)["mean"][:, :horizon]
    else:
        ours = np.stack([forecaster.predict(series.values[:o + 1], horizon) for o in origins])
    season = forecaster.season_
    preds = {"nextword": ours, "naive": naive_forecasts(y, origins, horizon),
             "seasonal naive": seasonal_naive_forecasts(y, origins, horizon, season)}
    train = y[:cut]
    scores = {name: metrics(actual.ravel(), p.ravel(), train, mase_lag) for name, p in preds.items()}
    return {"origins": origins.tolist(), "scores": scores, "season": season, "horizon": horizon,
            "mase_lag": mase_lag}
