"""Time-series forecasting on the shared LSTM core: ``SeriesModel`` and ``Forecaster``.

The network predicts the change from the last observed value for each of the next H steps
(direct multi-step output). Its output is the sum of three parts::

    change[h] = seasonal_weight[h] * (average change from phase t to t+h in past seasons)
              + linear(window)                     (an autoregressive "highway", as in LSTNet)
              + head(tanh(mix(LSTMCore(window), seasonal changes)))   (the non-linear part)

The linear parts are fitted first in closed form (ridge regression, penalty picked on a
chronological validation split); the LSTM then learns what they leave over and is kept only
where it lowers the validation error.

At initialisation the first part is a seasonal naive forecast that keeps the current level (or
the plain naive forecast for a series without season), so training starts from a strong
baseline and early stopping on a chronological validation split keeps only what improves on it.
A few seeds are averaged, and prediction intervals are conformal: quantiles of the absolute
validation errors for each step ahead.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from nextword.core import checkpoint as ckpt
from nextword.core.lstm import LSTMCore, State
from nextword.core.trainer import TrainConfig, Trainer
from nextword.errors import InputError, ModelFileError
from nextword.files import atomic_directory, write_json
from nextword.series.series import (
    Scaler,
    Series,
    WindowDataset,
    infer_season,
    make_series,
    read_csv,
)

LEVELS = (0.8, 0.95)  # prediction-interval coverages stored with every model


# -- the network --------------------------------------------------------------------------------
@dataclass
class SeriesConfig:
    """Shape of a forecasting network."""

    n_inputs: int          # channels per step: the target plus covariates
    window: int            # input steps
    horizon: int           # output steps (direct multi-step)
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.0
    seasonal: bool = True  # start from the seasonal change (True) or from the naive forecast

    def to_dict(self) -> dict:
        return asdict(self)


class SeriesModel(nn.Module):
    """Window (batch, window, n_inputs) + future (batch, horizon, 2) -> changes (batch, horizon).

    Same trainer contract as ``LanguageModel``: ``forward(batch, state) -> (mean loss, state,
    n_items)`` and ``init_state``; the loss is the mean absolute error (MASE is an absolute error).
    """

    def __init__(self, config: SeriesConfig):
        super().__init__()
        self.config = config
        self.core = LSTMCore(config.n_inputs, config.hidden_size, config.num_layers, 0, config.dropout)
        self.mix = nn.Linear(self.core.out_size + 2 * config.horizon, config.hidden_size)
        self.head = nn.Linear(config.hidden_size, config.horizon)
        self.highway = nn.Linear(config.window * config.n_inputs, config.horizon)
        for layer in (self.head, self.highway):  # start as the baseline: no learned correction
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        # seasonal weight = start + delta, so weight decay pulls towards the baseline, not to 0
        start = torch.zeros(config.horizon, 2)  # (average over seasons, last season only)
        start[:, 0] = float(config.seasonal)
        self.register_buffer("seasonal_start", start)
        self.seasonal_delta = nn.Parameter(torch.zeros(config.horizon, 2))

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        return self.core.init_state(batch, device)

    def set_linear(self, weight: torch.Tensor, seasonal: torch.Tensor, bias: torch.Tensor,
                   trainable: bool = True) -> None:
        """Start the linear parts from a fitted solution (see ``fit_linear``)."""
        with torch.no_grad():
            self.highway.weight.copy_(weight)
            self.highway.bias.copy_(bias)
            self.seasonal_delta.copy_(seasonal)
        for p in (self.highway.weight, self.highway.bias, self.seasonal_delta):
            p.requires_grad_(trainable)

    def drop_lstm(self) -> None:
        """Zero the LSTM's head (when training did not beat the linear part on validation)."""
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()

    def predict(self, inputs: torch.Tensor, future: torch.Tensor) -> torch.Tensor:
        """Scaled changes from the last value, (batch, horizon)."""
        out, _ = self.core(inputs)                                  # (batch, window, hidden)
        mixed = torch.tanh(self.mix(torch.cat([out[:, -1], future.flatten(1)], dim=1)))
        change = self.head(mixed) + self.highway(inputs.flatten(1))
        return change + (future * (self.seasonal_start + self.seasonal_delta)).sum(-1)

    def forward(self, batch: tuple[torch.Tensor, ...], state: State | None = None
                ) -> tuple[torch.Tensor, State | None, int]:
        inputs, future, targets = batch
        loss = F.l1_loss(self.predict(inputs, future), targets)
        return loss, state, targets.numel()


def _design(inputs: torch.Tensor, future: torch.Tensor, h: int) -> torch.Tensor:
    """Regressors of step h: the flattened window, the two seasonal changes and a constant."""
    ones = torch.ones(len(inputs), 1, dtype=torch.float64)
    return torch.cat([inputs.flatten(1).double(), future[:, h].double(), ones], dim=1)


def fit_linear(train, val, config: SeriesConfig,
               penalties: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0, 100.0, 1e4)
               ) -> tuple[float, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Ridge regression of each step's change on the window and the seasonal changes, shrunk
    towards the baseline (seasonal weight ``seasonal_start``, everything else 0); the penalty with
    the lowest validation MAE wins. Returns (that MAE, highway weight, seasonal delta, highway
    bias)."""
    start = 1.0 if config.seasonal else 0.0
    best: tuple[float, list[torch.Tensor]] = (math.inf, [])
    for penalty in penalties:
        coefs, err = [], 0.0
        for h in range(config.horizon):
            x = _design(train.inputs, train.future, h)
            r = train.targets[:, h].double() - start * train.future[:, h, 0].double()
            reg = torch.eye(x.shape[1], dtype=torch.float64) * penalty * len(x)
            reg[-1, -1] = 0.0                                   # the constant is not shrunk
            beta = torch.linalg.solve(x.T @ x + reg, x.T @ r)
            coefs.append(beta)
            xv = _design(val.inputs, val.future, h)
            rv = val.targets[:, h].double() - start * val.future[:, h, 0].double()
            err += float((xv @ beta - rv).abs().mean())
        if err < best[0]:
            best = (err, coefs)
    beta = torch.stack(best[1]).float()                          # (horizon, window*inputs + 3)
    n_win = config.window * config.n_inputs
    return best[0] / config.horizon, beta[:, :n_win], beta[:, n_win:n_win + 2], beta[:, -1]


class _QuietTrainer(Trainer):
    """The shared trainer without its resumable checkpoints: a series fit takes seconds, so
    writing optimizer state every epoch would cost more than redoing the fit."""

    def save_checkpoint(self) -> None:
        pass


# -- the estimator ------------------------------------------------------------------------------
def default_horizon(season: int, freq: str | None) -> int:
    by_freq = {"s": 60, "min": 60, "h": 24, "D": 14, "B": 20, "W": 13, "M": 12, "Q": 8, "Y": 5}
    if freq in by_freq:
        return by_freq[freq]
    return season if 2 <= season <= 60 else 10


def default_window(season: int) -> int:
    """Two seasons for short seasons, else a fixed 64 steps (longer seasons come in through
    the seasonal-change feature, not the window)."""
    return int(min(64, max(16, 2 * season))) if season > 1 else 32


def to_series(data, target: int | str = 0) -> Series:
    """A CSV path, a ``Series`` or a 1-D/2-D array-like -> ``Series``."""
    if isinstance(data, Series):
        return data
    if isinstance(data, (str, Path)):
        return read_csv(data, target)
    try:
        arr = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("data must be numeric (1-D or 2-D: time x features)") from None
    return make_series(arr, None, target)


class Forecaster:
    """Fit on one series (plus covariates), forecast the next steps in original units.

    ``season``: seasonal period in steps (None = infer from dates/data, 1 = none); ``horizon``:
    steps the network predicts directly (None = from the frequency); the other options size the
    network and its training. Learned state ends in ``_``.
    """

    def __init__(self, season: int | None = None, horizon: int | None = None, *,
                 window: int | None = None, hidden_size: int = 32, num_layers: int = 1,
                 ensemble: int = 3, epochs: int = 40, patience: int = 5, lr: float = 3e-3,
                 weight_decay: float = 1e-3, batch_size: int = 128, val_fraction: float = 0.2,
                 log: str | bool = "auto", covariates: str | bool = "auto", seasons_back: int = 8,
                 train_linear: bool = False, max_steps: int = 800, seed: int = 0,
                 max_seconds: float | None = None):
        self.season, self.horizon, self.window = season, horizon, window
        self.hidden_size, self.num_layers, self.ensemble = hidden_size, num_layers, ensemble
        self.epochs, self.patience, self.lr = epochs, patience, lr
        self.weight_decay, self.batch_size, self.val_fraction = weight_decay, batch_size, val_fraction
        self.log, self.covariates, self.seasons_back = log, covariates, seasons_back
        self.seed, self.max_seconds, self.train_linear = seed, max_seconds, train_linear
        self.max_steps = max_steps  # per network: bounds the fit time and, unlike a clock, is reproducible

    def options(self) -> dict:
        return {k: getattr(self, k) for k in (
            "season", "horizon", "window", "hidden_size", "num_layers", "ensemble", "epochs",
            "patience", "lr", "weight_decay", "batch_size", "val_fraction", "log", "covariates",
            "seasons_back", "train_linear", "max_steps", "seed", "max_seconds")}

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, data, target: int | str = 0,
            on_progress: Callable[[float], None] | None = None) -> Forecaster:
        """Fit on ``data`` (CSV path, array (time,) or (time, features), or ``Series``);
        ``on_progress`` gets the finished fraction (0..1) while training."""
        series = to_series(data, target)
        y = series.y
        self.freq_ = series.freq
        self.season_ = int(self.season) if self.season else infer_season(y, series.freq)
        self.horizon_ = int(self.horizon or default_horizon(self.season_, series.freq))
        if self.horizon_ < 1:
            raise InputError("horizon must be at least 1")
        started = time.monotonic()
        train, val = self._prepare(series)
        self.models_, self.lstm_gain_ = [], []
        for member in range(self.ensemble):
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
        y = series.y
        with_cov = series.values.shape[1] > 1
        choices = [True, False] if self.covariates == "auto" and with_cov \
            else [bool(self.covariates) and with_cov]
        best = None
        for use in choices:
            cov = series.covariates if use else np.zeros((len(y), 0))
            scaler = Scaler.fit(y, cov, self.season_, self.log, self.seasons_back)
            window = self._pick_window(len(y), scaler)
            train, val = self._windows(y, cov, scaler, window)
            config = SeriesConfig(n_inputs=scaler.n_channels(cov.shape[1]), window=window,
                                  horizon=self.horizon_, hidden_size=self.hidden_size,
                                  num_layers=self.num_layers, seasonal=self.season_ > 1)
            err, *linear = fit_linear(train, val, config)
            if best is None or err < best[0]:
                best = (err, use, scaler, window, config, tuple(linear), train, val)
        _, self.use_covariates_, self.scaler_, self.window_, self.config_, self.linear_ = best[:6]
        return best[6], best[7]

    def _pick_window(self, n: int, scaler: Scaler) -> int:
        """The default window, halved until at least ~60 windows remain for training."""
        window = int(self.window or default_window(self.season_))
        while not self.window and window > 4 and \
                n - scaler.first_origin(window, self.horizon_) - self.horizon_ < 60:
            window = max(4, window // 2)
        avail = n - scaler.first_origin(window, self.horizon_) - self.horizon_
        if avail < 12:
            need = scaler.first_origin(window, self.horizon_) + self.horizon_ + 12
            raise InputError(f"series too short: {n} values, need at least {need} for "
                             f"window {window}, season {self.season_} and horizon {self.horizon_}")
        return window

    def _windows(self, y: np.ndarray, cov: np.ndarray, scaler: Scaler, window: int
                 ) -> tuple[WindowDataset, WindowDataset]:
        """Chronological split of all windows: train origins end ``horizon`` steps before the
        first validation origin, so no training target lies in the validation period."""
        h, first = self.horizon_, scaler.first_origin(window, self.horizon_)
        origins = np.arange(first, len(y) - h)
        n_val = max(4, int(len(origins) * self.val_fraction))
        val_o = origins[-n_val:]
        train_o = origins[origins < val_o[0] - h + 1]
        if len(train_o) < 8:
            train_o = origins[:-n_val]
        sets = []
        for o, shuffle in ((train_o, True), (val_o, False)):
            inputs, future = scaler.features(y, cov, o, window, h)
            sets.append(WindowDataset(inputs, future, scaler.targets(y, o, h),
                                      self.batch_size, shuffle, self.seed))
        return sets[0], sets[1]

    def _train_member(self, train: WindowDataset, val: WindowDataset, member: int,
                      on_progress: Callable[[float], None] | None) -> SeriesModel:
        seed = self.seed + 1000 * member
        torch.manual_seed(seed)
        model = SeriesModel(self.config_)
        model.set_linear(*self.linear_, trainable=self.train_linear)
        epochs = max(1, min(self.epochs, self.max_steps // max(1, len(train))))
        cfg = TrainConfig(epochs=epochs, lr=self.lr, weight_decay=self.weight_decay,
                          patience=self.patience, seed=seed, device="cpu",
                          max_seconds=self.max_seconds / self.ensemble if self.max_seconds else None,
                          checkpoint_every=math.inf)
        total = self.ensemble * epochs * len(train)

        def step(info: dict) -> None:
            if on_progress is not None:
                on_progress(min(1.0, (member * epochs * len(train) + info["step"]) / total))

        with tempfile.TemporaryDirectory(prefix="nextword-series-") as tmp:
            trainer = _QuietTrainer(model, train, val, cfg, tmp, name=f"series{member}", on_step=step)
            baseline = trainer.evaluate()  # the linear part alone: the LSTM head starts at zero
            best = trainer.fit()["best_val_loss"]
            if best >= baseline:
                model.drop_lstm()
            self.lstm_gain_.append(float(1 - min(best, baseline) / baseline) if baseline > 0 else 0.0)
        if on_progress is not None:
            on_progress((member + 1) / self.ensemble)
        return model.eval()

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
        path = Path(path)
        with atomic_directory(path) as tmp:
            tensors = {f"member{i}.{k}": v for i, m in enumerate(self.models_)
                       for k, v in m.state_dict().items()}
            ckpt.save_tensors(tmp / "weights.safetensors", tensors)
            write_json(tmp / "config.json", {
                **ckpt.model_header("series"),
                "model": self.config_.to_dict(), "members": len(self.models_),
                "options": self.options(), "season": self.season_, "horizon": self.horizon_,
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
