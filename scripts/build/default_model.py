#!/usr/bin/env python3
"""Train the bundled default model on corpus/*.txt into nextword/default_model/.

    .venv/bin/python scripts/build/default_model.py --minutes 55 --seed 0

Resumable: rerun with --resume after a kill. The held-out text in heldout/ is never read.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nextword

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=55.0, help="word LSTM training budget")
    ap.add_argument("--char-minutes", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "nextword" / "default_model"))
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()
    started = time.time()
    out = nextword.train(sorted(str(p) for p in (ROOT / "corpus").glob("*.txt")), args.out, base=None,
                         resume=args.resume, seed=args.seed, max_minutes=args.minutes,
                         char_minutes=args.char_minutes, epochs=20, checkpoint_every=300)
    print(f"wrote {out} in {(time.time() - started) / 60:.1f} min (seed {args.seed})")


if __name__ == "__main__":
    main()
