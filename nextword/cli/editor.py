"""``nextword [FILE]`` / ``nextword type FILE``: the editor."""

from __future__ import annotations

import argparse

from nextword.app import run_app
from nextword.cli.common import add_model_option


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("type", help="open the editor on FILE")
    p.add_argument("file", nargs="?")
    p.add_argument("--incognito", action="store_true", help="learn nothing, store nothing")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    return run_app(args.file, args.model, args.incognito or None)
