"""``nextword eval FILE...``: perplexity, top-k accuracy and keystroke savings on held-out text,
or autocorrect accuracy on misspelling files (``typo<TAB>intended`` / ``clean<TAB>noisy``);
``--phrases``: phrase completion (trigger rate, ExactMatch@N, keystroke savings with phrases)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from nextword.cli.common import add_model_option, at_least, load_model
from nextword.correct.evaluate import correction_table, evaluate_typo_files, is_typo_file
from nextword.lm.evaluate import evaluate_files, evaluate_phrase_files, ngram_baseline


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("eval", help="perplexity, top-k accuracy and keystroke savings on FILE")
    p.add_argument("files", nargs="+")
    p.add_argument("--baseline", action="store_true",
                   help="also score the Kneser-Ney 4-gram trained on the same text (for an "
                        "adapted model: on the user's text)")
    p.add_argument("--max-words", type=at_least(1), default=None, help="score the first N words at most")
    p.add_argument("--phrases", action="store_true",
                   help="phrase completion: a typist who accepts a shown phrase when it is exactly "
                        "what comes next (trigger rate, ExactMatch@2..5, keystroke savings)")
    p.add_argument("--phrase-words", type=at_least(2), default=6, metavar="N",
                   help="--phrases: at most N words per phrase (default 6)")
    p.add_argument("--json", action="store_true")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    model = load_model(args)
    if args.phrases:
        return run_phrases(model, args)
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


def run_phrases(model, args: argparse.Namespace) -> int:
    """``--phrases``: the phrase typist on each file, pooled (docs/API.md has the words)."""
    res = evaluate_phrase_files(model, args.files, args.max_words, args.phrase_words)
    if args.json:
        print(json.dumps(res, indent=1))
        return 0
    r = res["pooled"]
    table = Table(title=f"phrase completion: {r['words']:,} words of {', '.join(Path(f).name for f in args.files)}",
                  caption="ExactMatch@N: shown phrases of >= N words whose first N are the next N typed; "
                          "trigger rate: word boundaries with a phrase of >= 2 words shown")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("trigger rate", f"{r['trigger_rate']:.2%} ({r['triggered']:,} of {r['boundaries']:,})")
    for n, em in r["exact_match"].items():
        table.add_row(f"ExactMatch@{n}", "-" if em is None else f"{em:.1%} (of {r['shown'][n]:,})")
    inside = r["inside_exact_match"]
    table.add_row("shown inside a word, right to the next word",
                  "-" if inside is None else f"{inside:.1%} (of {r['inside_shown']:,} keystrokes)")
    table.add_row("phrases accepted", f"{r['accepted']:,}, {r['accepted_words']:.2f} words on average")
    table.add_row("keystroke savings, words only", f"{r['ksr']:.1%}")
    table.add_row("keystroke savings, with phrases", f"{r['ksr_phrases']:.1%}")
    Console().print(table)
    return 0
