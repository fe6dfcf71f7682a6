"""What several subcommands share: the argument parser class, the ``--model`` option and the
type of a count option (``at_least``)."""

from __future__ import annotations

import argparse

from nextword import load
from nextword.lm.typing_model import TypingModel
from nextword.userdata import chosen_model_dir, data_dir


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit code 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def at_least(least: int):
    """An argparse type: an integer of at least ``least`` (``-k 0`` is a usage error, not an
    empty answer)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}")
        return value
    parse.__name__ = f"at_least_{least}"
    return parse


def add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="DIR",
                   help="model directory (default: your adapted model if you made one, else the bundled model)")


def load_model(args: argparse.Namespace) -> TypingModel:
    """The typing model ``--model`` names (else the user's adapted model, else the bundled one),
    with what was learned from the user (the user data folder)."""
    return load(chosen_model_dir(args.model), personal=data_dir())
