"""Numeric series in: a CSV, an array or a ``Series`` -> a checked ``Series``.

A CSV has one date/time column and numeric columns; the target is picked by name or index and
the other numeric columns ride along as covariates. Dates are parsed and must increase strictly;
the sampling frequency is inferred from them (``dates``). Empty cells are interpolated (with a
warning).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from nextword.errors import InputError
from nextword.series.dates import check_dates, date_gaps, format_date, infer_frequency, parse_date

MIN_LENGTH = 24  # fewer observations than this cannot be split into train and validation windows


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


# -- reading ------------------------------------------------------------------------------------
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


# -- checks -------------------------------------------------------------------------------------
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
        check_dates(dates, source)
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


def interpolate(x: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaNs; leading/trailing NaNs take the nearest value."""
    ok = ~np.isnan(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[ok], x[ok])
