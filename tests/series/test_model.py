"""The forecasting network: the trainer contract, the seasonal baseline it starts from, and
training with the shared trainer (``nextword.series.model``)."""

from __future__ import annotations

import numpy as np
import torch

from nextword.core.trainer import TrainConfig, Trainer
from nextword.series.model import SeriesConfig, SeriesModel
from nextword.series.windows import WindowDataset


def test_series_model_has_the_trainer_contract():
    cfg = SeriesConfig(n_inputs=2, window=6, horizon=3, hidden_size=8)
    model = SeriesModel(cfg)
    batch = (torch.randn(5, 6, 2), torch.randn(5, 3, 2), torch.randn(5, 3))
    loss, state, n = model(batch, None)
    assert loss.ndim == 0 and n == 15 and state is None
    h, c = model.init_state(5)
    assert h.shape == (1, 5, 8) and c.shape == (1, 5, 8)


def test_untrained_model_is_the_seasonal_baseline():
    model = SeriesModel(SeriesConfig(n_inputs=1, window=4, horizon=3, hidden_size=8, seasonal=True))
    future = torch.randn(2, 3, 2)
    torch.testing.assert_close(model.predict(torch.randn(2, 4, 1), future), future[..., 0])
    naive = SeriesModel(SeriesConfig(n_inputs=1, window=4, horizon=3, hidden_size=8, seasonal=False))
    assert naive.predict(torch.randn(2, 4, 1), future).abs().max() == 0


def test_shared_trainer_lowers_the_series_loss(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8, 1)).astype(np.float32)
    y = (0.8 * x[:, -1, 0:1] - 0.5 * x[:, -2, 0:1]).repeat(2, axis=1).astype(np.float32)
    data = WindowDataset(x, np.zeros((256, 2, 2), np.float32), y, batch_size=32)
    torch.manual_seed(0)
    model = SeriesModel(SeriesConfig(n_inputs=1, window=8, horizon=2, hidden_size=8, seasonal=False))
    trainer = Trainer(model, data, data, TrainConfig(epochs=8, lr=1e-2, device="cpu"), tmp_path)
    before = trainer.evaluate()
    summary = trainer.fit()
    assert summary["best_val_loss"] < 0.5 * before
