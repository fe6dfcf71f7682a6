"""Personal models on the dev personas: does nextword learn the person typing?

For each persona in ``../shared/data/personal/`` (``NAME-train.txt``: a person's earlier writing,
``NAME-test.txt``: their later writing), every row below is scored by the same code,
``nextword.lm.evaluate.evaluate_typing`` (a typist who only sees ``suggest()``), on the first
``--words`` words of the test text:

* KN 4-gram   a Kneser-Ney 4-gram counted from the train text alone (every word of it known):
              what an n-gram keyboard builds from the user's files
* bundled     the bundled model, nothing learned
* + learn()   the bundled model after ``model.learn(train text)``
* adapted     ``nextword.train(train, base="default")`` with the default budget
* from scratch ``nextword.train(train, base=None)`` with the same budget (the word and char
              models get the minutes adapting gave them; default shapes, epochs as budget allows)
* adapted + learn()  the adapted model after ``learn(train text)`` (what the editor serves)

Columns: top-1, top-3, keystroke savings (docs/API.md), new-word recall (of the test words
outside the bundled vocabulary, the share offered among the 3 suggestions before fully typed),
general (the word LSTM's own perplexity on general English, ``heldout/fortunes-block.txt``: what
adapting costs outside the user's writing) and the seconds the row took to build (learning or
training). Work files go to a temp folder.

    .venv/bin/python scripts/bench/personal.py                       # all personas, all rows
    .venv/bin/python scripts/bench/personal.py --personas bash-manual --no-train --words 1000
    .venv/bin/python scripts/bench/personal.py --no-scratch --adapt lr=0.002   # try an adapting option
    .venv/bin/python scripts/bench/personal.py --scratch-minutes 10.5          # from scratch given more time
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = ROOT.parent / "shared" / "data" / "personal"
GENERAL = ROOT / "heldout" / "fortunes-block.txt"
GENERAL_TOKENS = 20_000


def general_perplexity(model) -> float | None:
    """The word LSTM's perplexity (alone, over its own vocabulary) on the first
    ``GENERAL_TOKENS`` tokens of ``GENERAL``; None for a model without one."""
    import numpy as np

    from nextword.lm.mixture import lstm_target_probs

    if getattr(model, "word_lm", None) is None:
        return None
    paragraphs = [p for p in GENERAL.read_text("utf-8").splitlines() if p.strip()]
    ids = model.tokenizer.encode_paragraphs(paragraphs)[:GENERAL_TOKENS]
    return float(np.exp(-np.log(lstm_target_probs(model.word_lm, ids, rows=8)).mean()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--personas", nargs="*", help="persona names (default: every one in the folder)")
    ap.add_argument("--data", type=Path, default=PERSONAS, help="the personas folder")
    ap.add_argument("--words", type=int, default=4000, help="test words scored per persona")
    ap.add_argument("--no-train", action="store_true", help="skip the adapted and from-scratch rows")
    ap.add_argument("--no-scratch", action="store_true", help="skip the from-scratch row")
    ap.add_argument("--adapt", nargs="*", default=[], metavar="KEY=VALUE",
                    help="options for adapting, as nextword.train takes them (e.g. lr=0.002)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--scratch-minutes", type=float,
                    help="the from-scratch word model's budget (default: the minutes adapting got)")
    ap.add_argument("--keep", type=Path, help="keep the trained models in this folder (PERSONA/adapted, "
                    "PERSONA/scratch) instead of a temp folder")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import nextword
    from nextword.lm.evaluate import evaluate_typing, user_ngram_model

    names = args.personas or sorted(p.name[: -len("-train.txt")] for p in args.data.glob("*-train.txt"))
    known = set(nextword.load().tokenizer.ids)
    adapt_options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.adapt)}
    results: dict[str, dict] = {}
    for name in names:
        train_path = args.data / f"{name}-train.txt"
        train_text = train_path.read_text("utf-8")
        test = (args.data / f"{name}-test.txt").read_text("utf-8")
        rows: dict[str, dict] = {}

        def score(label: str, model, seconds: float, rows: dict = rows, test: str = test) -> None:
            rows[label] = r = {**evaluate_typing(model, test, args.words, known=known), "seconds": seconds,
                               "general_ppl": general_perplexity(model)}
            general = "-" if r["general_ppl"] is None else f"{r['general_ppl']:.0f}"
            print(f"  {label:<18} top-1 {r['top1']:6.1%}  top-3 {r['top3']:6.1%}  KSR {r['ksr']:6.1%}  "
                  f"new-word recall {r['new_word_recall']:6.1%}  general {general:>4}  ({seconds:.0f} s)",
                  flush=True)

        print(f"{name}: {len(train_text.split()):,} train words -> {args.words:,} test words", flush=True)
        started = time.monotonic()
        kn = user_ngram_model(train_text)
        score("KN 4-gram", kn, time.monotonic() - started)
        bundled = nextword.load()
        score("bundled", bundled, 0.0)
        started = time.monotonic()
        bundled.learn(train_text)
        score("+ learn()", bundled, time.monotonic() - started)
        if not args.no_train:
            with tempfile.TemporaryDirectory(prefix="nextword-personal-") as temp:
                work = args.keep / name if args.keep else temp
                started = time.monotonic()
                nextword.train(train_path, Path(work) / "adapted", base="default", progress=False,
                               **adapt_options)
                adapt_seconds = time.monotonic() - started
                adapted = nextword.load(Path(work) / "adapted")
                score("adapted", adapted, adapt_seconds)
                started = time.monotonic()
                adapted.learn(train_text)
                score("adapted + learn()", adapted, adapt_seconds + time.monotonic() - started)
                if args.no_scratch:
                    results[name] = rows
                    continue
                # the same budget: the word and char models get the minutes adapting gave them
                spent = json.loads((Path(work) / "adapted" / "config.json").read_text())["adaptation"]
                started = time.monotonic()
                nextword.train(train_path, Path(work) / "scratch", base=None, progress=False,
                               max_minutes=args.scratch_minutes or spent["word_minutes"],
                               char_minutes=spent["char_minutes"])
                score("from scratch", nextword.load(Path(work) / "scratch"), time.monotonic() - started)
        results[name] = rows
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
