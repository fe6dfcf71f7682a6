"""Learning from the user, shown by a number: keystroke savings before and after learning.

Splits a text the model was never trained on into halves, measures keystroke savings (KSR,
docs/API.md) on the second half, lets the personal model learn the first half (as if the user had
typed it in the editor), and measures again. The personal store goes to a temp folder.

    .venv/bin/python scripts/bench/learning.py                       # tiny model + a Gutenberg passage
    .venv/bin/python scripts/bench/learning.py --model DIR --text held_out.txt --words 4000
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def default_text(words: int) -> str:
    """Consecutive paragraphs from the middle of the Gutenberg books (the tiny model is trained
    on the fortunes and the handbook only)."""
    text = (ROOT / "corpus" / "gutenberg-books.txt").read_text("utf-8")
    start = text.index("\n", len(text) // 3) + 1
    return first_words(text[start:], words)


def first_words(text: str, words: int) -> str:
    """The whole paragraphs of ``text`` up to about ``words`` words."""
    out, n = [], 0
    for line in text.splitlines():
        if n >= words:
            break
        out.append(line)
        n += len(re.findall(r"\w+", line))
    return "\n".join(out)


def halves(text: str) -> tuple[str, str]:
    """Split at the paragraph boundary nearest the middle (by words)."""
    lines = text.splitlines()
    total = sum(len(re.findall(r"\w+", line)) for line in lines)
    n = 0
    for i, line in enumerate(lines):
        n += len(re.findall(r"\w+", line))
        if n >= total / 2:
            return "\n".join(lines[: i + 1]), "\n".join(lines[i + 1:])
    return text, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", help="model directory (default: a tiny one trained now, ~20 s)")
    ap.add_argument("--text", help="a text file the model was not trained on")
    ap.add_argument("--words", type=int, default=3000, help="words of the text to use")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nextword
    from nextword.lm.evaluate import evaluate_text
    from nextword.lm.personal import Personalizer, PersonalStore
    from nextword.lm.train import train_tiny

    with tempfile.TemporaryDirectory(prefix="nextword-learning-") as tmp:
        if args.model:
            model_dir = Path(args.model)
        else:
            print("training a tiny model on a slice of corpus/ ...", file=sys.stderr)
            model_dir = train_tiny(ROOT / "corpus", Path(tmp))
        text = first_words(Path(args.text).read_text("utf-8"), args.words) if args.text \
            else default_text(args.words)
        learn, test = halves(text)
        model = nextword.load(model_dir)
        before = evaluate_text(model, test)
        personal = Personalizer(model, PersonalStore(Path(tmp) / "data"))
        personal.learn_text(learn)
        after = evaluate_text(model, test)
    print(f"model {model_dir}; learned {personal.learned_words:,} words, tested on {before['words']:,} others")
    print(f"{'':14}{'KSR':>8}{'top-1':>8}{'top-3':>8}{'perplexity':>12}{'OOV':>8}")
    for name, r in (("before", before), ("after", after)):
        print(f"{name:14}{r['ksr']:8.1%}{r['top1']:8.1%}{r['top3']:8.1%}{r['perplexity']:12.1f}"
              f"{r['oov_rate']:8.1%}")
    print(f"keystroke savings {before['ksr']:.1%} -> {after['ksr']:.1%} "
          f"({(after['ksr'] - before['ksr']) * 100:+.1f} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
