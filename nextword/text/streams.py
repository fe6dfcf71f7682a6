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

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch

from nextword.files import atomic_file


class TokenFile:
    """A 1-D int32 token array stored raw on disk and read window by window with ``pread``.

    Unlike a memory map, the pages read never become part of the process's resident memory, so
    a training run's footprint does not grow with the corpus (the OS page cache still speeds up
    repeated reads). Supports ``len``, slicing and ``np.asarray`` (the whole array, for small ones).
    """

    dtype = np.dtype("<i4")

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDONLY)
        self._len = os.fstat(self._fd).st_size // self.dtype.itemsize

    @classmethod
    def write(cls, path: str | Path, chunks: Iterable[np.ndarray]) -> TokenFile:
        """Write the concatenated chunks (streamed, one at a time) atomically, then open it."""
        with atomic_file(path) as fh:
            for chunk in chunks:
                fh.write(np.ascontiguousarray(chunk, dtype=cls.dtype).tobytes())
        return cls(path)

    def __len__(self) -> int:
        return self._len

    def read(self, start: int, n: int) -> np.ndarray:
        """Tokens [start, start + n), clipped to the array."""
        start, stop = max(0, start), min(self._len, start + n)
        if stop <= start:
            return np.zeros(0, dtype=self.dtype)
        size = self.dtype.itemsize
        return np.frombuffer(os.pread(self._fd, (stop - start) * size, start * size), dtype=self.dtype)

    def __getitem__(self, key: slice) -> np.ndarray:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("TokenFile supports contiguous slices only")
        start, stop, _ = key.indices(self._len)
        return self.read(start, stop - start)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        whole = self.read(0, self._len)
        return whole if dtype is None else whole.astype(dtype)

    def chunks(self, size: int = 1 << 22) -> Iterable[np.ndarray]:
        """The whole array, ``size`` tokens at a time."""
        for start in range(0, self._len, size):
            yield self.read(start, size)

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)


class TokenStream:
    """Batches of (inputs, targets) from a 1-D array of token ids (an array or a ``TokenFile``).

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
        rows = [self.ids[s : s + t + 1] for s in self.columns * self.col_len + start]
        block = torch.from_numpy(np.stack(rows).astype(np.int64))
        return block[:, :-1], block[:, 1:]
