"""Train a typing model: corpus -> tokenizer -> token streams -> word LM + char LM (+ n-gram) ->
model directory. ``nextword.train`` and ``nextword train`` both land here; with a base model
(the bundled one by default) the work is handed to ``lm.adapt``, which adapts it instead.

Work files (tokenized streams, resumable checkpoints) live in ``<out>.work/``; the model directory
itself is written in one atomic step at the end, so ``out`` is either the previous model or the
new one, and a killed run continues with ``resume=True``.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from nextword.core import checkpoint as ckpt
from nextword.core.trainer import init_distributed, set_threads
from nextword.errors import InputError
from nextword.files import write_json
from nextword.lm.adapt import adapt, resolve_base
from nextword.lm.fitting import (
    CHAR_TRAIN_CHARS,
    CHAR_VAL_CHARS,
    barrier,
    char_stream,
    clear_checkpoints,
    fit_lm,
    fit_metrics,
    ngram_sample,
    token_counts,
    train_batch_size,
)
from nextword.lm.mixture import tune_mixture, tuning_stream
from nextword.lm.modeldir import MODEL_KIND, read_lexicon, write_lexicon, write_model_dir
from nextword.lm.ngram import KneserNey
from nextword.lm.options import FLAT_OPTIONS, SHAPE_OPTIONS, TypingTrainOptions
from nextword.progress import training_progress
from nextword.text.corpus import Corpus, read_corpus
from nextword.text.lexicon import count_unknown_words
from nextword.text.streams import TokenFile
from nextword.text.tokenizer import WordTokenizer

__all__ = ["FLAT_OPTIONS", "SHAPE_OPTIONS", "TINY", "Prepared", "TypingTrainOptions", "prepare", "train",
           "train_tiny"]

STATS_CHARS = 20_000_000  # case table and character counts from about this many characters


# The smallest model that trains in seconds on a CPU: tests and smoke runs.
TINY: dict[str, Any] = dict(base=None, epochs=2, vocab_size=2000, dim=32, hidden_size=64, char_dim=16,
                            char_hidden=48, char_minutes=0.05, batch_size=16, bptt=20, progress=False, seed=0)
TINY_CORPUS_FILES = ("fortunes.txt", "debian-handbook.txt")  # in the project's corpus/


def tiny_corpus_text(corpus_dir: str | Path, chars_per_file: int = 60_000) -> str:
    """Real text for the ``TINY`` preset: the start of the fortunes and of the Debian handbook in
    ``corpus_dir`` (the project's ``corpus/``), each cut at its last line break."""
    parts = []
    for name in TINY_CORPUS_FILES:
        head = (Path(corpus_dir) / name).read_text("utf-8")[:chars_per_file]
        parts.append(head[: head.rfind("\n") + 1])
    return "".join(parts)


def train_tiny(corpus_dir: str | Path, work: str | Path) -> Path:
    """The ``TINY`` preset trained on ``tiny_corpus_text(corpus_dir)`` inside ``work`` (about
    20 s on a CPU): a real model for smoke runs and benchmarks of the editor."""
    work = Path(work)
    (work / "corpus").mkdir(parents=True, exist_ok=True)
    (work / "corpus" / "tiny.txt").write_text(tiny_corpus_text(corpus_dir), "utf-8")
    return train(work / "corpus", work / "tiny", **TINY)


def _fingerprint(corpus: Corpus, opts: TypingTrainOptions) -> str:
    """Changes when the corpus content or an option that shapes the token streams changes."""
    h = hashlib.sha256(f"streams-v3;{corpus.fingerprint};".encode())
    for key, value in (("vocab_size", opts.word.vocab_size), ("min_frequency", opts.min_frequency),
                       ("val_fraction", opts.val_fraction)):
        h.update(f"{key}={value};".encode())
    return h.hexdigest()[:16]


@dataclass
class Prepared:
    """The tokenizer and token streams of a corpus, as training reads them."""

    tok: WordTokenizer
    train_ids: TokenFile  # on disk, read window by window
    val_ids: np.ndarray  # at most max_val_tokens, in memory
    chars: TokenFile
    val_chars: np.ndarray
    counts: dict[str, int]  # paragraphs on each side, for the model's config
    lexicon: dict[str, int]  # real words outside the vocabulary (for autocorrect), with counts


def prepare(corpus: Corpus, work: Path, opts: TypingTrainOptions) -> Prepared:
    """Tokenize the corpus once into token files in ``work``; a later run on the same corpus and
    options reuses them. The corpus is streamed: memory does not grow with its size."""
    fp = _fingerprint(corpus, opts)
    stamp = work / "prepared.json"
    if not (stamp.exists() and ckpt.read_json(stamp).get("fingerprint") == fp):
        work.mkdir(parents=True, exist_ok=True)
        stamp.unlink(missing_ok=True)
        split = corpus.split(opts.val_fraction)
        if not split.n_val:
            raise InputError("the corpus is too small: it needs at least two paragraphs")
        every = max(1, split.n_chars // STATS_CHARS)
        tok = WordTokenizer.build(split.train(), opts.word.vocab_size, opts.min_frequency, stats_every=every)
        tok.save(work)
        write_lexicon(work, count_unknown_words(islice(corpus.paragraphs(), 0, None, every), tok))
        TokenFile.write(work / "train.tokens", tok.encode_chunks(split.train()))
        TokenFile.write(work / "val.tokens", tok.encode_chunks(split.val()))
        char_every = max(1, split.n_chars // CHAR_TRAIN_CHARS)
        TokenFile.write(work / "train.chars", char_stream(tok, split.train(), char_every, CHAR_TRAIN_CHARS))
        TokenFile.write(work / "val.chars", char_stream(tok, split.val(), 1, CHAR_VAL_CHARS))
        counts = {"train_paragraphs": split.n_train, "val_paragraphs": split.n_val}
        write_json(stamp, {"fingerprint": fp, **counts})
    counts = {k: int(v) for k, v in ckpt.read_json(stamp).items() if k != "fingerprint"}
    return Prepared(WordTokenizer.load(work), TokenFile(work / "train.tokens"),
                    TokenFile(work / "val.tokens").read(0, opts.max_val_tokens),
                    TokenFile(work / "train.chars"), np.asarray(TokenFile(work / "val.chars")), counts,
                    read_lexicon(work))


def train(corpus: str | Path | list[str | Path], out: str | Path, *, base: str | Path | None = "default",
          resume: bool = False, **options: Any) -> Path:
    """Train word- and character-level models on ``corpus`` and write a model directory ``out``.

    ``base``: "default" adapts the bundled model to the corpus, a model directory adapts that
    one (``lm.adapt``: shapes come from the base), None or "none" trains from scratch. Options
    are the fields of ``TypingTrainOptions`` (the CLI flags mirror them). With ``resume=True`` a
    killed run continues from its last checkpoint.
    """
    opts = TypingTrainOptions.from_kwargs(**options)
    set_threads()
    rank, world = init_distributed(opts.loop.device)
    out = ckpt.check_model_out(out)  # before any work: never a folder of the user's
    docs = read_corpus(corpus if isinstance(corpus, list) else [corpus])
    base_dir = resolve_base(base)
    if base_dir is not None:
        if world > 1:
            raise InputError("adapting a base model runs in one process: under torchrun train from scratch "
                             "with --base none")
        return adapt(docs, out, base_dir, resume, options)
    return _train_from_scratch(docs, out, opts, resume, rank, world)


def _train_from_scratch(docs: Corpus, out: Path, opts: TypingTrainOptions, resume: bool, rank: int,
                        world: int) -> Path:
    started = time.time()
    work = out.parent / f"{out.name}.work"
    if rank == 0 and not resume:  # a fresh run: old checkpoints go, token streams stay if valid
        clear_checkpoints(work)
    # Rank 0 tokenizes first; then the first rank of every other machine, which finds the streams
    # ready on a shared filesystem or else makes its own (deterministic) copy; then the rest load.
    local = int(os.environ.get("LOCAL_RANK", rank))
    for turn in (rank == 0, rank != 0 and local == 0, local != 0):
        if turn:
            data = prepare(docs, work, opts)
        barrier(world)
    tok, train_ids, val_ids = data.tok, data.train_ids, data.val_ids
    if len(train_ids) < 4 * opts.bptt:
        raise InputError(f"the corpus is too small to train on ({len(train_ids)} tokens)")
    batch = train_batch_size(len(train_ids), opts.batch_size, opts.bptt, world)

    progress = training_progress(opts.progress) if rank == 0 else None
    if progress is not None:
        progress.start()
    try:
        word_cfg = replace(opts.word, vocab_size=tok.vocab_size)
        word_lm, word_summary = fit_lm("word", word_cfg, train_ids, val_ids, work, opts,
                                       opts.max_minutes, resume, progress, batch, opts.bptt)
        chars, val_chars = data.chars, data.val_chars
        char_cfg = replace(opts.char, vocab_size=len(tok.chars))
        char_batch = max(1, min(64, (len(chars) - 1) // 101))
        char_lm, char_summary = fit_lm("char", char_cfg, chars, val_chars, work, opts,
                                       opts.char_minutes, resume, progress, char_batch, 100)
    finally:
        if progress is not None:
            progress.stop()

    if rank != 0:  # rank 0 alone writes the model directory
        barrier(world)
        return out
    ngram_ids = ngram_sample(train_ids, opts.ngram_max_tokens, tok.bos_id)
    ngram = KneserNey.build(ngram_ids, tok.vocab_size, opts.ngram_order)
    weights, mixture_ppl = tune_mixture(word_lm, ngram, *tuning_stream(docs.split(opts.val_fraction), tok))
    unigram = token_counts(train_ids, tok.vocab_size)
    config = {
        **ckpt.model_header(MODEL_KIND),
        "word_lm": word_cfg.to_dict(), "char_lm": char_cfg.to_dict(),
        "ngram_order": opts.ngram_order, "mixture": weights,
        "options": {k: v for k, v in asdict(opts).items() if k != "progress"},
        "corpus": {"files": len(docs.files), "skipped": docs.skipped[:20], **data.counts,
                   "train_tokens": len(train_ids), "val_tokens": len(val_ids),
                   "vocab_size": tok.vocab_size,
                   "oov_rate_val": float(np.mean(np.asarray(val_ids) == tok.unk_id))},
        "metrics": fit_metrics(word_summary, char_summary, mixture_ppl),
        "train_seconds": round(time.time() - started, 1),
        "seed": opts.loop.seed,
    }
    write_model_dir(out, tok, word_lm, char_lm, ngram_ids, unigram, config, data.lexicon)
    barrier(world)
    return out
