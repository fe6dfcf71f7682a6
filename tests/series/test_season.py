"""Season inference from the frequency and the data (``nextword.series.season``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nextword.series.data import read_csv
from nextword.series.season import infer_season

DATA = Path(__file__).resolve().parents[2] / "data" / "series"


def test_season_is_inferred_from_frequency_and_data():
    t = np.arange(240)
    rng = np.random.default_rng(0)
    assert infer_season(100 + t + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, 240), "M") == 12
    assert infer_season(np.cumsum(rng.normal(size=240)), "M") == 1
    assert infer_season(50 + 40 * np.sin(2 * np.pi * t / 11) + rng.normal(0, 3, 240), "Y") == 11


@pytest.mark.parametrize(("name", "season"), [
    ("melbourne_daily_min_temp", 365), ("airline_passengers_monthly", 12),
    ("mauna_loa_co2_weekly", 52), ("sunspots_yearly", 11), ("goog_daily_ohlcv", 1),
])
def test_season_is_inferred_on_real_series(name, season):
    s = read_csv(DATA / f"{name}.csv")
    assert infer_season(s.y, s.freq) == season
