"""``nextword forget [--all]``: delete what nextword learned from the user's typing."""

from __future__ import annotations

import argparse

from nextword.lm.personal import forget_stored
from nextword.userdata import data_dir


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("forget", help="delete what nextword learned from your typing")
    p.add_argument("--all", action="store_true",
                   help="also your dictionary, blocked words and crash-recovery files")
    return p


def run(args: argparse.Namespace) -> int:
    gone = forget_stored(everything=args.all)
    what = "everything" if args.all else "your typing history"
    print(f"forgot {what} in {data_dir()}" if gone else f"nothing stored in {data_dir()}")
    return 0
