#!/usr/bin/env python3
"""Kill saving, model writing and training at random points and count what was lost.

    .venv/bin/python scripts/crash_test.py [--kills 50] [--train-kills 50] [--adapt-kills 50]

* save: a child keeps replacing a document with ``atomic_write_text``; after SIGKILL the file
  must hold one complete version (old or new), never a torn one.
* model: a child keeps rewriting a model directory with ``atomic_directory``; after SIGKILL the
  directory must load with ``nextword.load``.
* training: a tiny training run is killed at a random moment, then ``resume=True`` must finish
  and write a loadable model.
* adapting: the same, for adapting the tiny model to other text (``base=``: new words, fine-tune,
  n-grams, the before/after table).
* learning: ``nextword learn``'s loop (learn a batch, store it) is killed; what was stored
  before must load back, and every stored batch must be whole.
* editor adapting: the editor is killed while "adapt my model" (F8) runs; the learned text and
  the adapted model made before must load back.
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


def crash_training(work: Path, corpus: Path, kills: int, base: Path | None = None) -> int:
    """Kill training runs (adapting ``base`` when given) at random moments of the run, resume
    each, count unusable models."""
    import nextword
    from nextword.lm.train import TINY

    opts = dict(TINY, checkpoint_every=1.0, epochs=3, base=None if base is None else str(base))
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


LEARN_CHILD = """
import sys, itertools
from pathlib import Path
import nextword
model = nextword.load(sys.argv[1], personal=sys.argv[2])
text = Path(sys.argv[3]).read_text("utf-8")
open(sys.argv[-1], "w").close()  # ready: imports and loading done
for i in itertools.count():  # what `nextword learn` does: learn a batch, store it, refit
    model.learner.learn_text(f"batch {i} " + text)
    model.learner.flush()
"""


def crash_learning(work: Path, model: Path, corpus: Path, kills: int) -> int:
    """Kill ``learn`` (as `nextword learn` runs it) at random moments; what was stored before
    must load back whole, with every batch either stored completely or not at all."""
    import nextword
    from nextword.lm.personal import PersonalStore

    store_dir = work / "personal"
    before = "Siobhan runs kubectl on the cluster every morning."
    nextword.load(model, personal=store_dir).learn(before)
    text = next(corpus.iterdir())
    lost = 0
    for _ in range(kills):
        _run_and_kill(LEARN_CHILD, [str(model), str(store_dir), str(text)], 0.05, 3.0)
        try:
            history = PersonalStore(store_dir).history(max_chars=10**9)
            assert history[0] == before, "the text stored before is gone"
            tail = text.read_text("utf-8").strip()[-40:]
            assert all(h.startswith("batch ") and h.endswith(tail) for h in history[1:]), "a torn batch"
            loaded = nextword.load(model, personal=store_dir)
            assert loaded.personal.vocab.counts["siobhan"] >= 1
        except Exception as exc:  # noqa: BLE001 - any failure to load is a loss
            print(f"  learned text lost after kill: {exc}")
            lost += 1
    return lost


EDITOR_ADAPT_CHILD = """
import asyncio, sys
from pathlib import Path
import nextword
from nextword.app import make_app
model, data = sys.argv[1], Path(sys.argv[2])

async def main():
    app = make_app(None, model=nextword.load(model), data_directory=data, autosave_seconds=3600)
    async with app.run_test() as pilot:
        open(sys.argv[-1], "w").close()  # ready: the editor is up
        await pilot.press("f8")  # adapt my model
        while True:
            await pilot.pause(0.2)

asyncio.run(main())
"""


def crash_editor_adapt(work: Path, model: Path, user: Path, kills: int) -> int:
    """Kill the editor while "adapt my model" (F8) runs: the learned text and the adapted model
    made before must load back whole."""
    import nextword
    from nextword.lm.personal import PersonalStore
    from nextword.userdata import personal_model_dir

    data = work / "editor-data"
    text = next(user.iterdir()).read_text("utf-8")
    nextword.load(model, personal=data).learn(text)
    mine = personal_model_dir(data)
    nextword.train(user, mine, base=model, max_minutes=0.1, char_minutes=0.02, progress=False)
    before, stored = (mine / "config.json").read_text(), PersonalStore(data).history()
    lost = 0
    for _ in range(kills):
        _run_and_kill(EDITOR_ADAPT_CHILD, [str(model), str(data)], 0.5, 15.0)
        try:
            assert PersonalStore(data).history()[: len(stored)] == stored, "the learned text is gone"
            now = (mine / "config.json").read_text()  # the one made before, or a complete new one
            assert now == before or nextword.load(mine).suggest("the ", 3)
            nextword.load(mine, personal=data).suggest("the ", 3)
        except Exception as exc:  # noqa: BLE001 - any failure to load is a loss
            print(f"  lost after killing the editor's adapting: {exc}")
            lost += 1
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
    ap.add_argument("--adapt-kills", type=int, default=50)
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
        user = work / "user"  # text the tiny model never saw, with words outside its vocabulary
        user.mkdir()
        prose = (ROOT / "heldout" / "franklin-autobiography.txt").read_text("utf-8").splitlines()[20:260]
        (user / "franklin.txt").write_text("\n".join(prose) + "\n", "utf-8")
        print(f"adapting: {args.adapt_kills} kills, {crash_training(work, user, args.adapt_kills, model)} losses",
              flush=True)
        print(f"learning: {args.kills} kills, {crash_learning(work, model, corpus, args.kills)} losses", flush=True)
        print(f"editor adapting (F8): {args.adapt_kills} kills, "
              f"{crash_editor_adapt(work, model, user, args.adapt_kills)} losses", flush=True)


if __name__ == "__main__":
    main()
