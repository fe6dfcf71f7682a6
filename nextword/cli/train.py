"""``nextword train CORPUS... --out DIR``: train a typing model on the user's text."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from nextword.lm.train import TypingTrainOptions, train

# the flags: option name (the flag is --option-name, except --minutes) and help; the defaults
# come from ``TypingTrainOptions``
FLAGS_HELP = """
epochs            passes over the corpus at most
max_minutes       time budget for the word model
char_minutes      time budget for the char model
seed              random seed
vocab_size        words in the vocabulary at most
hidden_size       LSTM cells of the word model
dim               embedding and projection width of the word model
batch_size        text columns trained side by side
lr                learning rate
bptt              tokens per truncated back-propagation window
checkpoint_every  seconds between resumable checkpoints
device            cpu, cuda, cuda:1 ... (default: GPU if present)
"""
FLAGS = {"--minutes" if name == "max_minutes" else "--" + name.replace("_", "-"): (name, text.strip())
         for name, text in (line.split(maxsplit=1) for line in FLAGS_HELP.strip().splitlines())}


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("train", help="train a typing model on your text")
    p.add_argument("corpus", nargs="+", help="text files, folders or globs")
    p.add_argument("--out", required=True, metavar="DIR", help="model directory to write")
    defaults = TypingTrainOptions().flat()
    for flag, (option, text) in FLAGS.items():
        default = defaults[option]
        kind = str if option == "device" else float if option in ("max_minutes", "lr") else type(default)
        p.add_argument(flag, dest=option, type=kind, default=default, metavar=flag[2:].upper().replace("-", "_"),
                       help=f"{text} (default: {default})" if default is not None else text)
    p.add_argument("--resume", action="store_true", help="continue a killed run")
    p.add_argument("--no-progress", action="store_true")
    return p


def run(args: argparse.Namespace) -> int:
    options = {option: getattr(args, option) for option, _ in FLAGS.values()}
    out = train(args.corpus, args.out, resume=args.resume, progress=not args.no_progress, **options)
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun one summary line, from rank 0
        return 0
    cfg = json.loads((Path(out) / "config.json").read_text())
    m = cfg["metrics"]
    print(f"wrote {out}: word val ppl {m['word_val_ppl']:.1f}, mixture val ppl {m['mixture_val_ppl']:.1f}, "
          f"{m['word_tokens_per_s']:,.0f} training tokens/s, {cfg['train_seconds'] / 60:.1f} min")
    return 0
