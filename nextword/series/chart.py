"""Forecast charts without a plotting library: unicode text for the terminal, PNG for files.

Both show the recent history, the forecast and its prediction interval. The PNG is rasterised
with numpy and written with ``zlib`` + ``struct`` (matplotlib would be a 40 MB dependency for
one picture); its only text is numbers, drawn with a 3x5 pixel font.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from rich.text import Text

from nextword.files import atomic_write_bytes


def _value_range(*arrays: np.ndarray) -> tuple[float, float]:
    lo = min(float(np.min(a)) for a in arrays if len(a))
    hi = max(float(np.max(a)) for a in arrays if len(a))
    pad = (hi - lo) * 0.05 or max(abs(hi), 1.0) * 0.05
    return lo - pad, hi + pad


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e5 else f"{x:.3e}"


# -- terminal -----------------------------------------------------------------------------------
def text_chart(history: np.ndarray, mean: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               width: int = 72, height: int = 14) -> Text:
    """History (dots), forecast (cyan) and interval (shaded) as a rich ``Text`` block.

    Each column is one step; the history is cut to what fits beside the forecast."""
    n_future = len(mean)
    if n_future >= width:  # squeeze a long forecast: every k-th step
        keep = np.linspace(0, n_future - 1, width // 2).round().astype(int)
        mean, lower, upper = mean[keep], lower[keep], upper[keep]
        n_future = len(mean)
    history = history[-(width - n_future):]
    lo, hi = _value_range(history, lower, upper)

    def row(v: np.ndarray) -> np.ndarray:
        return np.clip(((hi - v) / (hi - lo) * (height - 1)).round().astype(int), 0, height - 1)

    grid = [[(" ", "")] * (len(history) + n_future) for _ in range(height)]
    for x, r in enumerate(row(history)):
        grid[r][x] = ("•", "white")
    top, bottom, mid = row(upper), row(lower), row(mean)
    for i in range(n_future):
        x = len(history) + i
        for r in range(top[i], bottom[i] + 1):
            grid[r][x] = ("░", "blue")
        grid[mid[i]][x] = ("●", "bold cyan")
    label_w = max(len(_fmt(hi)), len(_fmt(lo)))
    out = Text()
    for r, cells in enumerate(grid):
        label = _fmt(hi) if r == 0 else _fmt(lo) if r == height - 1 else ""
        out.append(f"{label:>{label_w}} │", style="dim")
        for char, style in cells:
            out.append(char, style=style)
        out.append("\n")
    out.append(" " * label_w + " └" + "─" * len(history) + "┴" + "─" * (n_future - 1) + "\n", style="dim")
    out.append(" " * (label_w + 2) + "• actual  ", style="white")
    out.append("● forecast  ", style="bold cyan")
    out.append("░ interval", style="blue")
    return out


# -- PNG ----------------------------------------------------------------------------------------
_FONT = {  # 3x5 glyphs, rows top to bottom, bits left to right
    "0": (7, 5, 5, 5, 7), "1": (2, 6, 2, 2, 7), "2": (7, 1, 7, 4, 7), "3": (7, 1, 7, 1, 7),
    "4": (5, 5, 7, 1, 1), "5": (7, 4, 7, 1, 7), "6": (7, 4, 7, 5, 7), "7": (7, 1, 1, 1, 1),
    "8": (7, 5, 7, 5, 7), "9": (7, 5, 7, 1, 7), "-": (0, 0, 7, 0, 0), ".": (0, 0, 0, 0, 2),
    "e": (0, 7, 7, 4, 7), "+": (0, 2, 7, 2, 0), " ": (0, 0, 0, 0, 0), ":": (0, 2, 0, 2, 0),
}

COLORS = {"history": (40, 40, 40), "forecast": (230, 120, 20), "band80": (250, 200, 150),
          "band95": (253, 230, 205), "grid": (225, 225, 225), "axis": (120, 120, 120)}


def _text(img: np.ndarray, x: int, y: int, s: str, scale: int = 2, color=(80, 80, 80)) -> None:
    for i, ch in enumerate(s):
        for r, bits in enumerate(_FONT.get(ch, _FONT[" "])):
            for c in range(3):
                if bits >> (2 - c) & 1:
                    x0, y0 = x + (i * 4 + c) * scale, y + r * scale
                    img[y0:y0 + scale, x0:x0 + scale] = color


def _line(img: np.ndarray, xs: np.ndarray, ys: np.ndarray, color, thick: int = 2) -> None:
    h, w, _ = img.shape
    for (x0, y0), (x1, y1) in zip(zip(xs[:-1], ys[:-1], strict=True), zip(xs[1:], ys[1:], strict=True), strict=True):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        px = np.linspace(x0, x1, n).round().astype(int)
        py = np.linspace(y0, y1, n).round().astype(int)
        for dx in range(thick):
            for dy in range(thick):
                img[np.clip(py + dy, 0, h - 1), np.clip(px + dx, 0, w - 1)] = color


def png_bytes(img: np.ndarray) -> bytes:
    """Encode an (height, width, 3) uint8 image as PNG."""
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(h))  # filter type 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def render_png(history: np.ndarray, forecast: dict[str, np.ndarray], size: tuple[int, int] = (900, 420),
               labels: tuple[str, str] = ("", "")) -> np.ndarray:
    """Rasterise history + forecast (+ "lower_0.8"/"upper_0.8", "lower_0.95"/"upper_0.95"
    bands when present) into an RGB image; ``labels`` are printed under the first history
    step and the last forecast step (e.g. dates)."""
    width, height = size
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    left, right, top, bottom = 90, 20, 20, 50
    mean = forecast["mean"]
    n_hist, n_fut = len(history), len(mean)
    bands = [k for k in ("0.95", "0.8") if f"lower_{k}" in forecast]
    lo, hi = _value_range(history, mean, *[forecast[f"{s}_{k}"] for k in bands for s in ("lower", "upper")])

    def px(i: np.ndarray) -> np.ndarray:
        return left + i / max(1, n_hist + n_fut - 1) * (width - left - right)

    def py(v: np.ndarray) -> np.ndarray:
        return top + (hi - v) / (hi - lo) * (height - top - bottom)

    for k in range(5):  # horizontal grid lines with value labels
        v = lo + (hi - lo) * k / 4
        y = int(round(py(v)))
        img[y, left:width - right] = COLORS["grid"]
        _text(img, 6, y - 5, _fmt(v))
    img[top:height - bottom, left] = COLORS["axis"]
    img[height - bottom, left:width - right] = COLORS["axis"]
    steps = np.arange(n_hist - 1, n_hist + n_fut)  # bands start at the last observed value
    for key in bands:
        lower = np.concatenate([[history[-1]], forecast[f"lower_{key}"]])
        upper = np.concatenate([[history[-1]], forecast[f"upper_{key}"]])
        xs = np.arange(int(px(steps[0])), int(px(steps[-1])) + 1)
        y_top = np.interp(xs, px(steps), py(upper)).round().astype(int)
        y_bot = np.interp(xs, px(steps), py(lower)).round().astype(int)
        for x, a, b in zip(xs, y_top, y_bot, strict=True):
            img[max(a, top):min(b, height - bottom) + 1, x] = COLORS["band95" if key == "0.95" else "band80"]
    x_cut = int(px(np.array(n_hist - 1)))
    img[top:height - bottom:6, x_cut] = COLORS["axis"]  # dotted line at the forecast origin
    _line(img, px(np.arange(n_hist)), py(history), COLORS["history"])
    _line(img, px(steps), py(np.concatenate([[history[-1]], mean])), COLORS["forecast"], thick=3)
    _text(img, left, height - bottom + 12, labels[0])
    _text(img, max(left, width - right - 8 * len(labels[1])), height - bottom + 12, labels[1])
    return img


def write_png(path: str | Path, history: np.ndarray, forecast: dict[str, np.ndarray],
              labels: tuple[str, str] = ("", "")) -> Path:
    """Draw the chart and write it atomically to ``path``."""
    path = Path(path)
    atomic_write_bytes(path, png_bytes(render_png(history, forecast, labels=labels)))
    return path
