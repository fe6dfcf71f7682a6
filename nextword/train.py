"""Train a typing model: corpus -> tokenizer -> token streams -> word LM + char LM (+ n-gram) ->
model directory. ``nextword.train`` and ``nextword train`` both land here.

Work files (tokenized streams, resumable checkpoints) live in ``<out>.work/``; the model directory
itself is written in one atomic step at the end, so ``out`` is either the previous model or the
new one, and a killed run continues with ``resume=True``.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import checkpoint as ckpt
from .corpus import read_corpus
from .data import TokenStream
from .errors import InputError
from .lexicon import count_unknown_words, write_lexicon
from .model import LanguageModel, LMConfig
from .ngram import KneserNey
from .tokenizer import WordTokenizer
from .trainer import TrainConfig, Trainer, dist_info, init_distributed, set_threads

MODEL_KIND = "typing"


@dataclass
class TypingTrainOptions:
    """Everything ``nextword train`` can set; the defaults train the bundled model."""

    vocab_size: int = 30_000
    min_frequency: int = 2
    dim: int = 256
    hidden_size: int = 768
    num_layers: int = 1
    dropout: float = 0.1
    batch_size: int = 64
    bptt: int = 35
    epochs: int = 10
    lr: float = 3e-3
    seed: int = 0
    max_minutes: float | None = None     # wall-clock budget for the word LM
    char_minutes: float = 3.0           # budget for the (small) char LM
    char_dim: int = 64
    char_hidden: int = 384
    ngram_order: int = 4
    val_fraction: float = 0.03
    patience: int = 2
    checkpoint_every: float = 120.0
    device: str | None = None
    progress: bool = True

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> TypingTrainOptions:
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(f"unknown training option(s): {', '.join(unknown)}")
        return cls(**kwargs)


def _fingerprint(paragraphs: list[str], opts: TypingTrainOptions) -> str:
    h = hashlib.sha256()
    for key in ("vocab_size", "min_frequency", "val_fraction"):
        h.update(f"{key}={getattr(opts, key)};".encode())
    for p in paragraphs:
        h.update(p.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()[:16]


def _progress(enabled: bool):
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if not enabled:
        return None
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[info]}"))


def prepare(paragraphs: list[str], val: list[str], work: Path, opts: TypingTrainOptions
            ) -> tuple[WordTokenizer, np.ndarray, np.ndarray]:
    """Tokenizer and token-id streams, cached in ``work`` and reused when the corpus is unchanged."""
    fp = _fingerprint(paragraphs + ["\x00"] + val, opts)
    stamp = work / "prepared.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("fingerprint") == fp:
        tok = WordTokenizer.load(work)
        return tok, np.load(work / "train_ids.npy", mmap_mode="r"), np.load(work / "val_ids.npy")
    tok = WordTokenizer.build(paragraphs, opts.vocab_size, opts.min_frequency)
    train_ids = tok.encode_paragraphs(paragraphs)
    val_ids = tok.encode_paragraphs(val)
    work.mkdir(parents=True, exist_ok=True)
    tok.save(work)
    np.save(work / "train_ids.npy", train_ids.astype(np.int32))
    np.save(work / "val_ids.npy", val_ids.astype(np.int32))
    ckpt.write_json(stamp, {"fingerprint": fp})
    return tok, np.load(work / "train_ids.npy", mmap_mode="r"), val_ids


def char_stream(tok: WordTokenizer, paragraphs: list[str], max_chars: int) -> np.ndarray:
    """Lower-cased characters of the paragraphs (boundary char between them), at most max_chars,
    taken evenly across the corpus so every kind of text is represented."""
    step = max(1, int(sum(len(p) + 1 for p in paragraphs) / max_chars))
    picked = paragraphs[::step] if step > 1 else paragraphs
    ids = []
    for p in picked:
        ids.append(1)  # boundary
        ids.extend(tok.encode_chars(p))
    return np.asarray(ids[:max_chars], dtype=np.int32)


def _fit_lm(name: str, config: LMConfig, train_ids: np.ndarray, val_ids: np.ndarray, work: Path,
            opts: TypingTrainOptions, minutes: float | None, resume: bool, progress: Any,
            batch_size: int, bptt: int) -> tuple[LanguageModel, dict]:
    torch.manual_seed(opts.seed)
    model = LanguageModel(config)
    rank, world = dist_info()  # under torchrun each rank reads its own columns of the stream
    train = TokenStream(train_ids, batch_size, bptt, shard=rank, n_shards=world)
    val_batch = max(1, min(16, (len(val_ids) - 1) // (bptt + 1))) // world * world
    val = TokenStream(val_ids, max(world, val_batch), bptt, shard=rank, n_shards=world)
    cfg = TrainConfig(epochs=opts.epochs, lr=opts.lr, seed=opts.seed, patience=opts.patience,
                      max_seconds=minutes * 60 if minutes else None,
                      checkpoint_every=opts.checkpoint_every, device=opts.device)
    trainer = Trainer(model, train, val, cfg, work, name=name, progress=progress)
    summary = trainer.fit(resume=resume)
    return model.cpu().eval(), summary


def mixture_weights(components: list[np.ndarray]) -> list[float]:
    """EM for the interpolation weights of several models, given each one's probability of the
    true next token at every validation position (rows = models)."""
    p = np.stack(components)  # (models, positions)
    w = np.full(len(components), 1 / len(components))
    for _ in range(50):
        mix = (w[:, None] * p).sum(0)
        w = (w[:, None] * p / np.maximum(mix, 1e-300)).mean(1)
    return [float(x) for x in w]


def train(corpus: str | Path | list[str | Path], out: str | Path, resume: bool = False,
          **options: Any) -> Path:
    """Train word- and character-level models on ``corpus`` and write a model directory ``out``.

    Options are the fields of ``TypingTrainOptions`` (the CLI flags mirror them). With
    ``resume=True`` a killed run continues from its last checkpoint.
    """
    opts = TypingTrainOptions.from_kwargs(**options)
    set_threads()
    rank, world = init_distributed(opts.device)
    out = Path(out)
    started = time.time()
    docs = read_corpus(corpus if isinstance(corpus, list) else [corpus])
    train_paras, val_paras = docs.split(opts.val_fraction)
    if not val_paras:
        raise InputError("the corpus is too small: it needs at least two paragraphs")
    work = out.parent / f"{out.name}.work"
    if rank == 0:  # rank 0 tokenizes; the others then find the prepared streams on disk
        if not resume and work.exists():
            shutil.rmtree(work)
        tok, train_ids, val_ids = prepare(train_paras, val_paras, work, opts)
    _barrier(world)
    if rank != 0:
        tok, train_ids, val_ids = prepare(train_paras, val_paras, work, opts)
    if len(train_ids) < 4 * opts.bptt:
        raise InputError(f"the corpus is too small to train on ({len(train_ids)} tokens)")
    batch = max(1, min(opts.batch_size, (len(train_ids) - 1) // (opts.bptt + 1)))
    batch = max(world, batch // world * world)  # the global batch splits evenly across ranks

    progress = _progress(opts.progress and rank == 0)
    if progress is not None:
        progress.start()
    try:
        word_cfg = LMConfig(tok.vocab_size, opts.dim, opts.hidden_size, opts.num_layers, opts.dropout)
        word_lm, word_summary = _fit_lm("word", word_cfg, train_ids, val_ids, work, opts,
                                        opts.max_minutes, resume, progress, batch, opts.bptt)
        chars = char_stream(tok, train_paras, 6_000_000)
        val_chars = char_stream(tok, val_paras, 200_000)
        char_cfg = LMConfig(len(tok.chars), opts.char_dim, opts.char_hidden, 1, opts.dropout, cutoffs=[])
        char_batch = max(1, min(64, (len(chars) - 1) // 101))
        char_lm, char_summary = _fit_lm("char", char_cfg, chars, val_chars, work, opts,
                                        opts.char_minutes, resume, progress, char_batch, 100)
    finally:
        if progress is not None:
            progress.stop()

    if rank != 0:  # rank 0 alone writes the model directory
        _barrier(world)
        return out
    ngram = KneserNey.build(np.asarray(train_ids), tok.vocab_size, opts.ngram_order)
    weights, mixture_ppl = _tune_mixture(word_lm, ngram, val_ids)
    unigram = np.bincount(np.asarray(train_ids), minlength=tok.vocab_size)
    config = {
        "format": "nextword", "format_version": ckpt.FORMAT_VERSION, "kind": MODEL_KIND,
        "word_lm": word_cfg.to_dict(), "char_lm": char_cfg.to_dict(),
        "ngram_order": opts.ngram_order, "mixture": weights,
        "options": {k: v for k, v in asdict(opts).items() if k != "progress"},
        "corpus": {"files": len(docs.documents), "skipped": docs.skipped[:20],
                   "train_paragraphs": len(train_paras), "val_paragraphs": len(val_paras),
                   "train_tokens": int(len(train_ids)), "val_tokens": int(len(val_ids)),
                   "vocab_size": tok.vocab_size,
                   "oov_rate_val": float(np.mean(np.asarray(val_ids) == tok.unk_id))},
        "metrics": {"word_val_loss": word_summary["best_val_loss"],
                    "word_val_ppl": math.exp(min(50, word_summary["best_val_loss"])),
                    "char_val_loss": char_summary["best_val_loss"],
                    "word_history": word_summary["history"], "char_history": char_summary["history"],
                    "mixture_val_ppl": mixture_ppl},
        "train_seconds": round(time.time() - started, 1),
        "seed": opts.seed,
    }
    known_words = count_unknown_words((p for paras in (train_paras, val_paras) for p in paras), tok)
    write_model_dir(out, tok, word_lm, char_lm, train_ids, unigram, config, known_words)
    _barrier(world)
    return out


def _barrier(world: int) -> None:
    if world > 1:
        import torch.distributed as dist

        dist.barrier()


@torch.no_grad()
def lstm_target_probs(lm: LanguageModel, ids: np.ndarray, chunk: int = 256) -> np.ndarray:
    """p(ids[t+1] | ids[..t]) under ``lm``, run over the stream in one pass (state carried)."""
    lm.eval()
    x = torch.from_numpy(np.asarray(ids, dtype=np.int64))
    out, state = [], None
    for s in range(0, len(x) - 1, chunk):
        inp = x[s : min(s + chunk, len(x) - 1)].unsqueeze(0)
        tgt = x[s + 1 : s + 1 + inp.shape[1]]
        lp, state = lm.log_probs(inp, state)
        out.append(lp[0].gather(1, tgt.unsqueeze(1)).squeeze(1).exp())
    return torch.cat(out).numpy().astype(np.float64)


def _tune_mixture(word_lm: LanguageModel, ngram: KneserNey, val_ids: np.ndarray) -> tuple[dict, float]:
    """Interpolation weights of LSTM, n-gram and document cache, fitted by EM on validation."""
    from .predict import cache_probs

    ids = np.asarray(val_ids[:60_000])
    p_lstm = lstm_target_probs(word_lm, ids)
    p_kn = np.array([ngram.probs(ids[max(0, t - 3) : t + 1])[ids[t + 1]] for t in range(len(ids) - 1)])
    p_cache = np.array([cache_probs(ids[: t + 1], ngram.vocab_size, ids[t + 1]) for t in range(len(ids) - 1)])
    w = mixture_weights([p_lstm, p_kn, p_cache])
    mix = w[0] * p_lstm + w[1] * p_kn + w[2] * p_cache
    return {"lstm": w[0], "ngram": w[1], "cache": w[2]}, float(np.exp(-np.log(mix).mean()))


def write_model_dir(out: Path, tok: WordTokenizer, word_lm: LanguageModel, char_lm: LanguageModel,
                    train_ids: np.ndarray, unigram: np.ndarray, config: dict,
                    known_words: dict[str, int] | None = None) -> None:
    """The whole model directory in one atomic step. Weights are stored as float16 (half the
    size; the loader computes in float32); the n-gram is rebuilt at load from the token ids."""
    tensors = {f"word.{k}": v.half() for k, v in word_lm.state_dict().items()}
    tensors.update({f"char.{k}": v.half() for k, v in char_lm.state_dict().items()})
    id_dtype = np.uint16 if tok.vocab_size <= 65536 else np.uint32
    with ckpt.atomic_directory(out) as tmp:
        ckpt.save_tensors(tmp / "weights.safetensors", tensors)
        tok.save(tmp)
        from safetensors.numpy import save as np_save

        ckpt.atomic_write_bytes(tmp / "ngram.safetensors", np_save({
            "ids": np.asarray(train_ids).astype(id_dtype), "unigram": unigram.astype(np.int64)}))
        ckpt.write_json(tmp / "config.json", config)
        if known_words is not None:  # real words outside the vocabulary, for autocorrect
            write_lexicon(tmp, known_words)
