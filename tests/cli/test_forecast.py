"""`nextword forecast`: output, files written, charts, and one-line errors with exit code 2."""

from __future__ import annotations

import csv
import struct
import subprocess
import sys
import zlib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from nextword.cli import main
from nextword.series import chart

ROOT = Path(__file__).resolve().parents[2]
AIRLINE = ROOT / "data" / "series" / "airline_passengers_monthly.csv"
FAST = ["--ensemble", "1"]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """One real run on the airline series with every output switched on."""
    tmp = tmp_path_factory.mktemp("cli")
    out, plot, model = tmp / "fc.csv", tmp / "fc.png", tmp / "model"
    proc = subprocess.run(
        [sys.executable, "-m", "nextword", "forecast", str(AIRLINE), "--target",
         "passengers_thousands", "--horizon", "12", "--backtest", "2", "--out", str(out),
         "--plot", str(plot), "--save", str(model), *FAST],
        capture_output=True, text=True, cwd=ROOT, env={"OMP_NUM_THREADS": "1", "COLUMNS": "120",
                                                      "PATH": "/usr/bin:/bin"}, timeout=300)
    return proc, out, plot, model


def test_forecast_command_prints_forecast_and_backtest_tables(cli_run):
    proc = cli_run[0]
    assert proc.returncode == 0, proc.stderr
    assert "forecast of passengers_thousands" in proc.stdout
    assert "1961-01-01" in proc.stdout and "1961-12-01" in proc.stdout
    for method in ("nextword", "naive", "seasonal naive (lag 12)", "MASE", "sMAPE"):
        assert method in proc.stdout
    assert "● forecast" in proc.stdout  # the terminal chart


def test_forecast_csv_has_dates_and_interval_columns(cli_run):
    rows = list(csv.reader(cli_run[1].open()))
    assert rows[0] == ["date", "passengers_thousands", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert len(rows) == 13 and rows[1][0] == "1961-01-01"
    lo95, lo80, mean, hi80, hi95 = (float(rows[1][i]) for i in (4, 2, 1, 3, 5))
    assert lo95 <= lo80 <= mean <= hi80 <= hi95
    assert 300 < mean < 700  # thousands of passengers, original units


def test_plot_is_a_valid_png(cli_run):
    data = cli_run[2].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 420)


def test_saved_model_loads_and_forecasts(cli_run):
    from nextword.series.forecaster import Forecaster
    model = Forecaster.load(cli_run[3])
    assert model.predict(horizon=12).shape == (12,)


def test_png_encoder_round_trips_pixels():
    img = np.zeros((3, 4, 3), np.uint8)
    img[1, 2] = (255, 10, 20)
    data = chart.png_bytes(img)
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41:41 + idat_len])
    rows = [raw[r * 13 + 1:(r + 1) * 13] for r in range(3)]  # skip each row's filter byte
    assert rows[1][6:9] == bytes([255, 10, 20]) and rows[0] == bytes(12)


def test_png_draws_history_forecast_and_band():
    history = np.sin(np.arange(60) / 5)
    fc = {"mean": np.zeros(10), "lower_0.8": -np.ones(10), "upper_0.8": np.ones(10)}
    img = chart.render_png(history, fc, size=(300, 150))
    colors = {tuple(c) for c in img.reshape(-1, 3)}
    for name in ("history", "forecast", "band80"):
        assert chart.COLORS[name] in colors


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


def good_rows(n: int = 40) -> list[str]:
    """Daily rows from 2020-01-01 with a small repeating pattern."""
    start = date(2020, 1, 1)
    return [f"{start + timedelta(days=i)},{10 + i % 5}" for i in range(n)]


@pytest.mark.parametrize(("text", "message"), [
    ("date,temp\n" + "\n".join(good_rows()).replace("2020-01-05,14", "2020-01-05,hot") + "\n", "not numeric"),
    ("date,temp\n" + "\n".join(good_rows(10)) + "\n", "too short"),
    ("date,temp\n" + "\n".join(good_rows()).replace("2020-01-05", "2020-01-02") + "\n", "not in increasing order"),
    ("date,temp\n" + "\n".join(good_rows()).replace("2020-01-05", "2020-01-04") + "\n", "duplicate date"),
    ("date,temp\n" + "\n".join(good_rows()).replace("2020-01-05", "someday") + "\n", "cannot parse date"),
    ("date,temp\n", "no data rows"),
])
def test_bad_csv_gives_one_line_and_exit_code_2(tmp_path, capsys, text, message):
    code = main(["forecast", str(write(tmp_path, text)), "--horizon", "3", *FAST])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("nextword: error: ") and message in err and "\n" not in err


def test_unknown_target_and_missing_file_exit_2(tmp_path, capsys):
    assert main(["forecast", str(AIRLINE), "--target", "price"]) == 2
    assert "no column 'price'" in capsys.readouterr().err
    assert main(["forecast", str(tmp_path / "none.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_bad_csv_exit_code_from_a_real_process(tmp_path):
    path = write(tmp_path, "date,temp\n2020-01-02,1\n2020-01-01,2\n")
    proc = subprocess.run([sys.executable, "-m", "nextword", "forecast", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "not in increasing order" in proc.stderr


def test_missing_file_error_is_one_line_from_the_main_cli(tmp_path, capsys):
    assert main(["forecast", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err.startswith("nextword: error: file not found")


def test_missing_cells_are_interpolated_with_a_warning_and_succeed(tmp_path, capsys):
    rows = good_rows(60)
    rows[20] = rows[20].split(",")[0] + ","
    path = write(tmp_path, "date,temp\n" + "\n".join(rows) + "\n")
    out = tmp_path / "fc.csv"
    code = main(["forecast", str(path), "--horizon", "3", "--backtest", "0", "--no-chart",
                 "--season", "1", "--out", str(out), *FAST])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1 missing value(s) interpolated" in captured.err
    assert len(out.read_text().splitlines()) == 4
