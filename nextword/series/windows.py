"""From a series to training windows: the ``Scaler`` that makes model inputs, the window size,
the chronological train/validation split and the ``WindowDataset`` the trainer batches.

Every origin ``t`` (the last observed step) becomes one window::

    z (transformed target)   . . . . [ z[t-L+1] ... z[t] ] z[t+1] ... z[t+H]
                                       \\___ inputs ___/   \\__ targets __/
    inputs:  (z[tau] - z[t]) / scale; for a seasonal series also the anomaly
             (z[tau] - mean of z one, two, ... seasons before tau) / scale;
             and (c[tau] - c[t]) / scale_c for each covariate c           -> (L, channels)
    future:  the change from phase t to phase t+h, averaged over past seasons
             and in the last season alone                              -> (H, 2)
    targets: (z[t+h] - z[t]) / scale                                     -> (H,)

Everything is relative to the last value, so a trending level never leaves the range the
network was trained on; the scales are fit on the training part only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from nextword.errors import InputError


@dataclass
class Scaler:
    """How the raw columns become model inputs; fit on training data only, stored as JSON."""

    log_target: bool
    scale: float                  # typical |change per step| of the transformed target
    cov_log: list[bool]
    cov_scale: list[float]
    season: int
    smooth: int                   # width of the moving average applied before seasonal averaging
    seasons_back: int             # how many past seasons are averaged

    @staticmethod
    def fit(y: np.ndarray, cov: np.ndarray, season: int, log: str | bool = "auto",
            seasons_back: int = 8) -> Scaler:
        log_target = _wants_log(y) if log == "auto" else bool(log)
        z = np.log(y) if log_target else y
        cov_log = [_wants_log(c) for c in cov.T]
        cov_scale = [_step_scale(np.log(c) if lg else c) for c, lg in zip(cov.T, cov_log, strict=True)]
        smooth = max(1, round(season / 52)) | 1 if season >= 52 else 1
        return Scaler(log_target, _step_scale(z), cov_log, cov_scale, season, smooth, seasons_back)

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    def transform_target(self, y: np.ndarray) -> np.ndarray:
        if self.log_target:
            if (y <= 0).any():
                raise InputError("the model was fit on a positive series (log scale); "
                                 "the history has values <= 0")
            return np.log(y)
        return np.asarray(y, dtype=np.float64)

    def inverse_target(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z) if self.log_target else z

    def transform_covariates(self, cov: np.ndarray) -> np.ndarray:
        out = cov.astype(np.float64).copy()
        for j, lg in enumerate(self.cov_log):
            out[:, j] = np.log(np.maximum(out[:, j], 1e-12)) if lg else out[:, j]
        return out

    def context_length(self, window: int, horizon: int) -> int:
        """Steps of history one forecast looks at (window plus the seasons it averages)."""
        if self.season <= 1:
            return window
        return window + (self.seasons_back + 1) * self.season + horizon + self.smooth

    def features(self, y: np.ndarray, cov: np.ndarray, origins: np.ndarray, window: int,
                 horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Model inputs for forecasts made at ``origins`` (indices of the last observed step).

        Returns inputs (N, window, 1 + covariates) and future (N, horizon, 1) as float32."""
        z = self.transform_target(y)
        offsets = origins[:, None] + np.arange(1 - window, 1)[None, :]   # (N, window)
        last = z[origins][:, None]
        channels = [np.clip((z[offsets] - last) / self.scale, -50, 50)]
        if self.season > 1:  # the anomaly: distance from the average of past seasons' values
            channels.append(np.clip((z - self._seasonal_level(z))[offsets] / self.scale, -50, 50))
        if cov.shape[1]:
            c = self.transform_covariates(cov)
            for j in range(c.shape[1]):
                col = c[:, j]
                channels.append(np.clip((col[offsets] - col[origins][:, None]) / self.cov_scale[j],
                                        -50, 50))
        inputs = np.stack(channels, axis=-1).astype(np.float32)
        future = np.zeros((len(origins), horizon, 2), dtype=np.float32)
        if self.season > 1:
            future[:, :, 0] = self._seasonal_change(z, origins, horizon, self.seasons_back) / self.scale
            future[:, :, 1] = self._seasonal_change(z, origins, horizon, 1) / self.scale
        return inputs, future

    def n_channels(self, n_covariates: int) -> int:
        """Input channels per step: the target, its anomaly when seasonal, the covariates."""
        return 1 + (self.season > 1) + n_covariates

    def _smoothed(self, z: np.ndarray) -> np.ndarray:
        if self.smooth == 1:
            return z
        return np.convolve(z, np.ones(self.smooth) / self.smooth, mode="same")

    def _seasonal_level(self, z: np.ndarray) -> np.ndarray:
        """For every step j, the mean of the smoothed series at j - k*season, k = 1..seasons_back
        (the values available; j itself where there are none): (time,)."""
        s, half, sm = self.season, self.smooth // 2, self._smoothed(z)
        total, count = np.zeros(len(z)), np.zeros(len(z))
        j = np.arange(len(z))
        for k in range(max(1, -(-half // s)), self.seasons_back + 1):
            ok = j - k * s - half >= 0
            total += np.where(ok, sm[np.clip(j - k * s, 0, None)], 0.0)
            count += ok
        return np.where(count > 0, total / np.maximum(count, 1), z)

    def _seasonal_change(self, z: np.ndarray, origins: np.ndarray, horizon: int,
                         seasons_back: int) -> np.ndarray:
        """Average change of the (smoothed) series from phase t to phase t+h over the last
        ``seasons_back`` seasons that lie wholly in the past: (N, horizon)."""
        s, half = self.season, self.smooth // 2
        sm = self._smoothed(z)
        out = np.zeros((len(origins), horizon))
        for h in range(1, horizon + 1):
            k0 = max(1, -(-(h + half) // s))  # first season whose value at t+h is in the past
            total = np.zeros(len(origins))
            count = np.zeros(len(origins))
            for k in range(k0, k0 + seasons_back):
                a, b = origins + h - k * s, origins - k * s
                ok = b - half >= 0
                total += np.where(ok, sm[np.clip(a, 0, None)] - sm[np.clip(b, 0, None)], 0.0)
                count += ok
            out[:, h - 1] = total / np.maximum(count, 1)
        return out

    def first_origin(self, window: int, horizon: int) -> int:
        """The earliest origin with a full window and at least one past season."""
        extra = self.season + self.smooth // 2 if self.season > 1 else 0
        return window - 1 + extra

    def targets(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """(z[t+h] - z[t]) / scale for h = 1..horizon: (N, horizon) float32."""
        z = self.transform_target(y)
        idx = origins[:, None] + np.arange(1, horizon + 1)[None, :]
        return ((z[idx] - z[origins][:, None]) / self.scale).astype(np.float32)


def _wants_log(x: np.ndarray) -> bool:
    """Model on the log scale when the series is positive and spans a factor of two or more:
    changes then scale with the level (prices, passengers, GDP)."""
    return bool(np.all(x > 0) and x.max() / x.min() >= 2.0)


def _step_scale(z: np.ndarray) -> float:
    d = np.abs(np.diff(z))
    scale = float(d.mean()) if len(d) else 0.0
    return scale if scale > 1e-12 else max(float(np.abs(z).mean()), 1.0)


class WindowDataset:
    """(inputs, future, targets) windows in shuffled mini-batches, for ``trainer.Trainer``.

    Windows are independent, so the recurrent state is not carried between batches. The order is
    reshuffled each time batch 0 is asked for (the start of an epoch) when ``shuffle`` is on.
    """

    carry_state = False

    def __init__(self, inputs: np.ndarray, future: np.ndarray, targets: np.ndarray,
                 batch_size: int = 64, shuffle: bool = True, seed: int = 0):
        self.inputs = torch.from_numpy(inputs)
        self.future = torch.from_numpy(future)
        self.targets = torch.from_numpy(targets)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.order = np.arange(len(targets))

    def __len__(self) -> int:
        return -(-len(self.order) // self.batch_size)

    @property
    def n_tokens(self) -> int:
        return int(self.targets.numel())

    def batch(self, i: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if i == 0 and self.shuffle:
            self.order = self.rng.permutation(len(self.order))
        idx = torch.from_numpy(self.order[i * self.batch_size:(i + 1) * self.batch_size])
        return self.inputs[idx], self.future[idx], self.targets[idx]


# -- window size and the chronological split ----------------------------------------------------
def default_window(season: int) -> int:
    """Two seasons for short seasons, else a fixed 64 steps (longer seasons come in through
    the seasonal-change feature, not the window)."""
    return int(min(64, max(16, 2 * season))) if season > 1 else 32


def pick_window(n: int, scaler: Scaler, horizon: int, window: int | None = None) -> int:
    """``window`` if given, else the default for the scaler's season, halved until at least ~60
    windows remain for training; a series too short for 12 windows is an ``InputError``."""
    size = int(window or default_window(scaler.season))
    while not window and size > 4 and n - scaler.first_origin(size, horizon) - horizon < 60:
        size = max(4, size // 2)
    avail = n - scaler.first_origin(size, horizon) - horizon
    if avail < 12:
        need = scaler.first_origin(size, horizon) + horizon + 12
        raise InputError(f"series too short: {n} values, need at least {need} for "
                         f"window {size}, season {scaler.season} and horizon {horizon}")
    return size


def split_windows(y: np.ndarray, cov: np.ndarray, scaler: Scaler, window: int, horizon: int, *,
                  val_fraction: float, batch_size: int, seed: int
                  ) -> tuple[WindowDataset, WindowDataset]:
    """Chronological split of all windows: train origins end ``horizon`` steps before the
    first validation origin, so no training target lies in the validation period."""
    h, first = horizon, scaler.first_origin(window, horizon)
    origins = np.arange(first, len(y) - h)
    n_val = max(4, int(len(origins) * val_fraction))
    val_o = origins[-n_val:]
    train_o = origins[origins < val_o[0] - h + 1]
    if len(train_o) < 8:
        train_o = origins[:-n_val]
    sets = []
    for o, shuffle in ((train_o, True), (val_o, False)):
        inputs, future = scaler.features(y, cov, o, window, h)
        sets.append(WindowDataset(inputs, future, scaler.targets(y, o, h), batch_size, shuffle, seed))
    return sets[0], sets[1]
