"""The ``nextword`` command line (DESIGN.md). Exit codes: 0 success, 2 bad usage or bad input
(one clear line on stderr), 1 unexpected error."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

from nextword.errors import InputError

SUBCOMMANDS = {"train", "suggest", "correct", "eval", "forecast", "type", "forget"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _model_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="DIR", help="model directory (default: the bundled model)")


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="nextword", description="Local, private predictive text.")
    sub = ap.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="train a typing model on your text")
    t.add_argument("corpus", nargs="+", help="text files, folders or globs")
    t.add_argument("--out", required=True, metavar="DIR", help="model directory to write")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--minutes", type=float, default=None, help="time budget for the word model")
    t.add_argument("--char-minutes", type=float, default=3.0, help="time budget for the char model")
    t.add_argument("--resume", action="store_true", help="continue a killed run")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--vocab-size", type=int, default=30_000)
    t.add_argument("--hidden-size", type=int, default=768)
    t.add_argument("--dim", type=int, default=256)
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=3e-3)
    t.add_argument("--bptt", type=int, default=35, help="tokens per truncated back-propagation window")
    t.add_argument("--checkpoint-every", type=float, default=120.0, metavar="SECONDS",
                   help="how often a resumable checkpoint is written")
    t.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: GPU if present)")
    t.add_argument("--no-progress", action="store_true")

    s = sub.add_parser("suggest", help="print suggestions for TEXT")
    s.add_argument("text")
    s.add_argument("-k", type=int, default=3)
    s.add_argument("--json", action="store_true")
    _model_arg(s)

    e = sub.add_parser("eval", help="perplexity, top-k accuracy and keystroke savings on FILE")
    e.add_argument("files", nargs="+")
    e.add_argument("--baseline", action="store_true",
                   help="also score the Kneser-Ney 4-gram trained on the same text")
    e.add_argument("--max-words", type=int, default=None)
    e.add_argument("--json", action="store_true")
    _model_arg(e)

    for name, module in (("correct", "correct_cli"), ("forecast", "forecast_cli")):
        try:
            mod = __import__(f"nextword.{module}", fromlist=["add_parser"])
        except ImportError:
            continue
        mod.add_parser(sub)
        if name == "correct" and "--model" not in sub.choices[name]._option_string_actions:
            _model_arg(sub.choices[name])

    ty = sub.add_parser("type", help="open the editor on FILE")
    ty.add_argument("file", nargs="?")
    ty.add_argument("--incognito", action="store_true", help="learn nothing, store nothing")
    _model_arg(ty)

    fg = sub.add_parser("forget", help="delete what nextword learned from your typing")
    fg.add_argument("--all", action="store_true",
                    help="also your dictionary, blocked words and crash-recovery files")
    return ap


def _load(args: argparse.Namespace):
    from nextword import load

    return load(args.model)


def cmd_train(args: argparse.Namespace) -> int:
    from nextword.lm.train import train

    out = train(args.corpus, args.out, resume=args.resume, epochs=args.epochs, seed=args.seed,
                max_minutes=args.minutes, char_minutes=args.char_minutes, vocab_size=args.vocab_size,
                hidden_size=args.hidden_size, dim=args.dim, batch_size=args.batch_size, lr=args.lr,
                bptt=args.bptt, checkpoint_every=args.checkpoint_every, device=args.device,
                progress=not args.no_progress)
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun one summary line, from rank 0
        return 0
    cfg = json.loads((Path(out) / "config.json").read_text())
    m = cfg["metrics"]
    print(f"wrote {out}: word val ppl {m['word_val_ppl']:.1f}, mixture val ppl {m['mixture_val_ppl']:.1f}, "
          f"{m['word_tokens_per_s']:,.0f} training tokens/s, {cfg['train_seconds'] / 60:.1f} min")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    model = _load(args)
    out = model.suggest(args.text, args.k)
    if args.json:
        print(json.dumps([s.__dict__ for s in out]))
    else:
        for s in out:
            print(f"{s.word}\t{s.score:.2f}\t{s.kind}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from nextword.correct.evaluate import correction_table, evaluate_typo_files, is_typo_file
    from nextword.lm.evaluate import evaluate_files, ngram_baseline

    model = _load(args)
    typo = [f for f in args.files if is_typo_file(f)]  # typo<TAB>intended or clean<TAB>noisy
    args.files = [f for f in args.files if f not in typo]
    if typo:
        res = evaluate_typo_files(model, typo)
        if args.json:
            print(json.dumps(res, indent=1))
        else:
            Console().print(correction_table(res))
        if not args.files:
            return 0
    rows = [("nextword", evaluate_files(model, args.files, args.max_words)["pooled"])]
    if args.baseline:
        rows.append(("Kneser-Ney 4-gram", evaluate_files(ngram_baseline(model), args.files, args.max_words)["pooled"]))
    if args.json:
        print(json.dumps(dict(rows), indent=1))
        return 0
    table = Table(title=f"{rows[0][1]['words']:,} words of {', '.join(Path(f).name for f in args.files)}")
    for col in ("model", "perplexity", "top-1", "top-3", "keystroke savings", "OOV"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for name, r in rows:
        table.add_row(name, f"{r['perplexity']:.1f}", f"{r['top1']:.1%}", f"{r['top3']:.1%}",
                      f"{r['ksr']:.1%}", f"{r['oov_rate']:.1%}")
    Console().print(table)
    return 0


def cmd_type(args: argparse.Namespace) -> int:
    try:
        from nextword.app import run_app
    except ImportError:
        return _prompt_loop(args)
    return run_app(args.file, args.model, args.incognito or None)


def cmd_forget(args: argparse.Namespace) -> int:
    from nextword.lm.personal import forget_stored
    from nextword.userdata import data_dir

    gone = forget_stored(everything=args.all)
    what = "everything" if args.all else "your typing history"
    print(f"forgot {what} in {data_dir()}" if gone else f"nothing stored in {data_dir()}")
    return 0


def _prompt_loop(args: argparse.Namespace) -> int:
    """A minimal line prompt that shows suggestions (until the editor is installed)."""
    model = _load(args)
    print("Type text; suggestions appear after each line. Ctrl+D quits.")
    text = ""
    try:
        while True:
            line = input("> ")
            text += line
            print("   " + " | ".join(s.word for s in model.suggest(text, 3)))
    except (EOFError, KeyboardInterrupt):
        print()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        argv = ["type", *argv]  # `nextword [FILE]` opens the editor
    warnings.filterwarnings("ignore", category=UserWarning, module="torch")
    warnings.formatwarning = lambda msg, *_a, **_k: f"nextword: warning: {msg}\n"
    args = build_parser().parse_args(argv)
    handlers = {"train": cmd_train, "suggest": cmd_suggest, "eval": cmd_eval, "type": cmd_type,
                "forget": cmd_forget}
    try:
        if args.command in handlers:
            return handlers[args.command](args)
        if args.command == "correct":
            from nextword.cli.correct import run

            return run(args, _load(args))
        if args.command == "forecast":
            from nextword.cli.forecast import run

            return run(args)
        build_parser().print_help()
        return 2
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
