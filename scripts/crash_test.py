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

Every child first imports nextword (about 2 s: torch), then creates a "ready" file; the random
kill delay starts from there, so kills land in the work and not in the imports. A training kill
counts only when the run was still going; a run that had already finished is retried.
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

ROOT = Path(__file__).resolve().parents[1]

SAVE_CHILD = """
import sys, itertools
from nextword.files import atomic_write_text
path = sys.argv[1]
open(sys.argv[-1], "w").close()  # ready: imports done
for i in itertools.count():
    atomic_write_text(path, f"version {i}\\n" + "x" * 200_000 + f"\\nend {i}\\n")
"""

MODEL_CHILD = """
import shutil, sys, itertools
from pathlib import Path
from nextword.files import atomic_directory
src, out = Path(sys.argv[1]), Path(sys.argv[2])
open(sys.argv[-1], "w").close()  # ready: imports done
for i in itertools.count():
    with atomic_directory(out) as tmp:
        for f in src.iterdir():
            shutil.copy(f, tmp / f.name)
"""


def _env() -> dict[str, str]:
    return dict(os.environ, OMP_NUM_THREADS="1")


def _run_and_kill(code: str, args: list[str], low: float, high: float) -> tuple[bool, float]:
    """Start ``code`` (which creates the ready file named by its last argument once its imports
    are done), SIGKILL it a random ``low``..``high`` seconds after it is ready. Returns whether
    it was still running when killed, and how long it had been ready."""
    with tempfile.TemporaryDirectory(prefix="ready-") as tmp:
        ready = Path(tmp) / "ready"
        proc = subprocess.Popen([sys.executable, "-c", code, *args, str(ready)], env=_env())
        while not ready.exists() and proc.poll() is None:
            time.sleep(0.01)
        if not ready.exists():
            raise RuntimeError(f"child exited with {proc.returncode} before it was ready")
        start = time.monotonic()
        time.sleep(random.uniform(low, high))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return alive, time.monotonic() - start


def crash_saves(work: Path, kills: int) -> int:
    doc = work / "doc.txt"
    doc.write_text("version -1\n" + "x" * 200_000 + "\nend -1\n")
    lost = writes = 0
    for _ in range(kills):
        _run_and_kill(SAVE_CHILD, [str(doc)], 0.05, 1.0)
        lines = doc.read_text().split("\n")
        ok = lines[0].startswith("version ") and lines[-2] == "end " + lines[0].split()[1]
        lost += not ok
        writes += int(lines[0].split()[1]) + 1 if ok else 0
    print(f"  {writes:,} complete replacements between the kills", flush=True)
    return lost


def crash_model_writes(work: Path, model: Path, kills: int) -> int:
    import nextword

    out = work / "model"
    shutil.copytree(model, out)
    lost = 0
    for _ in range(kills):
        _run_and_kill(MODEL_CHILD, [str(model), str(out)], 0.05, 1.0)
        try:
            nextword.load(out).suggest("the ", 3)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a loss
            print(f"  model unusable after kill: {exc}")
            lost += 1
    return lost


TRAIN_CHILD = """
import sys
import nextword
open(sys.argv[-1], "w").close()  # ready: imports done
nextword.train(sys.argv[1], sys.argv[2], resume=True, **OPTIONS)
"""


def crash_training(work: Path, corpus: Path, kills: int) -> int:
    """Kill training runs at random moments of the run, resume each, count unusable models."""
    import nextword
    from nextword.lm.train import TINY

    opts = dict(TINY, checkpoint_every=1.0, epochs=3)
    code = TRAIN_CHILD.replace("OPTIONS", repr(opts))
    # how long an uninterrupted run lasts after the imports: kills are drawn inside it
    duration = _timed_run(code, [str(corpus), str(work / "timing")])
    print(f"  an uninterrupted run trains for {duration:.1f} s after its imports", flush=True)
    lost = missed = k = 0
    while k < kills:
        out = work / f"train{k}"
        alive, _ = _run_and_kill(code, [str(corpus), str(out)], 0.05, 0.95 * duration)
        if not alive:  # it had finished: not a kill, draw again
            missed += 1
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(work / f"train{k}.work", ignore_errors=True)
            continue
        done = subprocess.run([sys.executable, "-c", code, str(corpus), str(out),
                               str(work / "ready-resume")], env=_env(), capture_output=True, text=True)
        try:
            assert done.returncode == 0, done.stderr[-300:]
            nextword.load(out).suggest("the ", 3)
        except Exception as exc:  # noqa: BLE001
            print(f"  training run {k} lost: {exc}")
            lost += 1
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / f"train{k}.work", ignore_errors=True)
        k += 1
    print(f"  {missed} draws fell after the run had finished and were drawn again", flush=True)
    return lost


def _timed_run(code: str, args: list[str]) -> float:
    """Run ``code`` to the end; seconds from ready to exit (it must succeed)."""
    with tempfile.TemporaryDirectory(prefix="ready-") as tmp:
        ready = Path(tmp) / "ready"
        proc = subprocess.Popen([sys.executable, "-c", code, *args, str(ready)], env=_env())
        while not ready.exists() and proc.poll() is None:
            time.sleep(0.01)
        start = time.monotonic()
        if proc.wait() != 0:
            raise RuntimeError("the uninterrupted training run failed")
        return time.monotonic() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=50, help="kills of saving and of model writing")
    ap.add_argument("--train-kills", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    random.seed(args.seed)
    from nextword.lm.train import train_tiny

    with tempfile.TemporaryDirectory(prefix="nextword-crash-") as tmp:
        work = Path(tmp)
        model = train_tiny(ROOT / "corpus", work)  # the tests' tiny model
        corpus = work / "corpus"  # what train_tiny trained on
        print(f"save: {args.kills} kills, {crash_saves(work, args.kills)} losses", flush=True)
        print(f"model writing: {args.kills} kills, {crash_model_writes(work, model, args.kills)} losses",
              flush=True)
        print(f"training: {args.train_kills} kills, {crash_training(work, corpus, args.train_kills)} losses",
              flush=True)


if __name__ == "__main__":
    main()
