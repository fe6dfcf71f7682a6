"""Forecaster: the network contract, fitting, forecasting, intervals, save/load, metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from nextword.core.trainer import TrainConfig, Trainer
from nextword.errors import InputError, ModelFileError
from nextword.series.forecaster import Forecaster, SeriesConfig, SeriesModel

TINY = {"hidden_size": 8, "ensemble": 1, "epochs": 3, "patience": 2}
DATA = Path(__file__).resolve().parents[2] / "data" / "series"


def noisy_seasonal(n: int = 240, season: int = 12, level: float = 1000.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 0.3 * t + 25 * np.sin(2 * np.pi * t / season) + rng.normal(0, 3, n)


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    return Forecaster(season=12, horizon=6, **TINY).fit(noisy_seasonal())


def test_series_model_has_the_trainer_contract():
    cfg = SeriesConfig(n_inputs=2, window=6, horizon=3, hidden_size=8)
    model = SeriesModel(cfg)
    batch = (torch.randn(5, 6, 2), torch.randn(5, 3, 2), torch.randn(5, 3))
    loss, state, n = model(batch, None)
    assert loss.ndim == 0 and n == 15 and state is None
    h, c = model.init_state(5)
    assert h.shape == (1, 5, 8) and c.shape == (1, 5, 8)


def test_untrained_model_is_the_seasonal_baseline():
    model = SeriesModel(SeriesConfig(n_inputs=1, window=4, horizon=3, hidden_size=8, seasonal=True))
    future = torch.randn(2, 3, 2)
    torch.testing.assert_close(model.predict(torch.randn(2, 4, 1), future), future[..., 0])
    naive = SeriesModel(SeriesConfig(n_inputs=1, window=4, horizon=3, hidden_size=8, seasonal=False))
    assert naive.predict(torch.randn(2, 4, 1), future).abs().max() == 0


def test_shared_trainer_lowers_the_series_loss(tmp_path):
    rng = np.random.default_rng(0)
    from nextword.series.series import WindowDataset
    x = rng.normal(size=(256, 8, 1)).astype(np.float32)
    y = (0.8 * x[:, -1, 0:1] - 0.5 * x[:, -2, 0:1]).repeat(2, axis=1).astype(np.float32)
    data = WindowDataset(x, np.zeros((256, 2, 2), np.float32), y, batch_size=32)
    torch.manual_seed(0)
    model = SeriesModel(SeriesConfig(n_inputs=1, window=8, horizon=2, hidden_size=8, seasonal=False))
    trainer = Trainer(model, data, data, TrainConfig(epochs=8, lr=1e-2, device="cpu"), tmp_path)
    before = trainer.evaluate()
    summary = trainer.fit()
    assert summary["best_val_loss"] < 0.5 * before


def test_forecast_is_in_original_units_and_shape(fitted):
    pred = fitted.predict(horizon=6)
    assert pred.shape == (6,)
    assert 1000 < pred.mean() < 1150  # level ~1000 + trend, not the scaled space


def test_intervals_bracket_the_mean_and_widen_with_level(fitted):
    fc = fitted.forecast(horizon=6)
    assert np.all(fc["lower_0.95"] <= fc["lower_0.8"]) and np.all(fc["lower_0.8"] <= fc["mean"])
    assert np.all(fc["mean"] <= fc["upper_0.8"]) and np.all(fc["upper_0.8"] <= fc["upper_0.95"])
    lo, hi = fitted.predict_interval(horizon=6, level=0.95)
    np.testing.assert_allclose(lo, fc["lower_0.95"])


def test_forecast_beyond_the_trained_horizon_is_recursive(fitted):
    long = fitted.forecast(horizon=15)
    assert long["mean"].shape == (15,)
    np.testing.assert_allclose(long["mean"][:6], fitted.predict(horizon=6))
    width = long["upper_0.8"] - long["lower_0.8"]
    assert width[12] > width[0]


def test_predict_uses_the_given_history(fitted):
    y = noisy_seasonal()
    shifted = fitted.predict(y + 500.0, 6)
    assert np.all(shifted > fitted.predict(y, 6) + 400)


def test_save_load_round_trip_gives_identical_forecasts(fitted, tmp_path):
    path = fitted.save(tmp_path / "model")
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "scaler.json", "weights.safetensors"]
    cfg = json.loads((path / "config.json").read_text())
    assert (cfg["format"], cfg["format_version"], cfg["kind"]) == ("nextword", 1, "series")
    loaded = Forecaster.load(path)
    np.testing.assert_array_equal(loaded.predict(horizon=6), fitted.predict(horizon=6))
    history = noisy_seasonal(seed=3)
    np.testing.assert_array_equal(loaded.forecast(history)["upper_0.95"],
                                  fitted.forecast(history)["upper_0.95"])


def test_load_rejects_other_model_kinds_and_corrupt_weights(fitted, tmp_path):
    path = fitted.save(tmp_path / "model")
    cfg = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**cfg, "kind": "word"}))
    with pytest.raises(ModelFileError, match="not a 'series' model"):
        Forecaster.load(path)
    path = fitted.save(tmp_path / "model2")
    (path / "weights.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelFileError):
        Forecaster.load(path)


def test_fit_from_csv_with_covariates_and_target_name():
    model = Forecaster(horizon=4, covariates=True, **TINY).fit(DATA / "us_macro_quarterly.csv",
                                                               target="realgdp")
    assert model.columns_[model.target_] == "realgdp"
    assert model.freq_ == "Q" and model.season_ == 1  # seasonally adjusted: no season found
    history = np.loadtxt(DATA / "us_macro_quarterly.csv", delimiter=",", skiprows=1, usecols=range(1, 13))
    assert model.predict(history, 4).shape == (4,)
    with pytest.raises(InputError, match="all 12 columns"):
        model.predict(history[:, 0], 4)


def test_target_alone_is_enough_history_when_covariates_are_unused():
    model = Forecaster(horizon=4, covariates=False, **TINY).fit(DATA / "us_macro_quarterly.csv",
                                                                target="realgdp")
    gdp = np.loadtxt(DATA / "us_macro_quarterly.csv", delimiter=",", skiprows=1, usecols=1)
    assert model.predict(gdp, 4)[0] == pytest.approx(gdp[-1], rel=0.05)


def test_informative_covariate_is_kept_and_noise_is_dropped():
    rng = np.random.default_rng(0)
    driver = np.cumsum(rng.normal(size=400))
    useful = np.stack([np.r_[0.0, driver[:-1]] + rng.normal(0, 0.05, 400), driver], axis=1)
    assert Forecaster(season=1, horizon=1, **TINY).fit(useful).use_covariates_
    noise = np.stack([np.cumsum(rng.normal(size=400)), rng.normal(size=400)], axis=1)
    assert not Forecaster(season=1, horizon=1, **TINY).fit(noise).use_covariates_


def test_too_short_series_is_an_input_error():
    with pytest.raises(InputError, match="too short"):
        Forecaster(season=12, horizon=12, **TINY).fit(noisy_seasonal(30))


def test_unfitted_forecaster_says_so():
    with pytest.raises(InputError, match="not fitted"):
        Forecaster().predict(np.arange(50.0), 3)
