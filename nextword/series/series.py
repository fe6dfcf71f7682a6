"""Numeric series in: CSV or arrays -> a checked ``Series``; then windows + scaling for training.

A CSV has one date/time column and numeric columns; the target is picked by name or index and
the other numeric columns ride along as covariates. Dates are parsed and must increase strictly;
the sampling frequency is inferred from them. Empty cells are interpolated (with a warning).

For the model, every origin ``t`` (the last observed step) becomes one window::

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

import csv
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import torch

from nextword.errors import InputError

MIN_LENGTH = 24  # fewer observations than this cannot be split into train and validation windows

# Frequency code -> (typical step in days, seasonal period candidates, MASE lag by the M4 rule).
FREQUENCIES: dict[str, tuple[float, tuple[int, ...], int]] = {
    "s": (1 / 86400, (60,), 1),
    "min": (1 / 1440, (60, 1440), 1),
    "h": (1 / 24, (24, 168), 24),
    "D": (1.0, (7, 365), 1),
    "B": (1.0, (5,), 1),
    "W": (7.0, (52,), 1),
    "M": (30.44, (12,), 12),
    "Q": (91.3, (4,), 4),
    "Y": (365.25, (), 1),
}


@dataclass
class Series:
    """A checked numeric series: ``values`` (time, columns) float64, target column first-class."""

    values: np.ndarray
    columns: list[str]
    target: int = 0
    dates: list[datetime] | None = None
    freq: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def y(self) -> np.ndarray:
        """The target column, (time,)."""
        return self.values[:, self.target]

    @property
    def covariates(self) -> np.ndarray:
        """The other columns, (time, columns - 1)."""
        return np.delete(self.values, self.target, axis=1)

    @property
    def target_name(self) -> str:
        return self.columns[self.target]

    def head(self, n: int) -> Series:
        """The first ``n`` steps (for chronological splits)."""
        return Series(self.values[:n], self.columns, self.target,
                      self.dates[:n] if self.dates else None, self.freq, [])


# -- reading ------------------------------------------------------------------------------------
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m", "%Y%m%d", "%Y")


def parse_date(text: str) -> datetime | None:
    """A date or timestamp in a common format, or None when ``text`` is not one."""
    text = text.strip()
    if not text or len(text) < 4:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _find_date_column(header: list[str], rows: list[list[str]]) -> int | None:
    """The date/time column: the first one named like a date whose first cell is a date, else
    the first whose first cells all parse as dates (plain numbers do not count)."""
    named = ("date", "time", "day", "week", "month", "quarter", "year", "period", "timestamp", "ds")
    for j, name in enumerate(header):
        if name.strip().lower() in named and rows and parse_date(rows[0][j]) is not None:
            return j
    for j in range(len(header)):
        sample = [r[j] for r in rows[:20] if r[j].strip()]
        if sample and not all(_is_number(c) for c in sample) and \
                all(parse_date(c) is not None for c in sample):
            return j
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_csv(path: str | Path, target: int | str = 0) -> Series:
    """Read a CSV of a date/time column plus numeric columns; ``target`` is a numeric column's
    name or its index among the numeric columns. Raises ``InputError`` with one clear line."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            table = [row for row in csv.reader(fh) if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except csv.Error as exc:
        raise InputError(f"{path.name} is not a valid CSV: {exc}") from None
    if len(table) < 2:
        raise InputError(f"{path.name} has no data rows")
    header, rows = [h.strip() for h in table[0]], table[1:]
    for i, row in enumerate(rows):
        if len(row) != len(header):
            raise InputError(f"{path.name} line {i + 2}: {len(row)} cells, the header has {len(header)}")
    date_col = _find_date_column(header, rows)
    dates = None
    if date_col is not None:
        dates = []
        for i, row in enumerate(rows):
            d = parse_date(row[date_col])
            if d is None:
                raise InputError(f"{path.name} line {i + 2}: cannot parse date {row[date_col]!r} "
                                 f"in column {header[date_col]!r}")
            dates.append(d)
    columns = [h for j, h in enumerate(header) if j != date_col]
    cells = [[r[j] for j, _ in enumerate(header) if j != date_col] for r in rows]
    if not columns:
        raise InputError(f"{path.name} has no numeric columns")
    values = np.empty((len(rows), len(columns)))
    for j, name in enumerate(columns):
        for i, row in enumerate(cells):
            cell = row[j].strip()
            if not cell or cell.lower() in ("na", "nan", "null"):
                values[i, j] = np.nan
                continue
            try:
                values[i, j] = float(cell.replace(",", "")) if cell.count(",") and "." in cell else float(cell)
            except ValueError:
                raise InputError(f"{path.name} line {i + 2}: column {name!r} is not numeric "
                                 f"({cell[:30]!r})") from None
    return make_series(values, columns, target, dates, source=path.name)


def make_series(values: np.ndarray, columns: list[str] | None = None, target: int | str = 0,
                dates: list[datetime] | None = None, source: str = "data") -> Series:
    """Check and tidy a (time,) or (time, columns) array: pick the target, check dates, infer
    the frequency and interpolate missing values."""
    arr = np.asarray(values, dtype=np.float64) if not isinstance(values, np.ndarray) else values
    try:
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{source} is not numeric") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise InputError(f"{source} must be 1-D or 2-D (time x features), got shape {arr.shape}")
    columns = list(columns) if columns is not None else [f"x{j}" for j in range(arr.shape[1])]
    t = _target_index(target, columns, source)
    warnings: list[str] = []
    freq = None
    if dates is not None:
        _check_dates(dates, source)
        freq = infer_frequency(dates)
        gaps = date_gaps(dates, freq)
        if gaps:
            first = format_date(dates[gaps[0][0]], freq)
            warnings.append(f"dates: {sum(n for _, n in gaps)} missing step(s) in {len(gaps)} "
                            f"gap(s), the first after {first}; rows are used as consecutive steps")
    arr = arr.copy()
    for j, name in enumerate(columns):
        missing = np.isnan(arr[:, j])
        if missing.all():
            raise InputError(f"{source}: column {name!r} has no values")
        if missing.any():
            arr[:, j] = interpolate(arr[:, j])
            warnings.append(f"{name}: {int(missing.sum())} missing value(s) interpolated")
    if np.isinf(arr).any():
        raise InputError(f"{source} contains infinite values")
    if len(arr) < MIN_LENGTH:
        raise InputError(f"{source} is too short: {len(arr)} values, need at least {MIN_LENGTH}")
    return Series(arr, columns, t, dates, freq, warnings)


def _target_index(target: int | str, columns: list[str], source: str) -> int:
    if isinstance(target, str) and not target.lstrip("-").isdigit():
        if target not in columns:
            raise InputError(f"{source}: no column {target!r} (columns: {', '.join(columns)})")
        return columns.index(target)
    idx = int(target)
    if not -len(columns) <= idx < len(columns):
        raise InputError(f"{source}: target index {idx} out of range (0..{len(columns) - 1})")
    return idx % len(columns)


def _check_dates(dates: list[datetime], source: str) -> None:
    """Dates must increase strictly; the error names the row as a CSV line (header = line 1)."""
    for i in range(1, len(dates)):
        if dates[i] == dates[i - 1]:
            raise InputError(f"{source} line {i + 2}: duplicate date {format_date(dates[i], None)}")
        if dates[i] < dates[i - 1]:
            raise InputError(f"{source} line {i + 2}: dates are not in increasing order "
                             f"({format_date(dates[i - 1], None)} then {format_date(dates[i], None)})")


def date_gaps(dates: list[datetime], freq: str | None) -> list[tuple[int, int]]:
    """Where rows are missing at a regular frequency: (row before the gap, steps missing).
    Business days have none (holidays are not gaps); irregular dates (``freq`` None) neither."""
    if freq is None or freq == "B":
        return []
    step = FREQUENCIES[freq][0]
    days = np.diff([d.timestamp() for d in dates]) / 86400.0
    return [(i, int(round(g / step)) - 1) for i, g in enumerate(days) if g > 1.5 * step]


def interpolate(x: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaNs; leading/trailing NaNs take the nearest value."""
    ok = ~np.isnan(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[ok], x[ok])


def infer_frequency(dates: list[datetime]) -> str | None:
    """A frequency code of ``FREQUENCIES`` from the median spacing, or None when irregular."""
    if len(dates) < 3:
        return None
    gaps = np.diff([d.timestamp() for d in dates]) / 86400.0
    step = float(np.median(gaps))
    if 0.9 <= step <= 1.1:
        # trading days: no weekends at all and Friday -> Monday jumps of 3 days
        weekend = any(d.weekday() >= 5 for d in dates)
        return "B" if not weekend and (gaps > 2.5).mean() > 0.1 else "D"
    for code, (days, _, _) in FREQUENCIES.items():
        if code in ("D", "B"):
            continue
        if abs(step - days) <= 0.1 * days or (code == "M" and 28 <= step <= 31) or \
                (code == "Q" and 89 <= step <= 92) or (code == "Y" and 365 <= step <= 366):
            return code
    return None


def future_dates(last: datetime, freq: str | None, n: int) -> list[datetime] | None:
    """The ``n`` time stamps after ``last`` at frequency ``freq`` (None when it is unknown)."""
    if freq is None:
        return None
    out, cur = [], last
    for _ in range(n):
        if freq in ("M", "Q", "Y"):
            months = {"M": 1, "Q": 3, "Y": 12}[freq]
            m = cur.month - 1 + months
            cur = cur.replace(year=cur.year + m // 12, month=m % 12 + 1, day=min(cur.day, 28))
        elif freq == "B":
            cur += timedelta(days=1)
            while cur.weekday() >= 5:
                cur += timedelta(days=1)
        else:
            cur += timedelta(days=FREQUENCIES[freq][0])
        out.append(cur)
    return out


def format_date(d: datetime, freq: str | None) -> str:
    if freq in ("D", "B", "W", "M", "Q", "Y") or (d.hour == d.minute == d.second == 0):
        return date(d.year, d.month, d.day).isoformat()
    return d.isoformat(sep=" ")


def mase_lag(freq: str | None) -> int:
    """The MASE scaling lag by the M4 rule (seasonal for monthly, quarterly, hourly)."""
    return FREQUENCIES[freq][2] if freq in FREQUENCIES else 1


# -- season -------------------------------------------------------------------------------------
def seasonal_strength(y: np.ndarray, period: int) -> float:
    """Share of the detrended variance explained by a per-phase mean profile of ``period``
    (0 = no season, 1 = pure season). Needs at least three full periods."""
    n = len(y)
    if period < 2 or n < 3 * period:
        return 0.0
    kernel = np.ones(period) / period
    trend = np.convolve(y, kernel, mode="valid")  # centred moving average, (n - period + 1,)
    off = period // 2
    detr = y[off:off + len(trend)] - trend
    phase = (np.arange(len(detr)) + off) % period
    counts = np.bincount(phase, minlength=period)
    profile = np.bincount(phase, weights=detr, minlength=period) / np.maximum(counts, 1)
    var = detr.var()
    return 0.0 if var <= 0 else float(1 - (detr - profile[phase]).var() / var)


def infer_season(y: np.ndarray, freq: str | None, threshold: float = 0.3) -> int:
    """The seasonal period in steps: the frequency's candidate (e.g. 7 or 365 for daily data)
    with the highest seasonal strength above ``threshold``; failing that, the autocorrelation
    peak (cycles like the ~11-year sunspot cycle) if strong enough; else 1 (no season)."""
    best, best_strength = 1, threshold
    for period in FREQUENCIES[freq][1] if freq in FREQUENCIES else ():
        strength = seasonal_strength(y, period)
        if strength > best_strength:
            best, best_strength = period, strength
    peak = _acf_peak(y) if best == 1 else None
    if peak:  # the peak of a noisy autocorrelation may be off by one: let the strength decide
        for period in (peak - 1, peak, peak + 1):
            strength = seasonal_strength(y, period)
            if period >= 2 and strength > best_strength:
                best, best_strength = period, strength
    return best


def _acf_peak(y: np.ndarray, max_lag: int = 400) -> int | None:
    """The lag of the highest local maximum of the autocorrelation of the differenced series,
    if it is clearly positive (cycles like the ~11-year sunspot cycle)."""
    d = np.diff(y)
    d = d - d.mean()
    n = len(d)
    max_lag = min(max_lag, n // 3)
    if max_lag < 4 or d.var() == 0:
        return None
    acf = np.array([np.dot(d[:-k], d[k:]) for k in range(1, max_lag + 1)]) / (n * d.var())
    peaks = [k for k in range(2, max_lag) if acf[k - 1] > acf[k - 2] and acf[k - 1] >= acf[k]]
    if not peaks:
        return None
    lag = max(peaks, key=lambda k: acf[k - 1])
    return lag if acf[lag - 1] > 2.5 / math.sqrt(n) else None


# -- scaling and windows ------------------------------------------------------------------------
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
