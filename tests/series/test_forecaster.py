"""Forecaster: its options, fitting, forecasting, intervals, save/load (``nextword.series.forecaster``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nextword.errors import InputError, ModelFileError
from nextword.series.forecaster import Forecaster, ForecastOptions

TINY = {"hidden_size": 8, "ensemble": 1, "epochs": 3, "patience": 2}
DATA = Path(__file__).resolve().parents[2] / "data" / "series"


def noisy_seasonal(n: int = 240, season: int = 12, level: float = 1000.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 0.3 * t + 25 * np.sin(2 * np.pi * t / season) + rng.normal(0, 3, n)


@pytest.fixture(scope="module")
def fitted() -> Forecaster:
    return Forecaster(season=12, horizon=6, **TINY).fit(noisy_seasonal())


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


def test_options_are_one_dataclass_and_an_unknown_option_is_a_type_error():
    assert Forecaster(12, 6, hidden_size=8).options == ForecastOptions(season=12, horizon=6, hidden_size=8)
    with pytest.raises(TypeError, match="colour"):
        Forecaster(season=12, colour="red")


def test_saved_options_keep_the_model_directory_format(fitted, tmp_path):
    path = fitted.save(tmp_path / "model")
    options = json.loads((path / "config.json").read_text())["options"]
    assert list(options) == ["season", "horizon", "window", "hidden_size", "num_layers", "ensemble",
                             "epochs", "patience", "lr", "weight_decay", "batch_size", "val_fraction",
                             "log", "covariates", "seasons_back", "train_linear", "max_steps", "seed",
                             "max_seconds"]
    assert (options["season"], options["horizon"], options["hidden_size"]) == (12, 6, 8)
    assert Forecaster.load(path).options == fitted.options
