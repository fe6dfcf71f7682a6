"""Run by tests/test_distributed.py under torchrun (or alone): train a tiny LM with the shared
Trainer and write this rank's parameter checksum and loss history to OUT/rank<r>.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

from nextword.core.trainer import TrainConfig, Trainer, init_distributed
from nextword.lm.model import LanguageModel, LMConfig
from nextword.text.streams import TokenStream


def main(out: Path) -> None:
    torch.set_num_threads(1)
    rank, world = init_distributed()
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, 20_000).astype(np.int32)
    ids[::3] = 7  # some structure to learn
    losses: list[float] = []
    torch.manual_seed(0)  # the same initial weights in every run (DDP also broadcasts rank 0)
    model = LanguageModel(LMConfig(vocab_size=50, dim=16, hidden_size=32, cutoffs=[20], dropout=0.0))
    train = TokenStream(ids[: 30 * 8 * 10 + 8 + 1], 8, 10, shard=rank, n_shards=world)  # 30 batches
    val = TokenStream(ids[:2000], 2, 10, shard=rank, n_shards=world)
    cfg = TrainConfig(epochs=1, lr=3e-3, checkpoint_every=1e9)
    trainer = Trainer(model, train, val, cfg, out / "work", name="ddp",
                      on_step=lambda info: losses.append(info["loss"]))
    trainer.fit()
    flat = torch.cat([p.detach().flatten() for p in model.parameters()])
    (out / f"rank{rank}.json").write_text(json.dumps({
        "world": world, "losses": losses, "param_sum": float(flat.double().sum()),
        "param_abs": float(flat.double().abs().sum()), "params": flat[:200].tolist()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
