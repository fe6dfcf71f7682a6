"""Metrics, naive baselines and the rolling-origin backtest."""

from __future__ import annotations

import numpy as np
import pytest

from nextword.errors import InputError
from nextword.series.backtest import (
    backtest,
    mase,
    metrics,
    naive_forecasts,
    seasonal_naive_forecasts,
    smape,
)
from nextword.series.data import make_series
from nextword.series.forecaster import Forecaster

TINY = {"hidden_size": 8, "ensemble": 1, "epochs": 3, "patience": 2}


def noisy_seasonal(n: int = 300, season: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 1000 + 0.3 * t + 25 * np.sin(2 * np.pi * t / season) + rng.normal(0, 3, n)


def test_forecaster_beats_naive_on_a_seasonal_series():
    series = make_series(noisy_seasonal())
    report = backtest(Forecaster(season=12, horizon=12, **TINY), series, 12, folds=3)
    s = report["scores"]
    assert s["nextword"]["MASE"] < s["naive"]["MASE"]
    assert s["nextword"]["MASE"] < s["seasonal naive"]["MASE"]


def test_metrics_match_hand_computed_values():
    actual, pred, train = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 2.0]), np.array([0.0, 2.0, 4.0])
    assert mase(actual, pred, train, 1) == pytest.approx(1.0 / 2.0)
    assert smape(np.array([0.0]), np.array([0.0])) == 0.0
    assert smape(np.array([1.0]), np.array([3.0])) == pytest.approx(100.0)
    m = metrics(actual, pred, train)
    assert m["MAE"] == pytest.approx(1.0) and m["RMSE"] == pytest.approx(np.sqrt(5 / 3))


def test_baselines_repeat_the_last_value_and_the_last_season():
    y = np.arange(30.0)
    np.testing.assert_array_equal(naive_forecasts(y, np.array([9]), 3), [[9, 9, 9]])
    np.testing.assert_array_equal(seasonal_naive_forecasts(y, np.array([9]), 5, 4), [[6, 7, 8, 9, 6]])


def test_backtest_reports_origins_and_all_methods():
    report = backtest(Forecaster(season=12, horizon=6, **TINY), make_series(noisy_seasonal()), 6, folds=2)
    assert report["origins"] == [287, 293]
    assert set(report["scores"]) == {"nextword", "naive", "seasonal naive"}
    assert set(report["scores"]["naive"]) == {"MAE", "RMSE", "MASE", "sMAPE"}


def test_backtest_refuses_to_hold_out_more_than_half():
    with pytest.raises(InputError, match="longer series"):
        backtest(Forecaster(season=12, horizon=12, **TINY), make_series(noisy_seasonal(100)), 12, folds=5)
