#!/usr/bin/env python3
"""Suggest latency: type held-out text keystroke by keystroke through ``suggest()``.

Prints p50/p99 per keystroke and the ratio of p99 to the time it takes to read the word model's
weights once (a memory copy of the same number of bytes, measured in the same run): a step of a
memory-bound LSTM cannot beat that, so the ratio says how close to the machine's limit we are.

    .venv/bin/python scripts/bench/suggest.py [--model DIR] [--words 3000]
    .venv/bin/python scripts/bench/suggest.py --learn ../shared/data/personal/karamazov-train.txt
                                               # with a personal model of 300k learned words
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

import nextword

ROOT = Path(__file__).resolve().parents[2]


def weight_read_seconds(n_bytes: int, repeats: int = 30) -> float:
    """Median time to copy ``n_bytes`` of memory once (read + write of a buffer that does not fit
    in cache is what one LSTM step's weight read costs at best)."""
    src = np.ones(n_bytes // 8, dtype=np.float64)
    dst = np.empty_like(src)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--text", default=str(ROOT / "heldout" / "fortunes-block.txt"))
    ap.add_argument("--words", type=int, default=3000)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the editor uses 1)")
    ap.add_argument("--learn", metavar="FILE", help="learn this text first (model.learn), as a user's history")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = nextword.load(args.model)
    words = Path(args.text).read_text("utf-8").split()[: args.words]
    text = " ".join(words)
    model.suggest(text[:200], 3)  # warm-up (first call builds the caches)
    model = nextword.load(args.model)
    if args.learn:
        started = time.perf_counter()
        model.learn(Path(args.learn).read_text("utf-8"))
        print(f"learned {model.personal.words:,} words ({len(model.personal.vocab.new_ids):,} new) "
              f"in {time.perf_counter() - started:.1f} s")
        model.suggest(text[:200], 3)
    times = []
    for i in range(1, len(text) + 1):
        t = time.perf_counter()
        model.suggest(text[:i], 3)
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    lm_bytes = sum(p.numel() * 4 for p in model.word_lm.parameters())
    read = weight_read_seconds(lm_bytes) * 1000
    p50, p99 = np.percentile(ms, 50), np.percentile(ms, 99)
    print(f"keystrokes: {len(ms):,} over {len(words):,} words (threads={args.threads})")
    print(f"suggest latency: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {ms.max():.1f} ms")
    print(f"word-model weights: {lm_bytes / 1e6:.1f} MB fp32; one read (memcpy) {read:.2f} ms")
    print(f"p99 / weight read = {p99 / read:.2f}x")


if __name__ == "__main__":
    main()
