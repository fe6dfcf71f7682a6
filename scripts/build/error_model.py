"""Learn the autocorrect channel model from the development typo pairs and write it into the
package (``nextword/resources/error_model.json``).

    python scripts/build/error_model.py [--data data/typos] [--out nextword/resources/error_model.json]

Trains on ``birkbeck-dev.tsv`` and ``codespell-dev.tsv`` only, less the fifth of their pairs
(split by intended word, ``datasets.dev_fold``) the benchmark reports them on;
``norvig-testset1.tsv`` is kept for testing. Pairs that are not single lower-case ``[a-z'-]``
words are skipped. The single-edit tables learn from the pairs within two edits; the substring
rules (``nextword.correct.substrings``, Brill and Moore) from the pairs within ``--rule-edits``. ``--slips W`` mixes
in a pure typing-slip model with weight W: on the held-out dev sentences W = 0.6 fixes about
3 points more typos, but it dilutes the learned spelling errors (Birkbeck dev top-1 -1 point,
Norvig top-3 below 92 %), so the main tables use W = 0. A second set of tables, mixed with
``--typing-slips`` (default 0.95, calibrated on the dev sentences), is the typist's channel that
``autocorrect`` decides with (``ErrorModel.load_typing``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nextword.correct.candidates import osa_distance
from nextword.correct.datasets import DEV_PAIR_FILES as TRAIN_FILES
from nextword.correct.datasets import dev_fold
from nextword.correct.errormodel import ErrorModel, count_edits, learn
from nextword.correct.evaluate import read_pairs
from nextword.correct.substrings import count_rules

ROOT = Path(__file__).resolve().parents[2]


def _rounded(tables: dict) -> dict:
    """Tables with 3 decimals (the file stays small; far finer than the counts behind them)."""
    return {k: [[round(v, 3) for v in row] for row in t] for k, t in tables.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "typos")
    ap.add_argument("--out", type=Path, default=ROOT / "nextword" / "resources" / "error_model.json")
    ap.add_argument("--strength", type=float, default=20.0)
    ap.add_argument("--slips", type=float, default=0.0, help="weight of the pure typing-slip model")
    ap.add_argument("--typing-slips", type=float, default=0.95,
                    help="the same for the typist's channel autocorrect decides with")
    ap.add_argument("--rule-edits", type=int, default=4,
                    help="substring rules: learn from pairs at most this many edits apart")
    ap.add_argument("--rule-min-count", type=int, default=10, help="keep rules seen in this many pairs")
    ap.add_argument("--rule-gain", type=float, default=1.0,
                    help="keep rules at least this much likelier (nats) than their single edits")
    args = ap.parse_args()
    pairs = [p for name in TRAIN_FILES for p in dev_fold(read_pairs(args.data / name), held_out=False)]
    counts = count_edits(pairs)
    params = learn(counts, strength=args.strength, slips=args.slips)
    params["slips"] = args.slips
    params["trained_on"] = list(TRAIN_FILES)
    params["tables"] = _rounded(params["tables"])
    near = [p for p in pairs if osa_distance(*p, limit=args.rule_edits) <= args.rule_edits]
    # a rule no likelier than the single edits it stands for only slows the alignment down
    single = ErrorModel(params)
    params["rules"] = [(a, b, round(lp, 3)) for a, b, lp in count_rules(near, args.rule_min_count)
                       if lp > single.logp(b, a) + args.rule_gain]
    typing = learn(counts, strength=args.strength, slips=args.typing_slips)
    params["typing"] = {"slips": args.typing_slips, "tables": _rounded(typing["tables"])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(params, separators=(",", ":")) + "\n", "utf-8")
    print(f"{len(pairs)} pairs read, {params['pairs_used']} within 2 edits, {len(params['rules'])} "
          f"substring rules from {len(near)} -> {args.out}")


if __name__ == "__main__":
    main()
