"""The ``nextword`` command line (docs/API.md): one module per subcommand, each with
``add_parser(subparsers)`` and ``run(args) -> exit code``, and one error path here.

Exit codes: 0 success, 2 bad usage or bad input (one clear line on stderr), 1 unexpected error.
"""

from __future__ import annotations

import os
import sys
import warnings

from nextword.cli import correct, editor, evaluate, forecast, forget, learn, learned, suggest, train
from nextword.cli.common import Parser
from nextword.errors import InputError

SUBCOMMANDS = {"train": train, "learn": learn, "learned": learned, "suggest": suggest, "correct": correct, "eval": evaluate,
               "forecast": forecast, "type": editor, "forget": forget}


def build_parser() -> Parser:
    parser = Parser(prog="nextword", description="Local, private predictive text.")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in SUBCOMMANDS.values():
        module.add_parser(sub).set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``nextword ARGV``; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["type", *argv]  # `nextword [FILE]` opens the editor
    warnings.filterwarnings("ignore", category=UserWarning, module="torch")
    warnings.formatwarning = lambda msg, *_a, **_k: f"nextword: warning: {msg}\n"
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (its one line already printed) or --help
        return exc.code if isinstance(exc.code, int) else 2
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except InputError as exc:
        print(f"nextword: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nextword: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if os.environ.get("NEXTWORD_DEBUG"):
            raise
        print(f"nextword: unexpected error: {type(exc).__name__}: {exc} (set NEXTWORD_DEBUG=1 for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
