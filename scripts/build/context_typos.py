"""Build in-context typo sentences (``clean<TAB>noisy``) from text the bundled model never saw.

    python scripts/build/context_typos.py [--seed 7] [--out data/typos/context-heldout.tsv]

Source: ``heldout/*.txt`` (held out from the bundled model's training). Paragraphs are split into
sentences of 6-30 lower-cased word tokens; a sentence whose ``sha1 % 5 == 0`` goes to the
calibration file (``context-heldout-dev.tsv``), every other one to the test pool, and
``--test``/``--dev`` sentences are sampled from each. Typos are injected
(``nextword.correct.datasets.noisy``) the way ``data/typos/SOURCES.md`` describes for
``context-fortunes-dev.tsv``: words of >= 3 letters, with p = 0.15, one edit each, drawn evenly
from a QWERTY-adjacent substitution, a deletion, an insertion of an adjacent or doubled key, and
a transposition; a token differs iff it got a typo.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

from nextword.correct.datasets import noisy, sentences

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, nargs="*", default=sorted((ROOT / "heldout").glob("*.txt")))
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "typos" / "context-heldout.tsv")
    ap.add_argument("--dev-out", type=Path, default=ROOT / "data" / "typos" / "context-heldout-dev.tsv")
    ap.add_argument("--test", type=int, default=800)
    ap.add_argument("--dev", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = {"dev": [], "test": []}
    seen = set()
    for toks in sentences(args.src):
        key = " ".join(toks)
        if key in seen:
            continue
        seen.add(key)
        h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
        pool["dev" if h % 5 == 0 else "test"].append(toks)
    for name, n, out in (("test", args.test, args.out), ("dev", args.dev, args.dev_out)):
        chosen = rng.sample(pool[name], min(n, len(pool[name])))
        lines = []
        typos = words = 0
        for toks in chosen:
            bad = noisy(toks, rng)
            typos += sum(a != b for a, b in zip(toks, bad, strict=True))
            words += len(toks)
            lines.append(" ".join(toks) + "\t" + " ".join(bad))
        out.write_text("\n".join(lines) + "\n", "utf-8")
        print(f"{out}: {len(lines)} sentences, {words} words, {typos} typos ({typos / words:.1%})")


if __name__ == "__main__":
    main()
