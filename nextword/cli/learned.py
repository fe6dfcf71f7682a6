"""``nextword learned [--forget WORD]``: list what was learned from the user, or forget one word."""

from __future__ import annotations

import argparse

from nextword.cli.common import add_model_option, at_least, load_model
from nextword.errors import InputError
from nextword.userdata import data_dir


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("learned", help="list the words nextword learned from you")
    p.add_argument("--forget", metavar="WORD", help="forget one learned word everywhere")
    p.add_argument("-n", type=at_least(1), default=50, help="how many words to list (default: 50)")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    model = load_model(args)
    if args.forget:
        if not model.learner.forget(args.forget):
            raise InputError(f"{args.forget!r} was not learned")
        print(f"forgot {args.forget!r} in {data_dir()}")
        return 0
    rows = model.learned()
    if not rows:
        print(f"nothing learned yet in {data_dir()}")
        return 0
    new = sum(1 for _, _, is_new in rows if is_new)
    print(f"{len(rows):,} words learned, {new:,} of them new (not in the model's vocabulary):")
    for word, count, is_new in rows[: args.n]:
        print(f"{word}\t{count}\t{'new' if is_new else ''}".rstrip())
    return 0
