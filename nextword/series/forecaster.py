"""``Forecaster``: fit on one series (plus covariates), forecast the next steps in original units.

It picks the season, horizon and window, makes the training windows (``windows``), fits the
linear part and trains a few networks (``model``) with different seeds, and averages them.
Prediction intervals are conformal: quantiles of the absolute validation errors for each step
ahead. ``ForecastOptions`` holds every setting; a saved model directory keeps them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from nextword.core import checkpoint as ckpt
from nextword.core.trainer import TrainConfig
from nextword.errors import InputError, ModelFileError
from nextword.files import atomic_directory, write_json
from nextword.series.data import Series, to_series
from nextword.series.model import SeriesConfig, SeriesModel, fit_linear, train_network
from nextword.series.season import infer_season
from nextword.series.windows import Scaler, WindowDataset, pick_window, split_windows

LEVELS = (0.8, 0.95)  # prediction-interval coverages stored with every model


@dataclass
class ForecastOptions:
    """Every setting of a ``Forecaster``: ``Forecaster(season, horizon, **options)`` takes these
    names, and a saved model directory stores them (config.json, "options")."""

    season: int | None = None        # seasonal period in steps (None = inferred, 1 = none)
    horizon: int | None = None       # steps the network predicts directly (None = from the frequency)
    window: int | None = None        # input steps (None = two seasons in 16..64, halved for short series)
    hidden_size: int = 32            # LSTM units
    num_layers: int = 1              # stacked LSTM layers
    ensemble: int = 3                # networks averaged; member i trains with seed + 1000 * i
    epochs: int = 40                 # most passes over the training windows
    patience: int = 5                # epochs without a better validation loss before stopping
    lr: float = 3e-3                 # learning rate
    weight_decay: float = 1e-3       # pulls the learned parts towards the linear start
    batch_size: int = 128            # windows per training batch
    val_fraction: float = 0.2        # share of the latest windows held out for validation
    log: str | bool = "auto"         # model the log of the target ("auto": positive, spans 2x or more)
    covariates: str | bool = "auto"  # use the other columns ("auto": if they lower validation error)
    seasons_back: int = 8            # past seasons averaged in the seasonal-change feature
    train_linear: bool = False       # also train the closed-form linear part (False: keep it as fit)
    max_steps: int = 800             # per network: bounds the fit time and, unlike a clock, is reproducible
    seed: int = 0                    # seed of the window order and of the first network
    max_seconds: float | None = None  # time budget of the whole ensemble (None = no limit)


def default_horizon(season: int, freq: str | None) -> int:
    by_freq = {"s": 60, "min": 60, "h": 24, "D": 14, "B": 20, "W": 13, "M": 12, "Q": 8, "Y": 5}
    if freq in by_freq:
        return by_freq[freq]
    return season if 2 <= season <= 60 else 10


class Forecaster:
    """Fit on one series (plus covariates), forecast the next steps in original units.

    ``season``: seasonal period in steps (None = infer from dates/data, 1 = none); ``horizon``:
    steps the network predicts directly (None = from the frequency); the other ``options`` (the
    fields of ``ForecastOptions``) size the network and its training. Learned state ends in ``_``.
    """

    def __init__(self, season: int | None = None, horizon: int | None = None, **options):
        self.options = ForecastOptions(season=season, horizon=horizon, **options)

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, data, target: int | str = 0,
            on_progress: Callable[[float], None] | None = None) -> Forecaster:
        """Fit on ``data`` (CSV path, array (time,) or (time, features), or ``Series``);
        ``on_progress`` gets the finished fraction (0..1) while training."""
        series = to_series(data, target)
        y, opts = series.y, self.options
        self.freq_ = series.freq
        self.season_ = int(opts.season) if opts.season else infer_season(y, series.freq)
        self.horizon_ = int(opts.horizon or default_horizon(self.season_, series.freq))
        if self.horizon_ < 1:
            raise InputError("horizon must be at least 1")
        started = time.monotonic()
        train, val = self._prepare(series)
        self.models_, self.lstm_gain_ = [], []
        for member in range(opts.ensemble):
            self.models_.append(self._train_member(train, val, member, on_progress))
        self.fit_seconds_ = time.monotonic() - started
        self._calibrate(val)
        self.context_ = series.values[-self.scaler_.context_length(self.window_, self.horizon_):]
        self.target_ = series.target
        self.columns_ = list(series.columns)
        self.last_date_ = series.dates[-1].isoformat() if series.dates else None
        return self

    def _prepare(self, series: Series) -> tuple[WindowDataset, WindowDataset]:
        """Scaler, window, network shape and the fitted linear part; returns the windows.

        With covariates="auto" the covariates are kept only if they lower the validation error
        of the linear part (cheap: closed form); on the dev series they rarely do."""
        y, opts = series.y, self.options
        with_cov = series.values.shape[1] > 1
        choices = [True, False] if opts.covariates == "auto" and with_cov \
            else [bool(opts.covariates) and with_cov]
        best = None
        for use in choices:
            cov = series.covariates if use else np.zeros((len(y), 0))
            scaler = Scaler.fit(y, cov, self.season_, opts.log, opts.seasons_back)
            window = pick_window(len(y), scaler, self.horizon_, opts.window)
            train, val = split_windows(y, cov, scaler, window, self.horizon_,
                                       val_fraction=opts.val_fraction, batch_size=opts.batch_size,
                                       seed=opts.seed)
            config = SeriesConfig(n_inputs=scaler.n_channels(cov.shape[1]), window=window,
                                  horizon=self.horizon_, hidden_size=opts.hidden_size,
                                  num_layers=opts.num_layers, seasonal=self.season_ > 1)
            err, *linear = fit_linear(train, val, config)
            if best is None or err < best[0]:
                best = (err, use, scaler, window, config, tuple(linear), train, val)
        _, self.use_covariates_, self.scaler_, self.window_, self.config_, self.linear_ = best[:6]
        return best[6], best[7]

    def _train_member(self, train: WindowDataset, val: WindowDataset, member: int,
                      on_progress: Callable[[float], None] | None) -> SeriesModel:
        opts = self.options
        seed = opts.seed + 1000 * member
        epochs = max(1, min(opts.epochs, opts.max_steps // max(1, len(train))))
        cfg = TrainConfig(epochs=epochs, lr=opts.lr, weight_decay=opts.weight_decay,
                          patience=opts.patience, seed=seed, device="cpu",
                          max_seconds=opts.max_seconds / opts.ensemble if opts.max_seconds else None,
                          checkpoint_every=math.inf)
        total = opts.ensemble * epochs * len(train)

        def step(info: dict) -> None:
            if on_progress is not None:
                on_progress(min(1.0, (member * epochs * len(train) + info["step"]) / total))

        model, gain = train_network(self.config_, self.linear_, train, val, cfg,
                                    train_linear=opts.train_linear, name=f"series{member}",
                                    on_step=step)
        self.lstm_gain_.append(gain)
        if on_progress is not None:
            on_progress((member + 1) / opts.ensemble)
        return model

    def _calibrate(self, val: WindowDataset) -> None:
        """Conformal interval half-widths (scaled units) per step ahead from validation errors."""
        pred = self._predict_scaled(val.inputs.numpy(), val.future.numpy())
        err = np.abs(val.targets.numpy() - pred)                     # (n_val, horizon)
        n = len(err)
        self.val_mae_ = float(err.mean())
        self.intervals_ = {}
        for level in LEVELS:
            q = min(1.0, math.ceil((n + 1) * level) / n)             # finite-sample correction
            self.intervals_[str(level)] = np.quantile(err, q, axis=0).tolist()

    # -- forecasting ----------------------------------------------------------------------------
    @torch.no_grad()
    def _predict_scaled(self, inputs: np.ndarray, future: np.ndarray) -> np.ndarray:
        x, f = torch.from_numpy(inputs), torch.from_numpy(future)
        preds = [m.predict(x, f).numpy() for m in self.models_]
        return np.mean(preds, axis=0)

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise InputError("the Forecaster is not fitted: call fit() or Forecaster.load()")

    def _history(self, history) -> np.ndarray:
        """History as (time, columns) in the fit's column layout."""
        if history is None:
            return self.context_
        if isinstance(history, (str, Path, Series)):
            target = self.columns_[self.target_] if isinstance(history, (str, Path)) else 0
            series = to_series(history, target)
            return series.values
        arr = np.asarray(history, dtype=np.float64)
        arr = arr[:, None] if arr.ndim == 1 else arr
        n_cols = len(self.columns_)
        if arr.ndim == 2 and arr.shape[1] == 1 and n_cols > 1 and not self.use_covariates_:
            full = np.zeros((len(arr), n_cols))  # covariates unused: the target alone will do
            full[:, self.target_] = arr[:, 0]
            arr = full
        if arr.ndim != 2 or arr.shape[1] != n_cols:
            if arr.ndim == 2 and arr.shape[1] == 1:
                raise InputError(f"history needs all {n_cols} columns the model was "
                                 f"fit on ({', '.join(self.columns_)})")
            raise InputError(f"history must be (time, {n_cols}), got {arr.shape}")
        if np.isnan(arr).any():
            raise InputError("history contains missing values")
        return arr

    def forecast_from(self, values: np.ndarray, origins: np.ndarray,
                      levels: tuple[float, ...] = ()) -> dict[str, np.ndarray]:
        """Forecasts of the next ``horizon_`` steps made at each origin (index of the last value
        used) of ``values`` (time, columns): {"mean": (N, H), "lower_0.8": ..., ...}."""
        self._check_fitted()
        values = np.asarray(values, dtype=np.float64)
        origins = np.asarray(origins, dtype=np.int64)
        if origins.min() < self.window_ - 1:
            raise InputError(f"history too short: need at least {self.window_} values")
        y = values[:, self.target_]
        cov = np.delete(values, self.target_, axis=1) if self.use_covariates_ else np.zeros((len(y), 0))
        inputs, future = self.scaler_.features(y, cov, origins, self.window_, self.horizon_)
        change = self._predict_scaled(inputs, future)
        last = self.scaler_.transform_target(y[origins])[:, None]
        scale = self.scaler_.scale
        out = {"mean": self.scaler_.inverse_target(last + scale * change)}
        for level in levels:
            half = np.asarray(self.intervals_[str(level)])[None, :] * scale
            out[f"lower_{level}"] = self.scaler_.inverse_target(last + scale * change - half)
            out[f"upper_{level}"] = self.scaler_.inverse_target(last + scale * change + half)
        return out

    def forecast(self, history=None, horizon: int | None = None,
                 levels: tuple[float, ...] = LEVELS) -> dict[str, np.ndarray]:
        """Mean forecast and interval bounds for the steps after ``history`` (default: the fit
        data). Beyond the trained horizon the forecast is extended recursively (covariates held
        at their last values) and the interval widths grow with the square root of the steps."""
        self._check_fitted()
        values = self._history(history)
        horizon = int(horizon or self.horizon_)
        if horizon < 1:
            raise InputError("horizon must be at least 1")
        parts: list[dict[str, np.ndarray]] = []
        done = 0
        while done < horizon:
            step = self.forecast_from(values, np.array([len(values) - 1]), levels)
            step = {k: v[0] for k, v in step.items()}
            if done:  # widen recursive intervals around the new mean
                grow = math.sqrt((done + self.horizon_) / self.horizon_)
                for key in step:
                    if key != "mean":
                        step[key] = step["mean"] + (step[key] - step["mean"]) * grow
            parts.append(step)
            done += self.horizon_
            if done < horizon:
                new = np.repeat(values[-1:], self.horizon_, axis=0)
                new[:, self.target_] = step["mean"]
                values = np.concatenate([values, new])
        return {k: np.concatenate([p[k] for p in parts])[:horizon] for k in parts[0]}

    def predict(self, history=None, horizon: int | None = None) -> np.ndarray:
        """Point forecast, shape (horizon,), in the series' original units."""
        return self.forecast(history, horizon, levels=())["mean"]

    def predict_interval(self, history=None, horizon: int | None = None,
                         level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) bounds of the ``level`` prediction interval (0.8 or 0.95)."""
        if str(level) not in {str(x) for x in LEVELS}:
            raise InputError(f"level must be one of {LEVELS}")
        out = self.forecast(history, horizon, levels=(level,))
        return out[f"lower_{level}"], out[f"upper_{level}"]

    # -- persistence ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write a model directory: config.json, weights.safetensors, scaler.json."""
        self._check_fitted()
        path = ckpt.check_model_out(path)
        with atomic_directory(path) as tmp:
            tensors = {f"member{i}.{k}": v for i, m in enumerate(self.models_)
                       for k, v in m.state_dict().items()}
            ckpt.save_tensors(tmp / "weights.safetensors", tensors)
            write_json(tmp / "config.json", {
                **ckpt.model_header("series"),
                "model": self.config_.to_dict(), "members": len(self.models_),
                "options": asdict(self.options), "season": self.season_, "horizon": self.horizon_,
                "window": self.window_, "freq": self.freq_, "columns": self.columns_,
                "target": self.target_, "last_date": self.last_date_,
                "use_covariates": self.use_covariates_, "lstm_val_gain": self.lstm_gain_,
                "val_mae_scaled": self.val_mae_})
            write_json(tmp / "scaler.json", {
                "scaler": self.scaler_.to_dict(), "intervals": self.intervals_,
                "context": self.context_.tolist()})
        return path

    @classmethod
    def load(cls, path: str | Path) -> Forecaster:
        """Read a directory written by ``save``."""
        cfg = ckpt.read_config(path, kind="series")
        path = Path(path)
        extra = ckpt.read_json(path / "scaler.json")
        try:
            self = cls(**cfg["options"])
            self.config_ = SeriesConfig(**cfg["model"])
            self.season_, self.horizon_, self.window_ = cfg["season"], cfg["horizon"], cfg["window"]
            self.freq_, self.columns_, self.target_ = cfg["freq"], cfg["columns"], cfg["target"]
            self.last_date_, self.val_mae_ = cfg["last_date"], cfg["val_mae_scaled"]
            self.use_covariates_ = bool(cfg["use_covariates"])
            self.lstm_gain_ = list(cfg["lstm_val_gain"])
            self.scaler_ = Scaler(**extra["scaler"])
            self.intervals_ = extra["intervals"]
            self.context_ = np.asarray(extra["context"], dtype=np.float64)
            members = int(cfg["members"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{path} has an incomplete series config ({exc})") from None
        tensors = ckpt.load_tensors(path / "weights.safetensors")
        self.models_ = []
        for i in range(members):
            model = SeriesModel(self.config_)
            prefix = f"member{i}."
            own = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
            ckpt.load_state(model, own, str(path / "weights.safetensors"))
            self.models_.append(model.eval())
        return self
