"""Fit autocorrect's replacement rule (when a correction replaces the typed word) to held-out
sentences with typos: ``nextword.correct.replace_rule`` records the close calls and fits the
weights.

    python scripts/build/replace_rule.py [--model DIR] [--rounds 2] [--threshold 1.0 1.25 0.75]
                                         [--set '{"skip_known": 6}']

Calibration text: the sentences of ``heldout/*.txt`` that are in none of the test files
(``context-heldout.tsv``, ``context-heldout-fortunes.tsv``) nor the dev files (which stay a
check of the fit), each given typos twice by ``nextword.correct.datasets.noisy`` (seed 11). The
model never trained on any of it. Each run starts from the current ``CorrectorParams`` (``--set``
changes some first). Prints the fitted fields and the dev figures after each round and for
each further threshold (refitted on the last round's decisions).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
from pathlib import Path

from nextword.correct.datasets import DEV_SENTENCE_FILES, TEST_SENTENCE_FILES, noisy, sentences

ROOT = Path(__file__).resolve().parents[2]
TYPOS = ROOT / "data" / "typos"


def calibration_sentences(copies: int = 2, seed: int = 11) -> list[tuple[list[str], list[str]]]:
    """(clean, noisy) held-out sentences outside the test and dev files."""
    from nextword.correct.evaluate import read_sentences

    taken = {" ".join(clean) for name in TEST_SENTENCE_FILES + DEV_SENTENCE_FILES
             for clean, _ in read_sentences(TYPOS / name)}
    pool, seen = [], set()
    for toks in sentences(sorted((ROOT / "heldout").glob("*.txt"))):
        key = " ".join(toks)
        if key not in seen and key not in taken:
            seen.add(key)
            pool.append(toks)
    pool.sort(key=lambda t: hashlib.sha1(" ".join(t).encode()).hexdigest())
    rng = random.Random(seed)
    return [(toks, noisy(toks, rng)) for _ in range(copies) for toks in pool]


def dev_figures(corrector) -> str:
    """Still-wrong, fix and broken rates on the dev sentence files."""
    from nextword.correct.evaluate import read_sentences, score_sentences

    out = []
    for name in DEV_SENTENCE_FILES:
        r = score_sentences(corrector.correct_tokens, read_sentences(TYPOS / name))
        out.append(f"{name}: still wrong {r['still_wrong']:.2%}, fix {r['fix_rate']:.1%}, "
                   f"broken {r['broken_rate']:.2%}")
    return "; ".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the bundled one)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--copies", type=int, default=2, help="noisy copies of each calibration sentence")
    ap.add_argument("--threshold", type=float, nargs="+", default=[1.0],
                    help="log-odds a replacement must reach (higher: fewer broken words, fewer fixes); "
                         "the dev figures are printed for each, the parameters for the first")
    ap.add_argument("--set", default="{}", help='other CorrectorParams fields to fit under, as JSON '
                                                 '(e.g. \'{"skip_known": 4}\')')
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    import nextword
    from nextword.correct.corrector import Corrector
    from nextword.correct.replace_rule import fit, record

    corrector = Corrector(nextword.load(args.model))
    corrector.params = dataclasses.replace(corrector.params, **json.loads(args.set))
    data = calibration_sentences(args.copies)
    print(f"{len(data)} calibration sentences; before: {dev_figures(corrector)}", flush=True)
    for r in range(args.rounds):
        rows = record(corrector, data)
        fitted = fit(rows, threshold=args.threshold[0])
        corrector.params = dataclasses.replace(corrector.params, **fitted)
        print(f"round {r + 1}: {len(rows)} decisions; {dev_figures(corrector)}", flush=True)
    print(f"threshold {args.threshold[0]}: {_fields(fitted)}")
    for threshold in args.threshold[1:]:
        other = fit(rows, threshold=threshold)
        tried = Corrector(corrector.model, params=dataclasses.replace(corrector.params, **other))
        print(f"threshold {threshold}: {dev_figures(tried)}\n  {_fields(other)}", flush=True)


def _fields(params: dict[str, float]) -> str:
    return "CorrectorParams(" + ", ".join(f"{k}={v:.3g}" for k, v in sorted(params.items())) + ")"


if __name__ == "__main__":
    main()
