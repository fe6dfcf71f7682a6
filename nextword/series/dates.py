"""Dates of a series: parsing, the sampling frequency, gaps, future time stamps and the MASE lag.

A frequency is a code of ``FREQUENCIES`` ("D" daily, "B" business days, "M" monthly, ...) or None
when the dates are irregular or unknown.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from nextword.errors import InputError

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


def check_dates(dates: list[datetime], source: str) -> None:
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
