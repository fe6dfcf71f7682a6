"""The forecasting network on the shared LSTM core, its closed-form linear start and its training.

The network predicts the change from the last observed value for each of the next H steps
(direct multi-step output). Its output is the sum of three parts::

    change[h] = seasonal_weight[h] * (average change from phase t to t+h in past seasons)
              + linear(window)                     (an autoregressive "highway", as in LSTNet)
              + head(tanh(mix(LSTMCore(window), seasonal changes)))   (the non-linear part)

The linear parts are fitted first in closed form (ridge regression, penalty picked on a
chronological validation split); the LSTM then learns what they leave over and is kept only
where it lowers the validation error.

At initialisation the first part is a seasonal naive forecast that keeps the current level (or
the plain naive forecast for a series without season), so training starts from a strong
baseline and early stopping on a chronological validation split keeps only what improves on it.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from nextword.core.lstm import LSTMCore, State
from nextword.core.trainer import TrainConfig, Trainer
from nextword.series.windows import WindowDataset


@dataclass
class SeriesConfig:
    """Shape of a forecasting network."""

    n_inputs: int          # channels per step: the target plus covariates
    window: int            # input steps
    horizon: int           # output steps (direct multi-step)
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.0
    seasonal: bool = True  # start from the seasonal change (True) or from the naive forecast

    def to_dict(self) -> dict:
        return asdict(self)


class SeriesModel(nn.Module):
    """Window (batch, window, n_inputs) + future (batch, horizon, 2) -> changes (batch, horizon).

    Same trainer contract as ``LanguageModel``: ``forward(batch, state) -> (mean loss, state,
    n_items)`` and ``init_state``; the loss is the mean absolute error (MASE is an absolute error).
    """

    def __init__(self, config: SeriesConfig):
        super().__init__()
        self.config = config
        self.core = LSTMCore(config.n_inputs, config.hidden_size, config.num_layers, 0, config.dropout)
        self.mix = nn.Linear(self.core.out_size + 2 * config.horizon, config.hidden_size)
        self.head = nn.Linear(config.hidden_size, config.horizon)
        self.highway = nn.Linear(config.window * config.n_inputs, config.horizon)
        for layer in (self.head, self.highway):  # start as the baseline: no learned correction
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        # seasonal weight = start + delta, so weight decay pulls towards the baseline, not to 0
        start = torch.zeros(config.horizon, 2)  # (average over seasons, last season only)
        start[:, 0] = float(config.seasonal)
        self.register_buffer("seasonal_start", start)
        self.seasonal_delta = nn.Parameter(torch.zeros(config.horizon, 2))

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        return self.core.init_state(batch, device)

    def set_linear(self, weight: torch.Tensor, seasonal: torch.Tensor, bias: torch.Tensor,
                   trainable: bool = True) -> None:
        """Start the linear parts from a fitted solution (see ``fit_linear``)."""
        with torch.no_grad():
            self.highway.weight.copy_(weight)
            self.highway.bias.copy_(bias)
            self.seasonal_delta.copy_(seasonal)
        for p in (self.highway.weight, self.highway.bias, self.seasonal_delta):
            p.requires_grad_(trainable)

    def drop_lstm(self) -> None:
        """Zero the LSTM's head (when training did not beat the linear part on validation)."""
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()

    def predict(self, inputs: torch.Tensor, future: torch.Tensor) -> torch.Tensor:
        """Scaled changes from the last value, (batch, horizon)."""
        out, _ = self.core(inputs)                                  # (batch, window, hidden)
        mixed = torch.tanh(self.mix(torch.cat([out[:, -1], future.flatten(1)], dim=1)))
        change = self.head(mixed) + self.highway(inputs.flatten(1))
        return change + (future * (self.seasonal_start + self.seasonal_delta)).sum(-1)

    def forward(self, batch: tuple[torch.Tensor, ...], state: State | None = None
                ) -> tuple[torch.Tensor, State | None, int]:
        inputs, future, targets = batch
        loss = F.l1_loss(self.predict(inputs, future), targets)
        return loss, state, targets.numel()


def _design(inputs: torch.Tensor, future: torch.Tensor, h: int) -> torch.Tensor:
    """Regressors of step h: the flattened window, the two seasonal changes and a constant."""
    ones = torch.ones(len(inputs), 1, dtype=torch.float64)
    return torch.cat([inputs.flatten(1).double(), future[:, h].double(), ones], dim=1)


def fit_linear(train: WindowDataset, val: WindowDataset, config: SeriesConfig,
               penalties: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0, 100.0, 1e4)
               ) -> tuple[float, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Ridge regression of each step's change on the window and the seasonal changes, shrunk
    towards the baseline (seasonal weight ``seasonal_start``, everything else 0); the penalty with
    the lowest validation MAE wins. Returns (that MAE, highway weight, seasonal delta, highway
    bias)."""
    start = 1.0 if config.seasonal else 0.0
    best: tuple[float, list[torch.Tensor]] = (math.inf, [])
    for penalty in penalties:
        coefs, err = [], 0.0
        for h in range(config.horizon):
            x = _design(train.inputs, train.future, h)
            r = train.targets[:, h].double() - start * train.future[:, h, 0].double()
            reg = torch.eye(x.shape[1], dtype=torch.float64) * penalty * len(x)
            reg[-1, -1] = 0.0                                   # the constant is not shrunk
            beta = torch.linalg.solve(x.T @ x + reg, x.T @ r)
            coefs.append(beta)
            xv = _design(val.inputs, val.future, h)
            rv = val.targets[:, h].double() - start * val.future[:, h, 0].double()
            err += float((xv @ beta - rv).abs().mean())
        if err < best[0]:
            best = (err, coefs)
    beta = torch.stack(best[1]).float()                          # (horizon, window*inputs + 3)
    n_win = config.window * config.n_inputs
    return best[0] / config.horizon, beta[:, :n_win], beta[:, n_win:n_win + 2], beta[:, -1]


class _QuietTrainer(Trainer):
    """The shared trainer without its resumable checkpoints: a series fit takes seconds, so
    writing optimizer state every epoch would cost more than redoing the fit."""

    def save_checkpoint(self) -> None:
        pass


def train_network(config: SeriesConfig, linear: tuple[torch.Tensor, ...], train: WindowDataset,
                  val: WindowDataset, cfg: TrainConfig, *, train_linear: bool, name: str,
                  on_step: Callable[[dict], None] | None = None) -> tuple[SeriesModel, float]:
    """One network: the fitted ``linear`` part (see ``fit_linear``), then the LSTM trained with
    the shared trainer on what it leaves over; the LSTM head is dropped unless it lowers the
    validation loss. Returns (the model in eval mode, the LSTM's relative validation gain)."""
    torch.manual_seed(cfg.seed)
    model = SeriesModel(config)
    model.set_linear(*linear, trainable=train_linear)
    with tempfile.TemporaryDirectory(prefix="nextword-series-") as tmp:
        trainer = _QuietTrainer(model, train, val, cfg, tmp, name=name, on_step=on_step)
        baseline = trainer.evaluate()  # the linear part alone: the LSTM head starts at zero
        best = trainer.fit()["best_val_loss"]
        if best >= baseline:
            model.drop_lstm()
        gain = float(1 - min(best, baseline) / baseline) if baseline > 0 else 0.0
    return model.eval(), gain
