"""``nextword eval FILE...``: perplexity, top-k accuracy and keystroke savings on held-out text,
or autocorrect accuracy on misspelling files (``typo<TAB>intended`` / ``clean<TAB>noisy``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nextword.cli.common import add_model_option, load_model
from nextword.correct.evaluate import correction_table, evaluate_typo_files, is_typo_file
from nextword.lm.evaluate import evaluate_files, ngram_baseline


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("eval", help="perplexity, top-k accuracy and keystroke savings on FILE")
    p.add_argument("files", nargs="+")
    p.add_argument("--baseline", action="store_true",
                   help="also score the Kneser-Ney 4-gram trained on the same text")
    p.add_argument("--max-words", type=int, default=None)
    p.add_argument("--json", action="store_true")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    model = load_model(args)
    typo = [f for f in args.files if is_typo_file(f)]
    files = [f for f in args.files if f not in typo]
    if typo:
        res = evaluate_typo_files(model, typo)
        if args.json:
            print(json.dumps(res, indent=1))
        else:
            Console().print(correction_table(res))
        if not files:
            return 0
    rows = [("nextword", evaluate_files(model, files, args.max_words)["pooled"])]
    if args.baseline:
        rows.append(("Kneser-Ney 4-gram", evaluate_files(ngram_baseline(model), files, args.max_words)["pooled"]))
    if args.json:
        print(json.dumps(dict(rows), indent=1))
        return 0
    table = Table(title=f"{rows[0][1]['words']:,} words of {', '.join(Path(f).name for f in files)}",
                  caption="keystroke savings: accepting a word (one key) types the space after it; "
                          "strict: that space is typed too")
    for col in ("model", "perplexity", "top-1", "top-3", "keystroke savings", "strict", "OOV"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for name, r in rows:
        table.add_row(name, f"{r['perplexity']:.1f}", f"{r['top1']:.1%}", f"{r['top3']:.1%}",
                      f"{r['ksr']:.1%}", f"{r['ksr_strict']:.1%}", f"{r['oov_rate']:.1%}")
    Console().print(table)
    return 0
