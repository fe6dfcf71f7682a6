"""Dates: the frequency inferred from real and irregular dates, future time stamps
(``nextword.series.dates``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from nextword.series.data import read_csv
from nextword.series.dates import future_dates, infer_frequency

DATA = Path(__file__).resolve().parents[2] / "data" / "series"


@pytest.mark.parametrize(("name", "freq"), [
    ("goog_daily_ohlcv", "B"), ("melbourne_daily_min_temp", "D"), ("mauna_loa_co2_weekly", "W"),
    ("airline_passengers_monthly", "M"), ("us_macro_quarterly", "Q"), ("sunspots_yearly", "Y"),
])
def test_frequency_is_inferred_from_real_dates(name, freq):
    assert read_csv(DATA / f"{name}.csv").freq == freq


def test_irregular_dates_have_no_frequency():
    day = datetime(2020, 1, 1)
    dates = [day + timedelta(days=int(d)) for d in np.cumsum([1, 5, 17, 2, 40, 3, 90])]
    assert infer_frequency(dates) is None


def test_future_dates_follow_the_frequency():
    assert future_dates(datetime(2020, 11, 1), "M", 3) == [
        datetime(2020, 12, 1), datetime(2021, 1, 1), datetime(2021, 2, 1)]
    friday = datetime(2024, 3, 1)
    assert [d.weekday() for d in future_dates(friday, "B", 3)] == [0, 1, 2]
    assert future_dates(friday, None, 3) is None
