"""The LSTM core shared by every nextword model: the word and character language models and the
series forecaster. Only the input adapter, the head and the loss differ between them.
"""

from __future__ import annotations

import warnings

import torch
from torch import nn

from nextword.core.derived import cpu_inference, derived

State = tuple[torch.Tensor, torch.Tensor]
STEP_LOOP = 4  # at inference, sequences up to this long run through ``LSTMCore.step``
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
        if x.shape[1] <= STEP_LOOP and x.shape[0] <= 4 and not self.training and cpu_inference(x):
            outs = []
            for t in range(x.shape[1]):  # a few tokens (a word and its punctuation): step by step
                out, state = self.step(x[:, t:t + 1], state)
                outs.append(out)
            return (outs[0] if len(outs) == 1 else torch.cat(outs, dim=1)), state
        out, state = self.lstm(self.drop(x), state)
        return self.drop(out), state

    def step(self, x: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """One time step at inference for a few rows, (batch, 1, input_size): the same values
        as ``forward``, from one fused, transposed matrix per layer (``nextword.core.derived``).
        Typing is one word at a time and the CPU is memory-bound there: this reads the
        weights about twice as fast as PyTorch's native LSTMP kernel."""
        if state is None:
            state = self.init_state(x.shape[0], x.device)
        h0, c0 = state
        hs, cs = [], []
        inp = x[:, 0]
        for layer, (w, b, proj) in enumerate(self._fused()):
            gates = torch.addmm(b, torch.cat([inp, h0[layer]], dim=1), w)
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c0[layer] + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            inp = h if proj is None else h @ proj
            hs.append(inp)
            cs.append(c)
        return inp.unsqueeze(1), (torch.stack(hs), torch.stack(cs))

    def _fused(self) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]]:
        """Per layer: [W_ih W_hh] transposed, b_ih + b_hh, and the projection."""
        lstm = self.lstm

        def build():
            layers = []
            for k in range(lstm.num_layers):
                w = torch.cat([getattr(lstm, f"weight_ih_l{k}"), getattr(lstm, f"weight_hh_l{k}")], dim=1)
                b = getattr(lstm, f"bias_ih_l{k}") + getattr(lstm, f"bias_hh_l{k}")
                proj = getattr(lstm, f"weight_hr_l{k}") if lstm.proj_size else None
                layers.append((w.t().contiguous(), b, None if proj is None else proj.t().contiguous()))
            return layers
        return derived(self, "fused", list(lstm.parameters()), build)

    def init_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        lstm = self.lstm
        h = torch.zeros(lstm.num_layers, batch, self.out_size, device=device)
        c = torch.zeros(lstm.num_layers, batch, lstm.hidden_size, device=device)
        return h, c


def detach_state(state: State) -> State:
    """Cut the graph between truncated-BPTT chunks, keep the values."""
    return state[0].detach(), state[1].detach()
