"""What the benchmarks print about the machine they ran on: absolute times drift with the CPU
(this project has seen one-thread matmul peaks from 26 to 129 GFLOP/s), so a figure is quoted
beside the peak measured in the same run."""

from __future__ import annotations

import time

import torch


def matmul_flops(n: int = 1024, repeats: int = 20) -> float:
    """FLOP/s of an n x n float32 matrix product on the threads torch is set to use."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    t = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - t)
