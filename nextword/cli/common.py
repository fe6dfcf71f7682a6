"""What several subcommands share: the argument parser class, the ``--model`` option and the
argparse types of numeric flags (``number_type``, ``at_least``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from nextword import load
from nextword.lm.typing_model import TypingModel
from nextword.userdata import chosen_model_dir, data_dir


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit code 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def number_type(kind: type, problem: Callable[[Any], str | None]) -> Callable[[str], Any]:
    """An argparse type: the text as ``kind`` (int or float), refused in ``problem(value)``'s
    words when it says one (argparse then prints one line naming the flag, exit code 2)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a {'whole ' if kind is int else ''}number: {text}") from None
        if why := problem(value):
            raise argparse.ArgumentTypeError(why)
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def at_least(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``least`` (``-k 0`` is a usage error, not an
    empty answer)."""
    return number_type(int, lambda value: f"must be at least {least}" if value < least else None)


def add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="DIR",
                   help="model directory (default: your adapted model if you made one, else the bundled model)")


def load_model(args: argparse.Namespace) -> TypingModel:
    """The typing model ``--model`` names (else the user's adapted model, else the bundled one),
    with what was learned from the user (the user data folder)."""
    return load(chosen_model_dir(args.model), personal=data_dir())
