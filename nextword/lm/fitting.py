"""What training from scratch (``lm.train``) and adapting a base model (``lm.adapt``) share:
fitting one language model with the ``Trainer``, the char LM's text sample, the n-gram's token
sample and unigram counts."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from nextword.core.trainer import Trainer, dist_info
from nextword.lm.model import LanguageModel, LMConfig
from nextword.lm.options import TypingTrainOptions
from nextword.text.streams import TokenFile, TokenStream
from nextword.text.tokenizer import CHAR_BOUNDARY, WordTokenizer

CHAR_TRAIN_CHARS, CHAR_VAL_CHARS = 6_000_000, 200_000  # the char LM's training / validation text


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


def ngram_sample(ids: TokenFile | np.ndarray, max_tokens: int, bos: int, pieces: int = 64) -> np.ndarray:
    """At most ``max_tokens`` of the stream for the n-gram: all of it when it fits, else
    ``pieces`` evenly spaced stretches (each opened with a boundary token, so no n-gram spans
    two stretches). Bounds both the model's size on disk and the memory to count it."""
    if len(ids) <= max_tokens:
        return np.asarray(ids)
    size = max_tokens // pieces
    stride = len(ids) // pieces
    return np.concatenate([np.concatenate([[bos], ids[i * stride: i * stride + size - 1]])
                           for i in range(pieces)]).astype(np.int32)


def token_counts(ids: TokenFile, vocab_size: int) -> np.ndarray:
    """How often each id occurs in the stream (read in chunks)."""
    counts = np.zeros(vocab_size, dtype=np.int64)
    for chunk in ids.chunks():
        counts += np.bincount(chunk, minlength=vocab_size)
    return counts


def fit_lm(name: str, config: LMConfig, train_ids: TokenFile | np.ndarray, val_ids: np.ndarray, work: Path,
           opts: TypingTrainOptions, minutes: float | None, resume: bool, progress: Any,
           batch_size: int, bptt: int, init: LanguageModel | None = None) -> tuple[LanguageModel, dict]:
    """Train one language model (a new one of shape ``config``, or ``init`` further) on
    ``train_ids`` with early stopping on ``val_ids``, for at most ``minutes``; checkpoints in
    ``work`` (``resume`` continues from them). Returns the best model (eval mode, on the CPU)
    and the trainer's summary."""
    torch.manual_seed(opts.loop.seed)
    model = LanguageModel(config) if init is None else init
    rank, world = dist_info()  # under torchrun each rank reads its own columns of the stream
    train = TokenStream(train_ids, batch_size, bptt, shard=rank, n_shards=world)
    val_batch = max(1, min(16, (len(val_ids) - 1) // (bptt + 1))) // world * world
    val = TokenStream(val_ids, max(world, val_batch), bptt, shard=rank, n_shards=world)
    cfg = replace(opts.loop, max_seconds=minutes * 60 if minutes else None)
    trainer = Trainer(model, train, val, cfg, work, name=name, progress=progress)
    summary = trainer.fit(resume=resume)
    return model.cpu().eval(), summary


def train_batch_size(n_tokens: int, batch_size: int, bptt: int, world: int = 1) -> int:
    """Columns per batch: ``batch_size`` unless the stream is too short for that many, and a
    multiple of the number of processes (the global batch splits evenly across ranks)."""
    batch = max(1, min(batch_size, (n_tokens - 1) // (bptt + 1)))
    return max(world, batch // world * world)


def barrier(world: int) -> None:
    """Wait for every process (nothing to do outside torchrun)."""
    if world > 1:
        dist.barrier()


def clear_checkpoints(work: Path) -> None:
    """Forget the resumable state of earlier runs in ``work`` (a fresh run starts over)."""
    for name in ("word", "char"):
        shutil.rmtree(work / f"{name}-state", ignore_errors=True)


def fit_metrics(word: dict, char: dict, mixture_ppl: float) -> dict:
    """The ``metrics`` of a model's config.json, from the two trainers' summaries."""
    return {"word_val_loss": word["best_val_loss"], "word_val_ppl": math.exp(min(50, word["best_val_loss"])),
            "char_val_loss": char["best_val_loss"], "word_steps": word["steps"],
            "word_seconds": word["seconds"], "char_seconds": char["seconds"],
            "word_tokens_per_s": round(word["tokens_per_s"], 1),
            "word_resumed_from_step": word["resumed_from_step"],
            "word_history": word["history"], "char_history": char["history"],
            "mixture_val_ppl": mixture_ppl}
