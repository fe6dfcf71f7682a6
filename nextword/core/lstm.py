"""The LSTM core shared by every nextword model: the word and character language models and the
series forecaster. Only the input adapter, the head and the loss differ between them.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

State = tuple[torch.Tensor, torch.Tensor]
# LSTMP runs on PyTorch's native kernel rather than oneDNN; that is expected, not worth a warning.
warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")


class LSTMCore(nn.Module):
    """A (projected) multi-layer LSTM with dropout on its input and output.

    Input (batch, time, input_size) -> output (batch, time, out_size). With ``proj_size`` the LSTM
    is an LSTMP: the recurrent state it carries and emits is ``proj_size`` wide, which keeps the
    recurrent matmul small (the CPU is memory-bound at inference).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 proj_size: int = 0, dropout: float = 0.0):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True,
                            proj_size=proj_size, dropout=dropout if num_layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.out_size = proj_size or hidden_size

    def forward(self, x: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        out, state = self.lstm(self.drop(x), state)
        return self.drop(out), state

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        lstm = self.lstm
        h = torch.zeros(lstm.num_layers, batch, self.out_size, device=device)
        c = torch.zeros(lstm.num_layers, batch, lstm.hidden_size, device=device)
        return h, c


def detach_state(state: State) -> State:
    """Cut the graph between truncated-BPTT chunks, keep the values."""
    return state[0].detach(), state[1].detach()
