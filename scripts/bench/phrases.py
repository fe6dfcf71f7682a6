#!/usr/bin/env python3
"""Phrase completion (``model.complete_phrase``): exact-match, trigger rate, keystroke savings and
latency, and the calibration of its threshold.

Report (the default): ``nextword.lm.evaluate.evaluate_phrases`` (a typist who accepts a shown
phrase, with one key, whenever it is exactly what they are about to type; docs/API.md has the
words) on the first ``--words`` words of each file of ``heldout/`` with the bundled model, and on
each persona's test text in ``../shared/data/personal/`` after ``model.learn(its train text)``;
then ``complete_phrase`` latency per keystroke typing held-out text (p50/p99).

Calibration (``--calibrate``): trigger rate and ExactMatch@2 at every word boundary for a grid of
thresholds, and for the threshold steered by the user's phrases (``nextword.lm.phrases.Steer``)
towards each of ``--targets`` (a fresh user per text, settled by the text that came next), on
development text only: the validation paragraphs of ``corpus/`` (never trained
on; the model's early stopping and mixture weights saw them) and the fortune paragraphs held out
of ``corpus/`` for the autocorrect dev set (``corpus/SOURCES.md``), and, for each persona, the
last tenth of its *train* text after ``learn()`` of the first nine tenths. Never ``heldout/`` or
a persona's test text: those are what the report measures.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench/phrases.py [--words 4000] [--only general|personas|latency]
    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench/phrases.py --calibrate [--boundaries 6000] [--targets 0.5 0.55 0.6]

The report's typist is one user per model (the three ``heldout/`` files one after the other, each
persona its own): the steered threshold starts at ``THRESHOLD`` and moves with that user's phrases.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERSONAS = ROOT.parent / "shared" / "data" / "personal"
DEV_FORTUNES = ROOT.parent / "shared" / "data" / "text" / "fortunes-dev.txt"
GRID = [round(-1.0 + 0.05 * i, 2) for i in range(11)]  # -1.0 .. -0.5


def dev_texts() -> dict[str, str]:
    """General development text the bundled model never trained on (see the docstring)."""
    from nextword.paths import bundled_corpus_files
    from nextword.text.corpus import read_corpus

    corpus = read_corpus(bundled_corpus_files())
    val = list(corpus.split(0.03).val())  # the bundled model's validation split (config.json)
    random.Random(0).shuffle(val)
    trained = set((ROOT / "corpus" / "fortunes.txt").read_text("utf-8").splitlines())
    lines = DEV_FORTUNES.read_text("utf-8").splitlines()
    dropped = [x for n, x in enumerate(lines, 1) if not 5001 <= n <= 5800 and x and x not in trained]
    return {"corpus-validation": "\n".join(val), "fortunes-dropped": "\n".join(dropped)}


def personas(names: list[str] | None) -> list[str]:
    return names or sorted(p.name[: -len("-train.txt")] for p in PERSONAS.glob("*-train.txt"))


def calibrate(args) -> None:
    """Trigger rate and ExactMatch@2 per threshold at the word boundaries of each dev text."""
    import nextword
    from nextword.lm.evaluate import PhraseTally
    from nextword.lm.phrases import THRESHOLD, Steer
    from nextword.text.tokenizer import is_word
    from nextword.text.words import TOKEN_RE, normalize

    sets: list[tuple[str, object, str]] = []
    base = nextword.load(args.model)
    for name, text in dev_texts().items() if args.only != "personas" else ():
        sets.append((name, base, text))
    for name in personas(args.personas) if args.only != "general" else ():
        train = (PERSONAS / f"{name}-train.txt").read_text("utf-8").splitlines()
        cut = len(train) * 9 // 10
        model = nextword.load(args.model)
        model.learn("\n".join(train[:cut]))
        sets.append((f"{name} (dev)", model, "\n".join(train[cut:])))
    results = {}
    for name, model, text in sets:
        text = normalize(text)
        at = [m.start() for m in TOKEN_RE.finditer(text) if is_word(m.group(0))][: args.boundaries]
        tallies = {theta: PhraseTally() for theta in GRID}
        steers = {t: Steer(target=t) for t in args.targets}  # a fresh user for each target
        steered = {t: PhraseTally() for t in args.targets}
        started = time.perf_counter()
        for pos in at:
            end = text.find("\n", pos)
            rest = text[pos:] if end < 0 else text[pos:end]
            for theta in GRID:  # lowest first: the higher ones find their nodes searched
                phrase = model.phrases.search(text[:pos], 6, theta)
                tallies[theta].shown(phrase.text if phrase else "", rest)
            for t, steer in steers.items():  # the user's threshold, steered by what came next
                model.phrases.steer = steer
                phrase = model.phrases.search(text[:pos], 6)
                steered[t].shown(phrase.text if phrase else "", rest)
        print(f"\n{name}: {len(at):,} word boundaries ({time.perf_counter() - started:.0f} s)")
        results[name] = {}
        for theta, tally in tallies.items():
            f = tally.figures(0)
            em2, em3 = f["exact_match"][2], f["exact_match"][3]
            results[name][theta] = f
            print(f"  threshold {theta:5.2f}: trigger {f['trigger_rate']:6.2%}  "
                  f"EM@2 {'-' if em2 is None else f'{em2:6.1%}'} of {f['shown'][2]:4d}  "
                  f"EM@3 {'-' if em3 is None else f'{em3:6.1%}'} of {f['shown'][3]:4d}", flush=True)
        for t, tally in steered.items():
            f = tally.figures(0)
            em2, steer = f["exact_match"][2], steers[t]
            results[name][f"steered {t}"] = f
            print(f"  steered to {t:.2f}: trigger {f['trigger_rate']:6.2%}  "
                  f"EM@2 {'-' if em2 is None else f'{em2:6.1%}'} of {f['shown'][2]:4d}  "
                  f"(threshold {THRESHOLD + steer.shift:+.2f} at the end; {steer.right}/{steer.shown} bets right)",
                  flush=True)
        model.phrases.steer = Steer()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def report_row(name: str, r: dict) -> str:
    inside = "-" if r["inside_exact_match"] is None else f"{r['inside_exact_match']:.1%}"
    em = "  ".join(f"EM@{n} {'-' if v is None else f'{v:5.1%}'} ({r['shown'][n]})" for n, v in r["exact_match"].items())
    return (f"{name:28s} words {r['words']:6,d}  trigger {r['trigger_rate']:6.2%}  {em}  "
            f"accepted {r['accepted']:4d} x {r['accepted_words']:.2f} words  "
            f"KSR words {r['ksr']:.1%} -> phrases {r['ksr_phrases']:.1%} "
            f"({100 * (r['ksr_phrases'] - r['ksr']):+.2f} points)  inside words: {inside} right of {r['inside_shown']:,}")


def steered(model) -> str:
    """Where the user's threshold ended (``phrases.Steer``), and the bets it was steered by."""
    steer = model.phrases.steer
    return f"[threshold {model.phrases.threshold + steer.shift:+.2f} at the end, {steer.right}/{steer.shown} bets right]"


def latency(model, text: str) -> tuple[float, float, float, int]:
    """complete_phrase typing ``text`` keystroke by keystroke: p50, p99, max (ms), keystrokes."""
    import numpy as np

    model.complete_phrase(text[:100])  # warm-up
    times = []
    for i in range(1, len(text) + 1):
        t = time.perf_counter()
        model.complete_phrase(text[:i])
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99)), float(ms.max()), len(ms)


def report(args) -> None:
    import nextword
    from nextword.lm.evaluate import evaluate_phrase_files, evaluate_phrases

    results = {}
    model = nextword.load(args.model)
    print(f"threshold {model.phrases.threshold}, steered to {model.phrases.steer.target:.0%} right, "
          f"at most {args.phrase_words} words per phrase, {args.words:,} words per text")
    started = time.perf_counter()
    paths = sorted(str(p) for p in (ROOT / "heldout").glob("*.txt")) if args.only in (None, "general") else []
    res = evaluate_phrase_files(model, paths, args.words, args.phrase_words) if paths else {"files": {}}
    for path, r in res["files"].items():
        results[Path(path).name] = r
        print(report_row(Path(path).name, r))
    if paths:
        results["heldout (pooled)"] = res["pooled"]
        print(report_row("heldout (pooled)", res["pooled"]), f"({time.perf_counter() - started:.0f} s)", steered(model),
              flush=True)
    for name in personas(args.personas) if args.only in (None, "personas") else ():
        model = nextword.load(args.model)
        model.learn((PERSONAS / f"{name}-train.txt").read_text("utf-8"))
        test = (PERSONAS / f"{name}-test.txt").read_text("utf-8")
        started = time.perf_counter()
        r = results[name] = evaluate_phrases(model, test, args.words, phrase_words=args.phrase_words)
        print(report_row(f"{name} after learn()", r), f"({time.perf_counter() - started:.0f} s)", steered(model),
              flush=True)
    if args.only in (None, "latency"):
        model = nextword.load(args.model)
        text = " ".join((ROOT / "heldout" / "fortunes-block.txt").read_text("utf-8").split()[: args.latency_words])
        p50, p99, worst, n = latency(model, text)
        results["latency_ms"] = {"p50": p50, "p99": p99, "max": worst, "keystrokes": n}
        print(f"complete_phrase latency, keystroke by keystroke ({n:,} keystrokes of heldout/fortunes-block.txt): "
              f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--calibrate", action="store_true", help="the threshold grid on development text")
    ap.add_argument("--boundaries", type=int, default=6000, help="--calibrate: word boundaries per text")
    ap.add_argument("--targets", type=float, nargs="*", default=[0.5, 0.55, 0.6],
                    help="--calibrate: the steered threshold's targets (phrases.Steer) to try")
    ap.add_argument("--words", type=int, default=4000, help="words scored per text (report)")
    ap.add_argument("--phrase-words", type=int, default=6, help="max_words of complete_phrase")
    ap.add_argument("--latency-words", type=int, default=2000)
    ap.add_argument("--personas", nargs="*", help="persona names (default: every one)")
    ap.add_argument("--only", choices=["general", "personas", "latency"],
                    help="one part only: general text (heldout/, or the general dev text with --calibrate), "
                         "the personas, or the latency")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    (calibrate if args.calibrate else report)(args)


if __name__ == "__main__":
    main()
