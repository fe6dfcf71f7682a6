#!/usr/bin/env python3
"""Suggest latency: type held-out text keystroke by keystroke through ``suggest()``.

Types every file given (default: all of ``heldout/`` and the dev personas' later writing in
``../shared/data/personal/``) as the editor asks: the whole text before the cursor after every
keystroke. Each file is typed as documents of about ``--doc-words`` words (paragraphs kept
whole), each from an empty page. Prints p50/p99 per keystroke over everything, per file and per
keystroke kind (after a space, inside a known prefix, inside a mistyped prefix, after
punctuation), the slowest keystrokes, and the ratio of p99 to one read of the word model's
weights (a memory copy of as many bytes, measured in the same run): a memory-bound LSTM step
cannot beat that, so the ratio says how close to the machine's limit we are.

    .venv/bin/python scripts/bench/suggest.py                      # everything (~20 min)
    .venv/bin/python scripts/bench/suggest.py --words 3000         # the first 3000 words of each
    .venv/bin/python scripts/bench/suggest.py --learn ../shared/data/personal/karamazov-train.txt
                                               # with a personal model of 300k learned words
"""

from __future__ import annotations

import argparse
import gc
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

import nextword
from nextword.text.words import partial_word

ROOT = Path(__file__).resolve().parents[2]
PERSONAL = ROOT.parent / "shared" / "data" / "personal"
KINDS = ("after a space", "after punctuation", "inside a known prefix", "inside a mistyped prefix")


def default_files() -> list[Path]:
    """All held-out text, then the personas' later writing (when the shared data is there)."""
    heldout = sorted(p for p in (ROOT / "heldout").glob("*.txt"))
    return heldout + sorted(PERSONAL.glob("*-test.txt"))


def documents(text: str, doc_words: int, limit: int | None) -> list[str]:
    """``text`` cut into documents of about ``doc_words`` words at paragraph ends (at most
    ``limit`` words in all)."""
    docs, current, n, total = [], [], 0, 0
    for para in text.split("\n"):
        words = len(para.split())
        if limit is not None and total + words > limit:
            para = " ".join(para.split()[: limit - total])
            words = limit - total
        current.append(para)
        n, total = n + words, total + words
        if n >= doc_words or (limit is not None and total >= limit):
            docs.append("\n".join(current))
            current, n = [], 0
        if limit is not None and total >= limit:
            break
    if any(p.strip() for p in current):
        docs.append("\n".join(current))
    return [d for d in docs if d.strip()]


def keystroke_kind(model: nextword.TypingModel, text: str) -> str:
    """Which kind of keystroke produced ``text`` (the text before the cursor)."""
    partial = partial_word(text)
    if partial:
        known = model.knows_prefix(partial.lower())
        return "inside a known prefix" if known else "inside a mistyped prefix"
    return "after a space" if text[-1:].isspace() else "after punctuation"


def warm_up(model: nextword.TypingModel) -> None:
    """What the editor does when it opens: build the corrector's index and the caches, then
    keep the garbage collector off the model's objects (``SuggestTextArea._warm_up``)."""
    model.correct("teh", "", 1)
    model.suggest("The quick brown fox", 3)
    gc.freeze()


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


def line(label: str, ms: np.ndarray) -> str:
    return (f"  {label:<34} {len(ms):>9,} {np.percentile(ms, 50):>7.2f} {np.percentile(ms, 99):>7.2f}"
            f" {ms.max():>8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="text to type (default: heldout/ + personas)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--words", type=int, default=None, help="type only the first N words of each file")
    ap.add_argument("--doc-words", type=int, default=2000, help="words per typed document")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the editor uses 1)")
    ap.add_argument("--learn", metavar="FILE", help="learn this text first (model.learn), as a user's history")
    ap.add_argument("--slowest", type=int, default=8, help="show the N slowest keystrokes")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = nextword.load(args.model)
    warm_up(model)
    if args.learn:
        started = time.perf_counter()
        model.learn(Path(args.learn).read_text("utf-8"))
        print(f"learned {model.personal.words:,} words ({len(model.personal.vocab.new_ids):,} new) "
              f"in {time.perf_counter() - started:.1f} s")
        warm_up(model)
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_file: dict[str, list[float]] = {}
    slowest: list[tuple[float, str, str, str]] = []
    for path in args.files or default_files():
        times = by_file.setdefault(path.name, [])
        for doc in documents(path.read_text("utf-8"), args.doc_words, args.words):
            for i in range(1, len(doc) + 1):
                text = doc[:i]
                t = time.perf_counter()
                model.suggest(text, 3)
                dt = (time.perf_counter() - t) * 1000
                times.append(dt)
                kind = keystroke_kind(model, text)
                by_kind[kind].append(dt)
                if dt > 8:
                    slowest.append((dt, path.name, kind, text[-40:]))
    ms = np.concatenate([np.array(t) for t in by_file.values()])
    lm_bytes = sum(p.numel() * p.element_size() for p in model.word_lm.parameters())
    read = weight_read_seconds(lm_bytes) * 1000
    p99 = np.percentile(ms, 99)
    print(f"suggest() per keystroke (threads={args.threads}), ms:")
    print(f"  {'':<34} {'keys':>9} {'p50':>7} {'p99':>7} {'max':>8}")
    print(line("all", ms))
    for name, t in by_file.items():
        print(line(name, np.array(t)))
    for kind in KINDS:
        if by_kind[kind]:
            print(line(kind, np.array(by_kind[kind])))
    print(f"keystrokes over 8 ms: {sum(ms > 8):,} ({(ms > 8).mean():.2%}); slowest:")
    for dt, name, kind, tail in sorted(slowest, reverse=True)[: args.slowest]:
        print(f"  {dt:7.1f} ms  {name:<28} {kind:<26} {tail!r}")
    print(f"word-model weights: {lm_bytes / 1e6:.1f} MB; one read (memcpy) {read:.2f} ms")
    print(f"p99 / weight read = {p99 / read:.2f}x")


if __name__ == "__main__":
    main()
