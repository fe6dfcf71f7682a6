"""Keystroke-to-ghost-text latency of the real editor, driven by Textual's Pilot.

Types a passage key by key at a steady pace into the headless app and reports, for every
keystroke whose ghost text was shown, the time from the edit to the ghost appearing (the text
area records it: ``SuggestTextArea.latencies``). Keystrokes overtaken by the next one before
their result arrived are counted as superseded (their results are dropped, by design).

With ``--hog`` a second process keeps one of the machine's cores busy the whole time, and the
passage typed is sentences with real typos (``context-fortunes-dev.tsv``). It is typed twice,
each time into a fresh editor and model: first as a slow typist would (waiting for every
result), which gives the corrections expected; then at the steady pace under load. It reports
the ghost latency of the second run and how many of the expected corrections it applied (and
whether the saved text is the same).

    .venv/bin/python scripts/bench/editor_latency.py                 # bundled model, or a tiny one
    .venv/bin/python scripts/bench/editor_latency.py --model DIR --keys 800 --interval 0.08 [--no-phrases]
    .venv/bin/python scripts/bench/editor_latency.py --hog           # one core busy; corrections

Exits 1 when p99 is above --max-p99 (default 50 ms), or with --hog when a correction is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPOS = ROOT.parent / "shared" / "data" / "typos" / "context-fortunes-dev.tsv"
HOG = "while True:\n    pass\n"  # one core kept busy


def sample_text(n_keys: int) -> str:
    """A passage of plain prose from the middle of the Gutenberg part of the corpus."""
    text = (ROOT / "corpus" / "gutenberg-books.txt").read_text("utf-8")
    start = text.index("\n", len(text) // 2) + 1
    return " ".join(text[start:start + n_keys * 2].split())[:n_keys]


def typo_text(n_keys: int) -> str:
    """Sentences as typed with their typos (the noisy side of the sentence set), one per line."""
    from nextword.correct.evaluate import read_sentences

    lines, total = [], 0
    for _, noisy in read_sentences(TYPOS):
        lines.append(" ".join(noisy))
        total += len(lines[-1]) + 1
        if total >= n_keys:
            break
    return "\n".join(lines)[:n_keys].rsplit(" ", 1)[0] + " "


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def run(model, text: str, interval: float, data_dir: Path, phrases: bool = True,
              slow: bool = False) -> tuple[list[float], int, float, str]:
    """Type ``text`` (``slow``: waiting for every result after each key); returns (latencies
    in ms, keystrokes superseded, seconds, the text in the editor at the end)."""
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
            if slow:
                await app.workers.wait_for_complete()
                await pilot.pause()
            else:
                await asyncio.sleep(interval)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        seconds = time.perf_counter() - start
        return list(editor.latencies), editor.dropped, seconds, editor.text


def corrected_words(typed: str, final: str) -> set[int]:
    """Indexes of the words of ``typed`` that ``final`` holds changed."""
    ops = difflib.SequenceMatcher(None, typed.split(), final.split(), autojunk=False).get_opcodes()
    return {i for tag, i1, i2, _, _ in ops if tag != "equal" for i in range(i1, i2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: bundled, else a tiny one trained now)")
    ap.add_argument("--keys", type=int, default=600, help="keystrokes to type")
    ap.add_argument("--interval", type=float, default=0.08, help="seconds between keystrokes")
    ap.add_argument("--max-p99", type=float, default=50.0)
    ap.add_argument("--no-phrases", action="store_true", help="phrase completion off (the ghost is one word)")
    ap.add_argument("--hog", action="store_true", help="keep one core busy; type text with typos and "
                    "count the corrections against a slow typist's")
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
        text = typo_text(args.keys) if args.hog else sample_text(args.keys)
        phrases = not args.no_phrases
        expected: set[int] = set()
        if args.hog:  # the slow typist first, on an idle machine
            *_, slow_final = asyncio.run(run(nextword.load(model_dir), text, 0, work / "slow", phrases, slow=True))
            expected = corrected_words(text, slow_final)
        hog = subprocess.Popen([sys.executable, "-c", HOG]) if args.hog else None
        try:
            lat, dropped, seconds, final = asyncio.run(
                run(nextword.load(model_dir), text, args.interval, work / "data", phrases))
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
    p50, p90, p99 = (percentile(lat, q) for q in (50, 90, 99))
    print(f"model {model_dir}, phrases {'on' if phrases else 'off'}{', one core busy' if args.hog else ''}: "
          f"{len(text)} keystrokes in {seconds:.1f} s ({len(text) / seconds:.1f} keys/s), "
          f"{len(lat)} ghosts shown, {dropped} results dropped as stale")
    print(f"keystroke -> ghost text: p50 {p50:.1f} ms  p90 {p90:.1f} ms  p99 {p99:.1f} ms  "
          f"max {max(lat):.1f} ms")
    ok = p99 <= args.max_p99
    if args.hog:
        applied = corrected_words(text, final)
        print(f"corrections applied: {len(applied & expected)} of {len(expected)} expected "
              f"(a slow typist's), {len(applied - expected)} others; "
              f"text {'the same as' if final == slow_final else 'DIFFERENT from'} the slow typist's")
        ok = ok and expected <= applied
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
