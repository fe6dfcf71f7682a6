"""``nextword learn FILE...``: learn the user's past writing into the personal store."""

from __future__ import annotations

import argparse
import time

from nextword.cli.common import add_model_option, load_model
from nextword.errors import InputError
from nextword.text.corpus import read_corpus
from nextword.text.words import count_words
from nextword.userdata import data_dir

BATCH_CHARS = 2_000_000  # learned and stored this much text at a time


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("learn", help="learn your words and phrases from your own files")
    p.add_argument("files", nargs="+", metavar="FILE", help="text files, folders or globs")
    add_model_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    corpus = read_corpus(args.files)
    model = load_model(args)
    started, words, new = time.monotonic(), 0, []
    batch: list[str] = []
    size = 0
    learner = model.learner
    for para in [*corpus.paragraphs(), None]:
        if para is not None:
            batch.append(para)
            size += len(para)
        if batch and (para is None or size >= BATCH_CHARS):
            text = "\n".join(batch)
            words += count_words(text)
            new += learner.learn_text(text)
            learner.flush()  # stored batch by batch: a kill loses at most the batch in hand
            batch, size = [], 0
    if not words:
        raise InputError("nothing to learn: the files hold no words")
    seconds = time.monotonic() - started
    counts = model.personal.vocab.counts
    top = sorted(new, key=lambda w: -counts[w])[:10]
    shown = ", ".join(f"{model.personal.vocab.spelling(w) or w} ({counts[w]:,})" for w in top)
    print(f"learned {words:,} words ({len(new):,} new) from {len(corpus.files)} file(s) in {seconds:.1f} s "
          f"({words / max(seconds, 1e-9):,.0f} words/s) into {data_dir()}")
    if top:
        print(f"most frequent new words: {shown}")
    return 0
