"""Train a typing model: corpus -> tokenizer -> token streams -> word LM + char LM (+ n-gram) ->
model directory. ``nextword.train`` and ``nextword train`` both land here.

Work files (tokenized streams, resumable checkpoints) live in ``<out>.work/``; the model directory
itself is written in one atomic step at the end, so ``out`` is either the previous model or the
new one, and a killed run continues with ``resume=True``.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nextword.core import checkpoint as ckpt
from nextword.core.trainer import TrainConfig, Trainer, dist_info, init_distributed, set_threads
from nextword.errors import InputError
from nextword.files import write_json
from nextword.lm.mixture import tune_mixture
from nextword.lm.model import LanguageModel, LMConfig
from nextword.lm.modeldir import MODEL_KIND, read_lexicon, write_lexicon, write_model_dir
from nextword.lm.ngram import KneserNey
from nextword.progress import progress_bar
from nextword.text.corpus import Corpus, read_corpus
from nextword.text.lexicon import count_unknown_words
from nextword.text.streams import TokenFile, TokenStream
from nextword.text.tokenizer import CHAR_BOUNDARY, WordTokenizer

STATS_CHARS = 20_000_000  # case table and character counts from about this many characters
CHAR_TRAIN_CHARS, CHAR_VAL_CHARS = 6_000_000, 200_000  # the char LM's training / validation text


# flat option names (``nextword.train(..., hidden_size=512)``, the CLI flags) -> the fields they set
FLAT_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "vocab_size": (("word", "vocab_size"),),
    "dim": (("word", "dim"),),
    "hidden_size": (("word", "hidden_size"),),
    "num_layers": (("word", "num_layers"),),
    "dropout": (("word", "dropout"), ("char", "dropout")),
    "char_dim": (("char", "dim"),),
    "char_hidden": (("char", "hidden_size"),),
    **{name: (("loop", name),) for name in ("epochs", "lr", "seed", "patience", "checkpoint_every", "device")},
}


@dataclass
class TypingTrainOptions:
    """Everything ``nextword train`` can set; the defaults train the bundled model.

    The shapes of the two language models and the training loop are their own dataclasses
    (``LMConfig``, ``TrainConfig``); this adds what only training a typing model has. Build it
    from flat keyword options with ``from_kwargs`` (``FLAT_OPTIONS`` says which field each sets).
    """

    word: LMConfig = field(default_factory=lambda: LMConfig(vocab_size=30_000))  # vocab_size: the most
    # words the vocabulary keeps (the model gets the size the corpus gives)
    char: LMConfig = field(default_factory=lambda: LMConfig(vocab_size=0, dim=64, hidden_size=384, cutoffs=[]))
    loop: TrainConfig = field(default_factory=TrainConfig)  # epochs, lr, seed, patience, device ...
    min_frequency: int = 2               # a word seen fewer times stays out of the vocabulary
    batch_size: int = 64
    bptt: int = 35                       # tokens per truncated back-propagation window
    max_minutes: float | None = None     # wall-clock budget for the word LM
    char_minutes: float = 3.0            # budget for the (small) char LM
    ngram_order: int = 4
    ngram_max_tokens: int = 8_000_000    # n-gram from an even sample of at most this many tokens
    max_val_tokens: int = 200_000        # validation beyond this costs time and adds little
    val_fraction: float = 0.03
    progress: bool = True

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TypingTrainOptions:
        """Options from flat keywords: the fields of this class and the names in ``FLAT_OPTIONS``."""
        own = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - own - set(FLAT_OPTIONS))
        if unknown:
            raise TypeError(f"unknown training option(s): {', '.join(unknown)}")
        opts = cls(**{k: v for k, v in kwargs.items() if k in own})
        for name, value in kwargs.items():
            for part, attr in FLAT_OPTIONS.get(name, ()):
                setattr(getattr(opts, part), attr, value)
        return opts

    def flat(self) -> dict[str, Any]:
        """The flat keyword form (what ``from_kwargs`` takes; the CLI's defaults)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("word", "char", "loop")}
        for name, targets in FLAT_OPTIONS.items():
            part, attr = targets[0]
            out[name] = getattr(getattr(self, part), attr)
        return out


# The smallest model that trains in seconds on a CPU: tests and smoke runs.
TINY: dict[str, Any] = dict(epochs=2, vocab_size=2000, dim=32, hidden_size=64, char_dim=16, char_hidden=48,
                            char_minutes=0.05, batch_size=16, bptt=20, progress=False, seed=0)
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


def char_stream(tok: WordTokenizer, paragraphs: Iterable[str], every: int, max_chars: int
                ) -> Iterator[np.ndarray]:
    """Lower-cased character ids of every ``every``-th paragraph (a boundary before each), at
    most ``max_chars``: a sample spread over the whole corpus, so every kind of text is in it."""
    left = max_chars
    for i, para in enumerate(paragraphs):
        if i % every:
            continue
        ids = np.asarray([tok.char_ids[CHAR_BOUNDARY], *tok.encode_chars(para)], dtype=np.int32)[:left]
        left -= len(ids)
        yield ids
        if left <= 0:
            return


def ngram_sample(ids: TokenFile, max_tokens: int, bos: int, pieces: int = 64) -> np.ndarray:
    """At most ``max_tokens`` of the stream for the n-gram: all of it when it fits, else
    ``pieces`` evenly spaced stretches (each opened with a boundary token, so no n-gram spans
    two stretches). Bounds both the model's size on disk and the memory to count it."""
    if len(ids) <= max_tokens:
        return np.asarray(ids)
    size = max_tokens // pieces
    stride = len(ids) // pieces
    return np.concatenate([np.concatenate([[bos], ids.read(i * stride, size - 1)]) for i in range(pieces)]
                          ).astype(np.int32)


def token_counts(ids: TokenFile, vocab_size: int) -> np.ndarray:
    """How often each id occurs in the stream (read in chunks)."""
    counts = np.zeros(vocab_size, dtype=np.int64)
    for chunk in ids.chunks():
        counts += np.bincount(chunk, minlength=vocab_size)
    return counts


def _fit_lm(name: str, config: LMConfig, train_ids: np.ndarray, val_ids: np.ndarray, work: Path,
            opts: TypingTrainOptions, minutes: float | None, resume: bool, progress: Any,
            batch_size: int, bptt: int) -> tuple[LanguageModel, dict]:
    torch.manual_seed(opts.loop.seed)
    model = LanguageModel(config)
    rank, world = dist_info()  # under torchrun each rank reads its own columns of the stream
    train = TokenStream(train_ids, batch_size, bptt, shard=rank, n_shards=world)
    val_batch = max(1, min(16, (len(val_ids) - 1) // (bptt + 1))) // world * world
    val = TokenStream(val_ids, max(world, val_batch), bptt, shard=rank, n_shards=world)
    cfg = replace(opts.loop, max_seconds=minutes * 60 if minutes else None)
    trainer = Trainer(model, train, val, cfg, work, name=name, progress=progress)
    summary = trainer.fit(resume=resume)
    return model.cpu().eval(), summary


def train(corpus: str | Path | list[str | Path], out: str | Path, resume: bool = False,
          **options: Any) -> Path:
    """Train word- and character-level models on ``corpus`` and write a model directory ``out``.

    Options are the fields of ``TypingTrainOptions`` (the CLI flags mirror them). With
    ``resume=True`` a killed run continues from its last checkpoint.
    """
    opts = TypingTrainOptions.from_kwargs(**options)
    set_threads()
    rank, world = init_distributed(opts.loop.device)
    out = Path(out)
    started = time.time()
    docs = read_corpus(corpus if isinstance(corpus, list) else [corpus])
    work = out.parent / f"{out.name}.work"
    if rank == 0 and not resume:  # a fresh run: old checkpoints go, token streams stay if valid
        for name in ("word", "char"):
            shutil.rmtree(work / f"{name}-state", ignore_errors=True)
    # Rank 0 tokenizes first; then the first rank of every other machine, which finds the streams
    # ready on a shared filesystem or else makes its own (deterministic) copy; then the rest load.
    local = int(os.environ.get("LOCAL_RANK", rank))
    for turn in (rank == 0, rank != 0 and local == 0, local != 0):
        if turn:
            data = prepare(docs, work, opts)
        _barrier(world)
    tok, train_ids, val_ids = data.tok, data.train_ids, data.val_ids
    if len(train_ids) < 4 * opts.bptt:
        raise InputError(f"the corpus is too small to train on ({len(train_ids)} tokens)")
    batch = max(1, min(opts.batch_size, (len(train_ids) - 1) // (opts.bptt + 1)))
    batch = max(world, batch // world * world)  # the global batch splits evenly across ranks

    progress = progress_bar(eta=True, info=True) if opts.progress and rank == 0 else None
    if progress is not None:
        progress.start()
    try:
        word_cfg = replace(opts.word, vocab_size=tok.vocab_size)
        word_lm, word_summary = _fit_lm("word", word_cfg, train_ids, val_ids, work, opts,
                                        opts.max_minutes, resume, progress, batch, opts.bptt)
        chars, val_chars = data.chars, data.val_chars
        char_cfg = replace(opts.char, vocab_size=len(tok.chars))
        char_batch = max(1, min(64, (len(chars) - 1) // 101))
        char_lm, char_summary = _fit_lm("char", char_cfg, chars, val_chars, work, opts,
                                        opts.char_minutes, resume, progress, char_batch, 100)
    finally:
        if progress is not None:
            progress.stop()

    if rank != 0:  # rank 0 alone writes the model directory
        _barrier(world)
        return out
    ngram_ids = ngram_sample(train_ids, opts.ngram_max_tokens, tok.bos_id)
    ngram = KneserNey.build(ngram_ids, tok.vocab_size, opts.ngram_order)
    weights, mixture_ppl = tune_mixture(word_lm, ngram, val_ids)
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
        "metrics": {"word_val_loss": word_summary["best_val_loss"],
                    "word_val_ppl": math.exp(min(50, word_summary["best_val_loss"])),
                    "char_val_loss": char_summary["best_val_loss"],
                    "word_steps": word_summary["steps"],
                    "word_tokens_per_s": round(word_summary["tokens_per_s"], 1),
                    "word_resumed_from_step": word_summary["resumed_from_step"],
                    "word_history": word_summary["history"], "char_history": char_summary["history"],
                    "mixture_val_ppl": mixture_ppl},
        "train_seconds": round(time.time() - started, 1),
        "seed": opts.loop.seed,
    }
    write_model_dir(out, tok, word_lm, char_lm, ngram_ids, unigram, config, data.lexicon)
    _barrier(world)
    return out


def _barrier(world: int) -> None:
    if world > 1:
        import torch.distributed as dist

        dist.barrier()
