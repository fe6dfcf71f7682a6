"""Features, scaling and training windows (``nextword.series.windows``)."""

from __future__ import annotations

import numpy as np
import pytest

from nextword.errors import InputError
from nextword.series.windows import Scaler, WindowDataset, split_windows


def seasonal_series(n: int = 300, season: int = 12) -> np.ndarray:
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / season)


def test_features_are_relative_to_the_last_value_and_scaled():
    y = seasonal_series()
    scaler = Scaler.fit(y, np.zeros((len(y), 0)), season=12, log=False)
    origins = np.array([100, 200])
    inputs, future = scaler.features(y, np.zeros((len(y), 0)), origins, window=8, horizon=3)
    assert inputs.shape == (2, 8, 2) and future.shape == (2, 3, 2)
    assert inputs[:, -1, 0].tolist() == [0.0, 0.0]
    expected = (y[100 - 7:101] - y[100]) / scaler.scale
    np.testing.assert_allclose(inputs[0, :, 0], expected, rtol=1e-5)
    # the seasonal change of a deterministic season + trend is the true change
    true = (y[201:204] - y[200]) / scaler.scale
    np.testing.assert_allclose(future[1, :, 0], true, rtol=1e-4)


def test_features_never_look_past_the_origin():
    y = seasonal_series()
    cov = np.random.default_rng(1).normal(size=(len(y), 1))
    scaler = Scaler.fit(y, cov, season=12)
    origins = np.array([150])
    before = scaler.features(y, cov, origins, 10, 12)
    y2, cov2 = y.copy(), cov.copy()
    y2[151:] += 1000.0
    cov2[151:] -= 50.0
    after = scaler.features(y2, cov2, origins, 10, 12)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_scaler_uses_log_for_positive_series_spanning_a_factor_of_two():
    assert Scaler.fit(np.linspace(100, 900, 50), np.zeros((50, 0)), 1).log_target
    assert not Scaler.fit(np.linspace(-5, 30, 50), np.zeros((50, 0)), 1).log_target
    with pytest.raises(InputError, match="<= 0"):
        Scaler.fit(np.linspace(100, 900, 50), np.zeros((50, 0)), 1).transform_target(np.array([1.0, -1.0]))


def test_window_dataset_batches_for_the_trainer():
    n, window, horizon = 70, 5, 3
    data = WindowDataset(np.zeros((n, window, 2), np.float32), np.zeros((n, horizon, 2), np.float32),
                         np.arange(n * horizon, dtype=np.float32).reshape(n, horizon), batch_size=32)
    assert data.carry_state is False
    assert len(data) == 3 and data.n_tokens == n * horizon
    seen = np.concatenate([data.batch(i)[2][:, 0].numpy() for i in range(len(data))])
    assert sorted(seen.tolist()) == list(range(0, n * horizon, horizon))  # each window once


def test_split_windows_keeps_training_targets_out_of_the_validation_period():
    y, cov, horizon = seasonal_series(), np.zeros((300, 0)), 3
    scaler = Scaler.fit(y, cov, season=12, log=False)
    train, val = split_windows(y, cov, scaler, 8, horizon, val_fraction=0.2, batch_size=32, seed=0)
    n_origins = len(y) - horizon - scaler.first_origin(8, horizon)
    assert len(val.targets) == int(0.2 * n_origins) and not val.shuffle and train.shuffle
    assert len(train.targets) + horizon - 1 + len(val.targets) == n_origins  # a gap of horizon - 1
