"""Side-by-side autocorrect benchmark: nextword against symspellpy and pyspellchecker.

    python scripts/bench/correct.py [--model DIR] [--systems nextword,symspellpy,pyspellchecker]
                                    [--max-pairs N] [--json out.json]
    python scripts/bench/correct.py --calibrate      # grid-search the parameters the fit leaves

Figures: isolated-word top-1/top-3 on pair files (Norvig's testset1 is test data: nothing is
tuned on it; of the Birkbeck and codespell dev pairs only the fifth the error model did not
learn from, by intended word), and on sentence files the share of words still wrong after correction, the fix
rate and the broken rate, plus words per second (nextword autocorrects each noisy sentence as
one text, so it reads the words before and after a typo; the baselines go word by word, having
no context model). For nextword also ``autocorrect(text)``
throughput on running text and the per-word latency of ``correct()`` (p50/p99).
symspellpy and pyspellchecker are dev-only dependencies (``pip install -e .[bench]``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from machine import matmul_flops

from nextword.correct import Corrector, CorrectorParams
from nextword.correct.datasets import DEV_PAIR_FILES, DEV_SENTENCE_FILES, dev_fold
from nextword.correct.datasets import REPORTED_PAIR_FILES as PAIR_FILES
from nextword.correct.datasets import REPORTED_SENTENCE_FILES as SENTENCE_FILES
from nextword.correct.evaluate import (
    read_pairs,
    read_sentences,
    score_pairs,
    score_sentences,
)

ROOT = Path(__file__).resolve().parents[2]
TYPOS = ROOT / "data" / "typos"


# -- the baselines, behind the same two calls the scorers use ------------------------------------

class _Suggestion:
    def __init__(self, word: str):
        self.word = word


class SymSpellSystem:
    """symspellpy 6.10 with its bundled 82,765-word frequency list, edit distance 2."""

    name = "symspellpy"

    def __init__(self):
        import symspellpy
        from symspellpy import SymSpell, Verbosity

        self.verbosity = Verbosity
        self.sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
        self.sym.load_dictionary(str(path), term_index=0, count_index=1)

    def correct(self, word: str, context: str = "", k: int = 3) -> list[_Suggestion]:
        hits = self.sym.lookup(word, self.verbosity.CLOSEST, max_edit_distance=2,
                               include_unknown=True, transfer_casing=True)
        return [_Suggestion(h.term) for h in hits[:k]]

    def correct_tokens(self, tokens: list[str]) -> list[str]:
        return [self.correct(t, "", 1)[0].word if t.isalpha() else t for t in tokens]


class PySpellSystem:
    """pyspellchecker 0.9 (Norvig's method on its English frequency list), distance 2."""

    name = "pyspellchecker"

    def __init__(self):
        from spellchecker import SpellChecker

        self.sc = SpellChecker(distance=2)

    def correct(self, word: str, context: str = "", k: int = 3) -> list[_Suggestion]:
        if word in self.sc:
            return [_Suggestion(word)]
        cands = self.sc.candidates(word) or {word}
        ranked = sorted(cands, key=lambda w: -self.sc.word_usage_frequency(w))
        return [_Suggestion(w) for w in ranked[:k]]

    def correct_tokens(self, tokens: list[str]) -> list[str]:
        return [self.correct(t, "", 1)[0].word if t.isalpha() else t for t in tokens]


class NextwordSystem:
    name = "nextword"

    def __init__(self, model, params: CorrectorParams | None = None):
        self.corrector = Corrector(model, params=params)

    def correct(self, word: str, context: str = "", k: int = 3):
        return self.corrector.correct(word, context, k)

    def correct_tokens(self, tokens: list[str]) -> list[str]:
        return self.corrector.correct_tokens(tokens)


# -- measurements ---------------------------------------------------------------------------------

def pair_sets(max_pairs: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """Each reported pair file (a sample of ``max_pairs`` when it has more and that is not 0);
    of the dev pair files only the fifth the error model never learned from (``dev_fold``,
    split by intended word). All of it by default: the Birkbeck fifth clusters by intended word
    (many spellings of each), so a sample of 1,000 ran 1-2 points from its full figure."""
    rng = random.Random(seed)
    out = {}
    for name in PAIR_FILES:
        pairs = read_pairs(TYPOS / name)
        if name in DEV_PAIR_FILES:
            pairs = dev_fold(pairs, held_out=True)
        out[name] = pairs if not max_pairs or len(pairs) <= max_pairs else rng.sample(pairs, max_pairs)
    return out


def latency_ms(corrector: Corrector, sentences: list[tuple[list[str], list[str]]]) -> dict:
    """Per-call ``correct(word, text before it)`` latency in milliseconds, the way an editor calls
    it: walking through the noisy sentences as one running text, every word once."""
    times = []
    text = ""
    corrector.correct("warm", "up", 3)  # one-off start-up (index pages, first model call)
    for _, noisy in sentences:
        for word in noisy:
            start = time.perf_counter()
            corrector.correct(word, text, 3)
            times.append((time.perf_counter() - start) * 1000)
            text += word + " "
        text = text[:-1] + ".\n"
    times.sort()
    return {"calls": len(times), "p50_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))], "max_ms": times[-1]}


def autocorrect_speed(corrector: Corrector, sentences: list[tuple[list[str], list[str]]]) -> dict:
    """``autocorrect(text)`` words per second on the noisy sentences as one running text."""
    text = "\n".join(" ".join(noisy) for _, noisy in sentences)
    words = sum(len(noisy) for _, noisy in sentences)
    start = time.perf_counter()
    corrector.autocorrect(text)
    secs = time.perf_counter() - start
    return {"words": words, "seconds": secs, "words_per_s": words / secs}


def run_bench(args: argparse.Namespace, model) -> dict:
    systems = []
    for name in args.systems.split(","):
        if name == "nextword":
            systems.append(NextwordSystem(model))
        elif name == "symspellpy":
            systems.append(SymSpellSystem())
        elif name == "pyspellchecker":
            systems.append(PySpellSystem())
        else:
            raise SystemExit(f"unknown system {name}")
    pairs = pair_sets(args.max_pairs, args.seed)
    sentences = {name: read_sentences(TYPOS / name)[: args.max_sentences] for name in SENTENCE_FILES}
    results: dict = {}
    for system in systems:
        res: dict = {}
        cap = args.slow_max if isinstance(system, PySpellSystem) else None
        for name, ps in pairs.items():
            res[name] = score_pairs(system.correct, ps[:cap])
        for name, ss in sentences.items():
            res[name] = score_sentences(system.correct_tokens, ss[:cap])
        if isinstance(system, NextwordSystem):
            ss = sentences[SENTENCE_FILES[0]]
            # cold caches for the timing figures; typo-dense text and the same text clean
            res["autocorrect_speed"] = autocorrect_speed(Corrector(model), ss)
            res["autocorrect_speed_clean"] = autocorrect_speed(Corrector(model), [(c, c) for c, _ in ss])
            res["correct_latency"] = latency_ms(Corrector(model), ss[:200])
            res["load_average"] = os.getloadavg()
            res["matmul_gflops"] = matmul_flops() / 1e9  # the speed figures depend on the CPU
            res["params"] = asdict(system.corrector.params)
        results[system.name] = res
        print_system(system.name, res)
    return results


def print_system(name: str, res: dict) -> None:
    print(f"\n== {name}")
    for key, r in res.items():
        if key.endswith(".tsv") and "top1" in r:
            print(f"  {key:28s} pairs={r['pairs']:5d} top1={r['top1']:.1%} top3={r['top3']:.1%} "
                  f"words/s={r['words_per_s']:.0f}")
        elif key.endswith(".tsv"):
            print(f"  {key:28s} words={r['words']:5d} typos={r['typos']:4d} "
                  f"still-wrong={r['still_wrong']:.2%} fix={r['fix_rate']:.1%} "
                  f"broken={r['broken_rate']:.2%} words/s={r['words_per_s']:.0f}")
    if "autocorrect_speed" in res:
        s = res["autocorrect_speed"]
        clean = res["autocorrect_speed_clean"]
        print(f"  autocorrect(text): {s['words_per_s']:.0f} words/s on the noisy sentences, "
              f"{clean['words_per_s']:.0f} words/s on the same text without typos ({s['words']} words)")
        lat = res["correct_latency"]
        print(f"  correct(word, text before it): p50 {lat['p50_ms']:.2f} ms, p99 {lat['p99_ms']:.2f} ms "
              f"({lat['calls']} calls); load average {res['load_average'][0]:.1f}; one-thread matmul "
              f"{res['matmul_gflops']:.0f} GFLOP/s")
    sys.stdout.flush()


def calibrate(args: argparse.Namespace, model) -> None:
    """Grid over parameters outside the fitted replacement rule (``scripts/build/replace_rule.py``)
    on the calibration sentences (never the test files)."""
    sentences = [s for name in DEV_SENTENCE_FILES for s in read_sentences(TYPOS / name)]
    rng = random.Random(args.seed)
    dev_pairs = [p for name in DEV_PAIR_FILES
                 for p in rng.sample(dev_fold(read_pairs(TYPOS / name), held_out=False), 600)]
    corrector = Corrector(model)
    grid = json.loads(args.grid)
    base = corrector.params
    for values in itertools.product(*grid.values()):
        corrector.params = replace(base, **dict(zip(grid, values, strict=True)))
        r = score_sentences(corrector.correct_tokens, sentences)
        p = score_pairs(corrector.correct, dev_pairs)
        print(json.dumps(dict(zip(grid, values, strict=True))),
              f"still={r['still_wrong']:.2%} fix={r['fix_rate']:.1%} broken={r['broken_rate']:.2%}"
              f" dev-pairs top1={p['top1']:.1%} top3={p['top3']:.1%}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="typing model directory (default: bundled)")
    ap.add_argument("--systems", default="nextword,symspellpy,pyspellchecker")
    ap.add_argument("--max-pairs", type=int, default=0, help="sample of each pair file (0: all of it)")
    ap.add_argument("--max-sentences", type=int, default=None)
    ap.add_argument("--slow-max", type=int, default=300,
                    help="pairs/sentences per file for pyspellchecker (a few words/s on misspellings)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--grid", default='{"right_reach": [2, 3, 4], "context_range": [3, 3.5, 4]}')
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    import nextword

    needs_model = args.calibrate or "nextword" in args.systems.split(",")
    model = nextword.load(args.model) if needs_model else None
    if args.calibrate:
        calibrate(args, model)
        return
    results = run_bench(args, model)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
