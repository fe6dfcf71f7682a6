#!/usr/bin/env python3
"""Training throughput of the default word model on the default corpus.

Prints tokens/s, the time one epoch over 1 M words takes, and achieved FLOP/s as a fraction of the
machine's matmul FLOP/s measured in the same run (so the ratio holds on a shared, drifting machine).

    .venv/bin/python scripts/bench_train.py [--steps 40] [--hidden-size 768]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from nextword.corpus import read_corpus
from nextword.data import TokenStream
from nextword.model import LanguageModel, LMConfig
from nextword.tokenizer import WordTokenizer
from nextword.train import TypingTrainOptions

ROOT = Path(__file__).resolve().parent.parent


def matmul_flops(n: int = 1024, repeats: int = 20) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - t)


def flops_per_token(cfg: LMConfig, head_share: np.ndarray) -> float:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--hidden-size", type=int, default=TypingTrainOptions.hidden_size)
    args = ap.parse_args()
    opts = TypingTrainOptions(hidden_size=args.hidden_size)
    paras = list(read_corpus(sorted((ROOT / "corpus").glob("*.txt"))).paragraphs())
    tok = WordTokenizer.build(paras, opts.vocab_size)
    ids = tok.encode_paragraphs(paras)
    words_per_token = sum(len(p.split()) for p in paras) / len(ids)
    cfg = LMConfig(tok.vocab_size, opts.dim, opts.hidden_size, opts.num_layers, opts.dropout)
    bounds = np.array([0, *cfg.cutoffs, cfg.vocab_size])
    share = np.histogram(ids, bins=bounds)[0] / len(ids)
    model = LanguageModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=opts.lr)
    stream = TokenStream(ids, opts.batch_size, opts.bptt)
    peak = matmul_flops()
    state, n_tok, t0 = None, 0, 0.0
    for i in range(args.steps + 3):
        if i == 3:  # the first steps warm up allocators and kernels
            t0, n_tok = time.perf_counter(), 0
        loss, state, n = model(stream.batch(i % len(stream)), state)
        state = (state[0].detach(), state[1].detach())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        n_tok += n
    secs = time.perf_counter() - t0
    peak = (peak + matmul_flops()) / 2
    rate = n_tok / secs
    achieved = rate * flops_per_token(cfg, share)
    print(f"model: hidden {cfg.hidden_size}, dim {cfg.dim}, vocab {cfg.vocab_size}, "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters, {torch.get_num_threads()} threads")
    print(f"training throughput: {rate:,.0f} tokens/s ({rate * words_per_token:,.0f} words/s)")
    print(f"one epoch over 1 M words: {1e6 / (rate * words_per_token) / 60:.1f} min")
    print(f"achieved {achieved / 1e9:.1f} GFLOP/s = {achieved / peak:.1%} of measured matmul peak "
          f"{peak / 1e9:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
