#!/usr/bin/env python3
"""Kill saving, model writing and training at random points and count what was lost.

    .venv/bin/python scripts/crash_test.py [--kills 50] [--train-kills 50]

* save: a child keeps replacing a document with ``atomic_write_text``; after SIGKILL the file
  must hold one complete version (old or new), never a torn one.
* model: a child keeps rewriting a model directory with ``atomic_directory``; after SIGKILL the
  directory must load with ``nextword.load``.
* training: a tiny training run is killed at a random moment, then ``resume=True`` must finish
  and write a loadable model.
Prints one line per kind with the number of losses (the goal is 0).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAVE_CHILD = """
import sys, itertools
from nextword.checkpoint import atomic_write_text
path = sys.argv[1]
for i in itertools.count():
    atomic_write_text(path, f"version {i}\\n" + "x" * 200_000 + f"\\nend {i}\\n")
"""

MODEL_CHILD = """
import shutil, sys, itertools
from pathlib import Path
from nextword.checkpoint import atomic_directory
src, out = Path(sys.argv[1]), Path(sys.argv[2])
for i in itertools.count():
    with atomic_directory(out) as tmp:
        for f in src.iterdir():
            shutil.copy(f, tmp / f.name)
"""


def _run_and_kill(code: str, args: list[str], low: float, high: float) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env)
    time.sleep(random.uniform(low, high))
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def crash_saves(work: Path, kills: int) -> int:
    doc = work / "doc.txt"
    doc.write_text("version -1\n" + "x" * 200_000 + "\nend -1\n")
    lost = 0
    for _ in range(kills):
        _run_and_kill(SAVE_CHILD, [str(doc)], 0.3, 1.5)
        lines = doc.read_text().split("\n")
        ok = lines[0].startswith("version ") and lines[-2] == "end " + lines[0].split()[1]
        lost += not ok
    return lost


def crash_model_writes(work: Path, model: Path, kills: int) -> int:
    import nextword

    out = work / "model"
    shutil.copytree(model, out)
    lost = 0
    for _ in range(kills):
        _run_and_kill(MODEL_CHILD, [str(model), str(out)], 0.3, 2.0)
        try:
            nextword.load(out).suggest("the ", 3)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a loss
            print(f"  model unusable after kill: {exc}")
            lost += 1
    return lost


def crash_training(work: Path, corpus: Path, kills: int) -> int:
    import nextword
    from tests.conftest import TINY_OPTIONS

    lost = 0
    opts = dict(TINY_OPTIONS, checkpoint_every=1.0, epochs=3)
    for k in range(kills):
        out = work / f"train{k}"
        code = (f"import nextword; nextword.train({str(corpus)!r}, {str(out)!r}, resume=True, **{opts!r})")
        _run_and_kill(code, [], 3.0, 25.0)
        env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        try:
            assert done.returncode == 0, done.stderr[-300:]
            nextword.load(out).suggest("the ", 3)
        except Exception as exc:  # noqa: BLE001
            print(f"  training run {k} lost: {exc}")
            lost += 1
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / f"train{k}.work", ignore_errors=True)
    return lost


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50, help="kills of saving and of model writing")
    ap.add_argument("--train-kills", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    random.seed(args.seed)
    import nextword
    from tests.conftest import TINY_OPTIONS, tiny_text

    with tempfile.TemporaryDirectory(prefix="nextword-crash-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        (corpus / "tiny.txt").write_text(tiny_text(), "utf-8")
        model = nextword.train(corpus, work / "tiny", **TINY_OPTIONS)
        print(f"save: {args.kills} kills, {crash_saves(work, args.kills)} losses", flush=True)
        print(f"model writing: {args.kills} kills, {crash_model_writes(work, model, args.kills)} losses",
              flush=True)
        print(f"training: {args.train_kills} kills, {crash_training(work, corpus, args.train_kills)} losses",
              flush=True)


if __name__ == "__main__":
    main()
