"""``nextword suggest TEXT``: the next words, or completions of the word being typed."""

from __future__ import annotations

import argparse
import json

from nextword.cli.common import add_model_option, at_least, load_model


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("suggest", help="print suggestions for TEXT")
    p.add_argument("text")
    p.add_argument("-k", type=at_least(1), default=3, help="how many suggestions (default 3)")
    p.add_argument("--json", action="store_true")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    out = load_model(args).suggest(args.text, args.k)
    if args.json:
        print(json.dumps([s.__dict__ for s in out]))
    else:
        for s in out:
            print(f"{s.word}\t{s.score:.2f}\t{s.kind}")
    return 0
