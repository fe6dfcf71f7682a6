#!/usr/bin/env python3
"""Training at scale: peak memory against corpus size, and tokens/s with 1 vs 2 processes.

    .venv/bin/python scripts/bench/scale.py rss [--sizes 100 400] [--minutes 0.5]
    .venv/bin/python scripts/bench/scale.py ddp [--minutes 1]

``rss`` generates corpora of the given sizes (MB) by shuffling the paragraphs of ``corpus/`` into
50 MB files, runs ``nextword train`` on each with the same options and prints the peak resident
memory of each run (the whole run: reading, tokenizing, training, n-gram, writing) and their
ratio. Memory should not grow with the corpus: the corpus is streamed and the token arrays are
read from disk window by window.

``ddp`` trains the default-size model on ``corpus/`` for the same time budget as one process
with both cores, one process with one core, and two processes of one core each under
``torchrun`` (gloo), and prints the training tokens/s of each side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20


def generate_corpus(folder: Path, size_mb: int, seed: int = 0, file_mb: int = 50) -> None:
    """``size_mb`` of text: the paragraphs of corpus/ shuffled (again for every pass), written
    as ``file_mb`` files with one paragraph per line."""
    from nextword.paths import bundled_corpus_files
    from nextword.text.corpus import read_corpus

    paras = [p.encode("utf-8") + b"\n" for p in read_corpus(bundled_corpus_files()).paragraphs()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    left, index, part, part_size = size_mb * MB, 0, [], 0
    while left > 0:
        rng.shuffle(paras)
        for line in paras:
            part.append(line)
            part_size += len(line)
            left -= len(line)
            if part_size >= file_mb * MB or left <= 0:
                (folder / f"part{index:03d}.txt").write_bytes(b"".join(part))
                index, part, part_size = index + 1, [], 0
            if left <= 0:
                break


def run_train(args: list[str], env: dict | None = None) -> tuple[dict, int, float]:
    """Run a training command; (config of the model it wrote, peak RSS of the process in bytes
    from ``wait4``, wall seconds)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, env=env or dict(os.environ), cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode:
        raise SystemExit(f"training failed ({proc.returncode}): {stderr.strip().splitlines()[-1:]}")
    out_dir = Path(args[args.index("--out") + 1])
    print("   ", stdout.strip().splitlines()[-1], flush=True)
    return json.loads((out_dir / "config.json").read_text()), usage.ru_maxrss * 1024, time.perf_counter() - t


def train_cmd(corpus: Path, out: Path, minutes: float, extra: list[str] = ()) -> list[str]:
    return [sys.executable, "-m", "nextword", "train", str(corpus), "--out", str(out), "--base", "none",
            "--epochs", "1", "--minutes", str(minutes), "--char-minutes", "0.1", "--no-progress", *extra]


def bench_rss(sizes: list[int], minutes: float, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        peaks = {}
        for size in sizes:
            corpus = base / f"gen{size}"
            if not corpus.exists():
                t = time.perf_counter()
                generate_corpus(corpus, size)
                print(f"generated {size} MB in {time.perf_counter() - t:.0f} s", flush=True)
            cfg, peak, wall = run_train(train_cmd(corpus, base / f"model{size}", minutes))
            peaks[size] = peak
            c = cfg["corpus"]
            print(f"{size:>5} MB corpus: {c['train_tokens']:,} training tokens, peak RSS "
                  f"{peak / MB:,.0f} MB, wall {wall / 60:.1f} min", flush=True)
    small, large = min(sizes), max(sizes)
    print(f"peak RSS {large} MB / {small} MB corpus: {peaks[large] / peaks[small]:.3f} "
          f"(goal: within 1.20)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_ddp(minutes: float) -> None:
    runs = [("1 process, 2 threads", "2", []),
            ("1 process, 1 thread", "1", []),
            ("2 processes (torchrun, gloo), 1 thread each", "1",
             ["-m", "torch.distributed.run", "--nproc-per-node=2", "--master-addr=127.0.0.1"])]
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model"  # one output: the token streams are prepared once and reused
        for name, threads, launcher in runs:
            cmd = train_cmd(ROOT / "corpus", out, minutes)
            if launcher:
                cmd = [cmd[0], *launcher, f"--master-port={free_port()}", *cmd[1:]]
            cfg, _, _ = run_train(cmd, dict(os.environ, OMP_NUM_THREADS=threads))
            rates[name] = cfg["metrics"]["word_tokens_per_s"]
            print(f"{name:>45}: {rates[name]:,.0f} training tokens/s", flush=True)
    one, two = rates[runs[0][0]], rates[runs[2][0]]
    print(f"2 processes / 1 process (same 2 cores): {two / one:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("rss")
    r.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    r.add_argument("--minutes", type=float, default=0.5, help="word-model training budget per run")
    r.add_argument("--keep", type=Path, help="folder for the generated corpora (reused if present)")
    d = sub.add_parser("ddp")
    d.add_argument("--minutes", type=float, default=1.0)
    args = ap.parse_args()
    if args.what == "rss":
        bench_rss(args.sizes, args.minutes, args.keep)
    else:
        bench_ddp(args.minutes)


if __name__ == "__main__":
    main()
