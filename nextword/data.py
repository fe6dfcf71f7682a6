"""Token streams -> training batches for truncated back-propagation through time.

The stream is laid out in ``batch_size`` parallel columns, and batch i is rows
[i*bptt, (i+1)*bptt) of every column, so the LSTM state carried from batch i to batch i+1 continues
the same text::

    stream  a b c d e f g h i j k l m n o p q r      batch_size = 3, bptt = 2
    columns a g m      batch 0: x = [a b][g h][m n]   y = [b c][h i][n o]
            b h n      batch 1: x = [c d][i j][o p]   y = [d e][j k][p q]
            c i o
            ...
"""

from __future__ import annotations

import numpy as np
import torch


class TokenStream:
    """Batches of (inputs, targets) from a 1-D array of token ids (may be a memory map).

    ``shard``/``n_shards`` give each distributed rank its own subset of the columns, so ranks
    read disjoint text and the union of their batches is the single-process batch.
    """

    carry_state = True  # batch i+1 continues the text of batch i, so the trainer keeps the state

    def __init__(self, ids: np.ndarray, batch_size: int, bptt: int, shard: int = 0, n_shards: int = 1):
        if batch_size % n_shards:
            raise ValueError("batch_size must be a multiple of the number of processes")
        self.batch_size, self.bptt = batch_size, bptt
        col_len = (len(ids) - 1) // batch_size
        if col_len < 2:
            raise ValueError(f"too little text for a batch of {batch_size} columns ({len(ids)} tokens)")
        self.ids, self.col_len = ids, col_len
        per = batch_size // n_shards
        self.columns = np.arange(shard * per, (shard + 1) * per)

    def __len__(self) -> int:
        return -(-(self.col_len - 1) // self.bptt) if self.col_len > 1 else 0

    @property
    def n_tokens(self) -> int:
        return self.col_len * self.batch_size

    def batch(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Batch i as (inputs, targets), each (columns, time) int64."""
        start = i * self.bptt
        t = min(self.bptt, self.col_len - 1 - start)
        offsets = self.columns[:, None] * self.col_len + start + np.arange(t + 1)[None, :]
        block = torch.from_numpy(np.asarray(self.ids[offsets], dtype=np.int64))
        return block[:, :-1], block[:, 1:]
