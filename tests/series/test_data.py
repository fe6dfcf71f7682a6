"""Series input: CSV parsing, checks, missing values and targets (``nextword.series.data``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from nextword.errors import InputError
from nextword.series.data import make_series, read_csv

DATA = Path(__file__).resolve().parents[2] / "data" / "series"


def write(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def daily_csv(n: int = 40, start: str = "2020-01-01") -> str:
    day = datetime.fromisoformat(start)
    rows = [f"{(day + timedelta(days=i)).date()},{10 + i % 7},{i * 2}" for i in range(n)]
    return "date,temp,other\n" + "\n".join(rows) + "\n"


def test_read_csv_parses_dates_and_picks_target_by_name(tmp_path):
    s = read_csv(write(tmp_path, daily_csv()), "other")
    assert s.freq == "D"
    assert s.target_name == "other"
    assert s.y[:3].tolist() == [0, 2, 4]
    assert s.covariates.shape == (40, 1)
    assert s.dates[0] == datetime(2020, 1, 1)


def test_read_csv_picks_target_by_index_among_numeric_columns(tmp_path):
    s = read_csv(write(tmp_path, daily_csv()), 1)
    assert s.target_name == "other"
    assert read_csv(write(tmp_path, daily_csv()), "0").target_name == "temp"


def test_empty_cells_are_interpolated_with_a_warning(tmp_path):
    text = daily_csv().replace("2020-01-03,12,4", "2020-01-03,,4")
    s = read_csv(write(tmp_path, text), "temp")
    assert s.y[2] == pytest.approx(12.0)  # halfway between 11 and 13
    assert any("1 missing" in w for w in s.warnings)


def test_real_gappy_series_is_interpolated():
    s = read_csv(DATA / "mauna_loa_co2_weekly.csv", "co2_ppm")
    assert s.freq == "W"
    assert not np.isnan(s.values).any()
    assert "59 missing" in s.warnings[0]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("2020-01-05,14,8", "2020-01-05,warm,8"), "not numeric"),
    (lambda t: t.replace("2020-01-05", "2020-01-04"), "line 6: duplicate date 2020-01-04$"),
    (lambda t: t.replace("2020-01-05", "2020-01-01"),
     r"line 6: dates are not in increasing order \(2020-01-04 then 2020-01-01\)"),
    (lambda t: t.replace("2020-01-05", "yesterday"), "cannot parse date"),
    (lambda t: "\n".join(t.splitlines()[:10]) + "\n", "too short"),
    (lambda t: t.replace("2020-01-05,14,8", "2020-01-05,14"), "cells"),
    (lambda t: "date,temp,other\n", "no data rows"),
])
def test_bad_csv_raises_one_clear_input_error(tmp_path, edit, message):
    path = write(tmp_path, edit(daily_csv()))
    with pytest.raises(InputError, match=message) as info:
        read_csv(path, "temp")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("missing", ["NA", "nan", "NULL", "  "])
def test_na_nan_null_and_blank_cells_are_missing_values_interpolated(tmp_path, missing):
    text = daily_csv().replace("2020-01-03,12,4", f"2020-01-03,{missing},4")
    s = read_csv(write(tmp_path, text), "temp")
    assert s.y[2] == pytest.approx(12.0)
    assert s.warnings == ["temp: 1 missing value(s) interpolated"]


def test_missing_cells_at_either_end_take_the_nearest_value(tmp_path):
    text = daily_csv().replace("2020-01-01,10,0", "2020-01-01,,0").replace(
        "2020-02-09,14,78", "2020-02-09,,78")
    s = read_csv(write(tmp_path, text), "temp")
    assert s.y[0] == 11.0 and s.y[-1] == 13.0
    assert s.warnings == ["temp: 2 missing value(s) interpolated"]


@pytest.mark.parametrize("column", ["temp", "other"])
def test_a_column_with_no_values_at_all_is_an_input_error(tmp_path, column):
    lines = daily_csv().splitlines()
    j = lines[0].split(",").index(column)
    rows = [",".join("" if k == j else c for k, c in enumerate(line.split(","))) for line in lines[1:]]
    with pytest.raises(InputError, match=f"column '{column}' has no values"):
        read_csv(write(tmp_path, lines[0] + "\n" + "\n".join(rows) + "\n"), "temp")


def test_quoted_thousands_separators_are_read_but_a_bare_comma_is_not_numeric(tmp_path):
    text = daily_csv().replace("2020-01-03,12,4", '2020-01-03,"1,234.5",4')
    assert read_csv(write(tmp_path, text), "temp").y[2] == 1234.5
    text = daily_csv().replace("2020-01-03,12,4", '2020-01-03,"1,5",4')
    with pytest.raises(InputError, match="line 4: column 'temp' is not numeric"):
        read_csv(write(tmp_path, text), "temp")


def test_infinite_values_are_an_input_error(tmp_path):
    with pytest.raises(InputError, match="infinite values"):
        read_csv(write(tmp_path, daily_csv().replace("2020-01-03,12,4", "2020-01-03,inf,4")))


def test_blank_lines_and_a_utf8_bom_are_ignored(tmp_path):
    lines = daily_csv().splitlines()
    text = "\ufeff" + lines[0] + "\n\n" + "\n".join(lines[1:20]) + "\n , \n" + "\n".join(lines[20:])
    s = read_csv(write(tmp_path, text), "temp")
    assert s.columns == ["temp", "other"] and len(s.y) == 40 and s.freq == "D"


def test_unreadable_encodings_and_broken_csv_are_input_errors(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(daily_csv().replace("temp", "temp \u00b0C").encode("latin-1"))
    with pytest.raises(InputError, match="cannot read"):
        read_csv(path)
    huge = daily_csv().replace("2020-01-03,12,4", "2020-01-03,12," + "9" * 200_000)
    with pytest.raises(InputError, match="not a valid CSV: field larger than field limit"):
        read_csv(write(tmp_path, huge))


def test_a_csv_with_only_dates_has_no_numeric_columns(tmp_path):
    text = "date\n" + "\n".join(f"2020-01-{d:02d}" for d in range(1, 31)) + "\n"
    with pytest.raises(InputError, match="no numeric columns"):
        read_csv(write(tmp_path, text))


def test_a_csv_without_dates_is_a_plain_sequence_of_steps(tmp_path):
    text = "temp,other\n" + "\n".join(f"{10 + i % 7},{i * 2}" for i in range(40)) + "\n"
    s = read_csv(write(tmp_path, text), "other")
    assert s.dates is None and s.freq is None and s.y[:3].tolist() == [0, 2, 4]


def test_missing_dates_are_reported_and_rows_taken_as_consecutive_steps(tmp_path):
    lines = daily_csv().splitlines()
    del lines[6:9]  # 2020-01-06 .. 2020-01-08
    s = read_csv(write(tmp_path, "\n".join(lines) + "\n"), "temp")
    assert s.freq == "D" and len(s.y) == 37
    assert s.warnings == ["dates: 3 missing step(s) in 1 gap(s), the first after 2020-01-05; "
                          "rows are used as consecutive steps"]


def test_real_dates_gaps_are_reported_but_trading_day_holidays_are_not():
    assert read_csv(DATA / "melbourne_daily_min_temp.csv").warnings == [
        "dates: 2 missing step(s) in 2 gap(s), the first after 1984-12-30; "
        "rows are used as consecutive steps"]
    assert read_csv(DATA / "goog_daily_ohlcv.csv").warnings == []  # business days, holidays


def test_unknown_target_names_the_columns(tmp_path):
    with pytest.raises(InputError, match="no column 'close'.*temp, other"):
        read_csv(write(tmp_path, daily_csv()), "close")
    with pytest.raises(InputError, match="out of range"):
        read_csv(write(tmp_path, daily_csv()), 5)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_csv(tmp_path / "nope.csv")


def test_arrays_are_accepted_one_and_two_dimensional():
    assert make_series(np.arange(30.0)).values.shape == (30, 1)
    s = make_series(np.arange(60.0).reshape(30, 2), target=1)
    assert s.y[0] == 1.0 and s.freq is None
    with pytest.raises(InputError, match="1-D or 2-D"):
        make_series(np.zeros((30, 2, 2)))
