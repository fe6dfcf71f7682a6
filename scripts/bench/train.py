#!/usr/bin/env python3
"""Training throughput of the default word model on the default corpus, through the real
training path (token streams on disk, the shared ``Trainer``, AdamW, gradient clipping).

Prints tokens/s, the time one epoch over 1 M words takes, and achieved FLOP/s as a fraction of the
machine's matmul FLOP/s measured in the same run (so the ratio holds on a shared, drifting machine).

    .venv/bin/python scripts/bench/train.py [--steps 40] [--hidden-size 768]
    .venv/bin/python scripts/bench/train.py --against a27b72c [--rounds 3]

``--against REF`` runs this same measurement on a checkout of git revision REF and on the working
tree, alternating, and prints the median ratio: the check that a change did not slow training.

``--phases`` prints where a training step's time goes, for the word and the char model: the batch
from the token stream, the embedding, the LSTM forward, the adaptive softmax forward, the
softmax's backward, the LSTM's (and embedding's) backward, gradient clipping and the AdamW
step. Each phase is timed on its own: the backward pass is split by asking autograd first for
the gradient at the LSTM's output, then pushing it back through the LSTM.

    .venv/bin/python scripts/bench/train.py --phases [--steps 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from machine import matmul_flops

ROOT = Path(__file__).resolve().parents[2]


def flops_per_token(cfg, head_share: np.ndarray) -> float:
    """Forward+backward FLOPs of one training token (3x the forward multiply-adds x 2)."""
    d, h = cfg.dim, cfg.hidden_size
    lstm = 4 * h * (d + d) + h * d  # gates from input and projected state, then the projection
    bounds = [0, *[c for c in cfg.cutoffs if c < cfg.vocab_size], cfg.vocab_size]
    head = bounds[1] * d + (len(bounds) - 2) * d
    tails = 0.0
    for i in range(1, len(bounds) - 1):
        di = max(8, d // cfg.div**i)
        tails += head_share[i] * (d * di + (bounds[i + 1] - bounds[i]) * di)
    return 3 * 2 * (lstm + head + tails)


def on_disk(ids: np.ndarray, work: Path):
    """The token stream as training reads it: a ``TokenFile`` where the package has one, else a
    memory-mapped .npy (what older revisions trained from)."""
    try:
        from nextword.text.streams import TokenFile
    except ImportError:
        np.save(work / "ids.npy", ids)
        return np.load(work / "ids.npy", mmap_mode="r")
    return TokenFile.write(work / "ids.tokens", [ids])


def bundled_corpus(vocab_size: int):
    """The bundled corpus: its paragraphs, a tokenizer built on them, and their token ids."""
    from nextword.paths import bundled_corpus_files
    from nextword.text.corpus import read_corpus
    from nextword.text.tokenizer import WordTokenizer

    paras = list(read_corpus(bundled_corpus_files()).paragraphs())
    tok = WordTokenizer.build(paras, vocab_size)
    return paras, tok, tok.encode_paragraphs(paras)


def measure(steps: int, hidden_size: int | None) -> dict:
    """Train ``steps`` batches after 3 warm-up steps; tokens/s and what it means."""
    from dataclasses import replace

    from nextword.core.trainer import TrainConfig, Trainer
    from nextword.lm.model import LanguageModel
    from nextword.lm.train import TypingTrainOptions
    from nextword.text.streams import TokenStream

    opts = TypingTrainOptions.from_kwargs(**({"hidden_size": hidden_size} if hidden_size else {}))
    paras, tok, ids = bundled_corpus(opts.word.vocab_size)
    ids = ids.astype(np.int32)
    words_per_token = sum(len(p.split()) for p in paras) / len(ids)
    cfg = replace(opts.word, vocab_size=tok.vocab_size)
    share = np.histogram(ids, bins=np.array([0, *cfg.cutoffs, cfg.vocab_size]))[0] / len(ids)
    torch.manual_seed(0)
    model = LanguageModel(cfg)
    stamps: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as work:
        n = (steps + 3) * opts.bptt * opts.batch_size + opts.batch_size + 1  # just steps+3 batches
        train = TokenStream(on_disk(ids[:n], Path(work)), opts.batch_size, opts.bptt)
        val = TokenStream(ids[:2_000], 2, opts.bptt)
        trainer = Trainer(model, train, val,
                          TrainConfig(epochs=1, lr=opts.loop.lr, checkpoint_every=1e9), work, name="bench",
                          on_step=lambda info: stamps.append((time.perf_counter(), info["step"])))
        peak = matmul_flops()
        trainer.fit()
        peak = (peak + matmul_flops()) / 2
    (t0, s0), (t1, s1) = stamps[2], stamps[-1]  # the first steps warm up allocators and kernels
    rate = (s1 - s0) * opts.batch_size * opts.bptt / (t1 - t0)
    return {"tokens_per_s": rate, "words_per_token": words_per_token, "peak": peak,
            "achieved": rate * flops_per_token(cfg, share), "hidden": cfg.hidden_size, "dim": cfg.dim,
            "vocab": cfg.vocab_size, "params": sum(p.numel() for p in model.parameters()),
            "threads": torch.get_num_threads()}


def report(r: dict) -> None:
    rate = r["tokens_per_s"]
    print(f"model: hidden {r['hidden']}, dim {r['dim']}, vocab {r['vocab']}, "
          f"{r['params'] / 1e6:.1f} M parameters, {r['threads']} threads")
    print(f"training throughput: {rate:,.0f} tokens/s ({rate * r['words_per_token']:,.0f} words/s)")
    print(f"one epoch over 1 M words: {1e6 / (rate * r['words_per_token']) / 60:.1f} min")
    print(f"achieved {r['achieved'] / 1e9:.1f} GFLOP/s = {r['achieved'] / r['peak']:.1%} of measured "
          f"matmul peak {r['peak'] / 1e9:.1f} GFLOP/s")


PHASES = ("data", "embedding", "LSTM forward", "softmax forward", "softmax backward",
          "LSTM + embedding backward", "clip gradients", "optimizer (AdamW)")


def phase_times(model, stream, steps: int, lr: float) -> dict[str, float]:
    """Median seconds per phase of a training step (after 3 warm-up steps)."""
    from torch import nn

    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    times: dict[str, list[float]] = {name: [] for name in PHASES}
    state = None
    for step in range(steps + 3):
        marks = [time.perf_counter()]
        x, y = stream.batch(step % len(stream))
        marks.append(time.perf_counter())
        emb = model.io.embed(x)
        marks.append(time.perf_counter())
        h, state = model.core(emb, state)
        if model.out_proj is not None:
            h = model.out_proj(h)
        marks.append(time.perf_counter())
        n = y.numel()
        cut = h.detach().requires_grad_()  # the graph cut in two at the LSTM's output
        loss = model.io.nll(cut.reshape(n, -1), y.reshape(n)) / n
        marks.append(time.perf_counter())
        opt.zero_grad(set_to_none=True)
        loss.backward()  # the softmax part, down to the cut
        marks.append(time.perf_counter())
        h.backward(cut.grad)  # the rest: LSTM, projection, embedding
        marks.append(time.perf_counter())
        nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        marks.append(time.perf_counter())
        opt.step()
        marks.append(time.perf_counter())
        state = (state[0].detach(), state[1].detach())
        if step >= 3:
            for name, a, b in zip(PHASES, marks[:-1], marks[1:], strict=True):
                times[name].append(b - a)
    return {name: statistics.median(t) for name, t in times.items()}


def phases(steps: int) -> None:
    """Where the time of a training step goes, for the default word and char models."""
    from dataclasses import replace

    from nextword.lm.model import LanguageModel
    from nextword.lm.train import TypingTrainOptions
    from nextword.text.streams import TokenStream

    opts = TypingTrainOptions()
    paras, tok, word_ids = bundled_corpus(opts.word.vocab_size)
    word_ids = word_ids.astype(np.int64)
    char_ids = np.array(tok.encode_chars("\n".join(paras)[:2_000_000]), dtype=np.int64)
    runs = (("word", replace(opts.word, vocab_size=tok.vocab_size), word_ids, opts.batch_size, opts.bptt),
            ("char", replace(opts.char, vocab_size=len(tok.chars)), char_ids, 64, 100))
    print(f"{torch.get_num_threads()} threads; median ms per training step over {steps} steps")
    for name, cfg, ids, batch, bptt in runs:
        torch.manual_seed(0)
        model = LanguageModel(cfg)
        t = phase_times(model, TokenStream(ids, batch, bptt), steps, opts.loop.lr)
        total = sum(t.values())
        print(f"{name} model (dim {cfg.dim}, hidden {cfg.hidden_size}, vocab {cfg.vocab_size}, "
              f"batch {batch} x {bptt} = {batch * bptt:,} tokens): {total * 1000:.0f} ms per step, "
              f"{batch * bptt / total:,.0f} tokens/s")
        for phase, sec in t.items():
            print(f"  {phase:<28}{sec * 1000:>8.1f} ms {sec / total:>7.1%}")


def against(ref: str, rounds: int, steps: int) -> None:
    """This measurement on revision ``ref`` and on the working tree, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "ref"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), ref],
                       check=True, capture_output=True)
        try:
            rates: dict[str, list[float]] = {"ref": [], "now": []}
            for _ in range(rounds):
                for name, tree in (("ref", old), ("now", ROOT)):
                    env = dict(os.environ, PYTHONPATH=str(tree))
                    out = subprocess.run([sys.executable, __file__, "--steps", str(steps), "--json"],
                                         env=env, cwd=tree, check=True, capture_output=True, text=True)
                    rates[name].append(json.loads(out.stdout.splitlines()[-1])["tokens_per_s"])
                    print(f"{name:>3}: {rates[name][-1]:,.0f} tokens/s", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                           capture_output=True)
    ratio = statistics.median(n / r for n, r in zip(rates["now"], rates["ref"], strict=True))
    print(f"working tree vs {ref}: median tokens/s ratio {ratio:.3f} over {rounds} alternating rounds "
          f"(now {statistics.median(rates['now']):,.0f}, ref {statistics.median(rates['ref']):,.0f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--hidden-size", type=int, default=None)
    ap.add_argument("--against", metavar="REF", help="compare with this git revision")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    ap.add_argument("--phases", action="store_true", help="time each phase of a training step")
    args = ap.parse_args()
    if args.phases:
        phases(args.steps)
        return
    if args.against:
        against(args.against, args.rounds, args.steps)
        return
    result = measure(args.steps, args.hidden_size)
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


if __name__ == "__main__":
    main()
