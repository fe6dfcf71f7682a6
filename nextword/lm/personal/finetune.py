"""Fine-tuning a copy of the word LSTM on the user's typing history (the editor's F8)."""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable

import numpy as np

from nextword.core.trainer import TrainConfig, Trainer
from nextword.text.streams import TokenStream


class FineTuneCancelled(Exception):
    """Raised from the progress callback to stop a fine-tune."""


def finetune_word_lm(model, ids: np.ndarray, seconds: float = 60.0,
                     on_progress: Callable[[float, float], None] | None = None,
                     lr: float = 1e-3):
    """A copy of ``model.word_lm`` trained on ``ids`` for at most ``seconds`` (the original is
    untouched, so suggestions keep flowing meanwhile). ``on_progress(fraction, loss)`` is called
    after every step and may raise ``FineTuneCancelled``. Raises ``ValueError`` when there is
    too little history."""
    bptt = 20
    batch_size = max(1, min(8, (len(ids) - 1) // (bptt * 2)))
    if model.word_lm is None or len(ids) < 2 * bptt + 2:
        raise ValueError("too little typing history to fine-tune on (type a few sentences first)")
    lm = copy.deepcopy(model.word_lm)
    stream = TokenStream(ids, batch_size=batch_size, bptt=bptt)
    epochs = 3
    config = TrainConfig(epochs=epochs, lr=lr, max_seconds=seconds, checkpoint_every=1e9,
                         patience=epochs, device="cpu")
    total = epochs * len(stream)
    start = time.monotonic()

    def step(info: dict) -> None:
        if on_progress is not None:
            done = max(info["step"] / total, (time.monotonic() - start) / seconds)
            on_progress(min(1.0, done), float(info["loss"]))

    with tempfile.TemporaryDirectory(prefix="nextword-finetune-") as work:
        Trainer(lm, stream, None, config, work, name="personal", on_step=step).fit()
    lm.eval()
    return lm


def install_word_lm(model, lm) -> None:
    """Swap a fine-tuned word LSTM into ``model`` (safe while a worker is suggesting: the model
    swaps under its lock)."""
    model.replace_word_lm(lm)
