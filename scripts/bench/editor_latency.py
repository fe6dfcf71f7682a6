"""Keystroke-to-ghost-text latency of the real editor, driven by Textual's Pilot.

Types a passage key by key at a steady pace into the headless app and reports, for every
keystroke whose ghost text was shown, the time from the edit to the ghost appearing (the text
area records it: ``SuggestTextArea.latencies``). Keystrokes overtaken by the next one before
their result arrived are counted as superseded (their results are dropped, by design).

    .venv/bin/python scripts/bench/editor_latency.py                 # bundled model, or a tiny one
    .venv/bin/python scripts/bench/editor_latency.py --model DIR --keys 800 --interval 0.08 [--no-phrases]

Exits 1 when p99 is above --max-p99 (default 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sample_text(n_keys: int) -> str:
    """A passage of plain prose from the middle of the Gutenberg part of the corpus."""
    text = (ROOT / "corpus" / "gutenberg-books.txt").read_text("utf-8")
    start = text.index("\n", len(text) // 2) + 1
    return " ".join(text[start:start + n_keys * 2].split())[:n_keys]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def run(model, text: str, interval: float, data_dir: Path, phrases: bool = True
              ) -> tuple[list[float], int, float]:
    """Type ``text``; returns (latencies in ms, keystrokes superseded, seconds)."""
    from nextword.app import make_app

    keys = {" ": "space", "\n": "enter"}
    app = make_app(None, model=model, data_directory=data_dir, autosave_seconds=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = app.editor
        editor.phrases_enabled = phrases
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        for ch in text:
            key = keys.get(ch, ch if ch.isalnum() else None)
            if key is None:
                editor.insert(ch)  # punctuation: the same edit a key press makes
            else:
                await pilot.press(key)
            await asyncio.sleep(interval)
        await app.workers.wait_for_complete()
        await pilot.pause()
        seconds = time.perf_counter() - start
        return list(editor.latencies), editor.dropped, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: bundled, else a tiny one trained now)")
    ap.add_argument("--keys", type=int, default=600, help="keystrokes to type")
    ap.add_argument("--interval", type=float, default=0.08, help="seconds between keystrokes")
    ap.add_argument("--max-p99", type=float, default=50.0)
    ap.add_argument("--no-phrases", action="store_true", help="phrase completion off (the ghost is one word)")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    import nextword
    from nextword.lm.train import train_tiny

    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    with tempfile.TemporaryDirectory(prefix="nextword-bench-") as tmp:
        work = Path(tmp)
        if args.model:
            model_dir = Path(args.model)
        elif (nextword.default_model_path() / "config.json").exists():
            model_dir = nextword.default_model_path()
        else:
            print("no bundled model: training a tiny one ...", file=sys.stderr)
            model_dir = train_tiny(ROOT / "corpus", work)
        model = nextword.load(model_dir)
        text = sample_text(args.keys)
        lat, dropped, seconds = asyncio.run(run(model, text, args.interval, work / "data", not args.no_phrases))
    p50, p90, p99 = (percentile(lat, q) for q in (50, 90, 99))
    print(f"model {model_dir}, phrases {'off' if args.no_phrases else 'on'}: {len(text)} keystrokes in {seconds:.1f} s "
          f"({len(text) / seconds:.1f} keys/s), {len(lat)} ghosts shown, {dropped} results dropped as stale")
    print(f"keystroke -> ghost text: p50 {p50:.1f} ms  p90 {p90:.1f} ms  p99 {p99:.1f} ms  "
          f"max {max(lat):.1f} ms")
    return 0 if p99 <= args.max_p99 else 1


if __name__ == "__main__":
    sys.exit(main())
