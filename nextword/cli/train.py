"""``nextword train CORPUS... --out DIR [--base default|DIR|none]``: adapt a typing model to the
user's text (the bundled model by default) or train one from scratch."""

from __future__ import annotations

import argparse
import json
import os
from functools import partial
from pathlib import Path

from nextword.cli.common import number_type
from nextword.lm.adapt import BUDGET_RULE, CHAR_MINUTES, LR_FACTOR, report_lines
from nextword.lm.options import option_problem
from nextword.lm.train import TypingTrainOptions, train

# the flags: option name (the flag is --option-name, except --minutes) and help; the defaults
# come from ``TypingTrainOptions`` (adapting has its own for a few, given in ADAPT_DEFAULTS)
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
ADAPT_DEFAULTS = {"max_minutes": BUDGET_RULE, "char_minutes": f"{CHAR_MINUTES:g}",
                  "lr": f"{LR_FACTOR:.2g} x the base's", "batch_size": "the base's", "bptt": "the base's",
                  **dict.fromkeys(("vocab_size", "hidden_size", "dim"), "the base's, not settable")}
BASE_HELP = ("model to adapt: 'default' (the bundled model, the default), a model directory, or "
             "'none' to train from scratch. Adapting extends the base vocabulary with the "
             "corpus's new words, fine-tunes the base, adds an n-gram of your text, and prints "
             "base vs adapted on held-out text of the corpus")


def _help(option: str, text: str, default: object) -> str:
    adapt = ADAPT_DEFAULTS.get(option)
    if adapt is None:
        return f"{text} (default: {default})" if default is not None else text
    return f"{text} (default: {'none' if default is None else default} from scratch; adapting: {adapt})"


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("train", help="adapt a typing model to your text, or train one from scratch")
    p.add_argument("corpus", nargs="+", help="text files, folders or globs")
    p.add_argument("--out", required=True, metavar="DIR", help="model directory to write")
    p.add_argument("--base", default="default", metavar="BASE", help=BASE_HELP)
    defaults = TypingTrainOptions().flat()
    for flag, (option, text) in FLAGS.items():
        default = defaults[option]
        kind = str if option == "device" else float if option in ("max_minutes", "lr") else type(default)
        # only the flags given reach ``train``: adapting takes the rest from the base model
        checked = kind if kind is str else number_type(kind, partial(option_problem, option))
        p.add_argument(flag, dest=option, type=checked, default=argparse.SUPPRESS,
                       metavar=flag[2:].upper().replace("-", "_"), help=_help(option, text, default))
    p.add_argument("--resume", action="store_true", help="continue a killed run")
    p.add_argument("--no-progress", action="store_true")
    return p


def run(args: argparse.Namespace) -> int:
    options = {option: getattr(args, option) for option, _ in FLAGS.values() if hasattr(args, option)}
    out = train(args.corpus, args.out, base=args.base, resume=args.resume, progress=not args.no_progress,
                **options)
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun one summary line, from rank 0
        return 0
    cfg = json.loads((Path(out) / "config.json").read_text())
    m = cfg["metrics"]
    print(f"wrote {out}: word val ppl {m['word_val_ppl']:.1f}, mixture val ppl {m['mixture_val_ppl']:.1f}, "
          f"{m['word_tokens_per_s']:,.0f} training tokens/s, {cfg['train_seconds'] / 60:.1f} min")
    if "adaptation" in cfg:
        for line in adaptation_lines(cfg):
            print(line)
    return 0


def adaptation_lines(cfg: dict) -> list[str]:
    """What adapting did: the new words, then the before/after table."""
    a = cfg["adaptation"]
    if a["new_words"]:
        shown = ", ".join(a["top_new_words"][:10])
        words = f"added {a['new_words']:,} new words to the base's {a['base_vocab_size']:,} (most frequent: {shown})"
    else:
        words = "no new words were added: every frequent word of the corpus is already in the base vocabulary"
    return [words, *report_lines(cfg)]
