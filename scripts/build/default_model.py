#!/usr/bin/env python3
"""Train the bundled default model on corpus/*.txt into nextword/default_model/.

    .venv/bin/python scripts/build/default_model.py --minutes 55 --seed 0
    .venv/bin/python scripts/build/default_model.py --refit-mixture   # weights only, no training

Resumable: rerun with --resume after a kill. The held-out text in heldout/ is never read.
``--refit-mixture`` refits the trained model's mixture weights the way training fits them now
(``lm.mixture.tune_mixture`` on ``tuning_stream``: the validation paragraphs of corpus/ read
after the text before them), so a model trained before a mixture part existed gets it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import nextword
from nextword.files import write_json
from nextword.lm.mixture import tune_mixture, tuning_stream
from nextword.paths import bundled_corpus_files
from nextword.text.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=55.0, help="word LSTM training budget")
    ap.add_argument("--char-minutes", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "nextword" / "default_model"))
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--refit-mixture", action="store_true",
                    help="refit the mixture weights of the model in --out on corpus/ (no training)")
    args = ap.parse_args()
    if args.refit_mixture:
        refit_mixture(Path(args.out))
        return
    started = time.time()
    out = nextword.train(corpus_files(), args.out, base=None,
                         resume=args.resume, seed=args.seed, max_minutes=args.minutes,
                         char_minutes=args.char_minutes, epochs=20, checkpoint_every=300)
    print(f"wrote {out} in {(time.time() - started) / 60:.1f} min (seed {args.seed})")


def corpus_files() -> list[str]:
    """The bundled model's training text, in the order it was read."""
    return [str(p) for p in bundled_corpus_files()]


def refit_mixture(model_dir: Path) -> None:
    """Refit the mixture weights of the model in ``model_dir`` on its corpus's validation split
    (the split training made: same corpus, same fraction) and rewrite its config.json."""
    model = nextword.load(model_dir)
    config = dict(model.config)
    split = read_corpus(corpus_files()).split(config["options"]["val_fraction"])
    weights, ppl = tune_mixture(model.word_lm, model.ngram, *tuning_stream(split, model.tokenizer))
    print(f"mixture {config['mixture']} (validation perplexity {config['metrics']['mixture_val_ppl']:.1f})")
    print(f"     -> {weights} ({ppl:.1f})")
    config["mixture"] = weights
    config["metrics"] = {**config["metrics"], "mixture_val_ppl": ppl}
    write_json(model_dir / "config.json", config)


if __name__ == "__main__":
    main()
