"""Add the lexicon (real words outside the vocabulary, with counts) to an existing model
directory, from the corpus it was trained on; no retraining. New models get it from
``nextword.train``; this is for directories written before that (the bundled model).

    python scripts/build_lexicon.py [--model nextword/default_model] [--corpus corpus]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nextword.corpus import read_corpus  # noqa: E402
from nextword.lexicon import count_unknown_words, write_lexicon  # noqa: E402
from nextword.tokenizer import WordTokenizer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "nextword" / "default_model")
    ap.add_argument("--corpus", type=Path, nargs="+", default=[ROOT / "corpus"])
    args = ap.parse_args()
    tok = WordTokenizer.load(args.model)
    docs = read_corpus(args.corpus)
    counts = count_unknown_words((p for _, paras in docs.documents for p in paras), tok)
    write_lexicon(args.model, counts)
    print(f"{len(counts)} words outside the vocabulary ({sum(counts.values())} uses) -> {args.model}")


if __name__ == "__main__":
    main()
