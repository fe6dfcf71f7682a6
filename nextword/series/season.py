"""The seasonal period of a series: the frequency's candidates scored by seasonal strength, or
the peak of the autocorrelation for cycles no calendar predicts (the ~11-year sunspot cycle)."""

from __future__ import annotations

import math

import numpy as np

from nextword.series.dates import FREQUENCIES


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
