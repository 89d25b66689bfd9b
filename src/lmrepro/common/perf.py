"""Compute accounting shared by the training loop and the benchmarks.

FLOPs per trained token follow the PaLM convention: 6 N (all parameters) + 12 L d T (attention scores and
values, forward and backward, T = sequence length). The peak is this machine's measured fp32 GEMM rate.
"""
from __future__ import annotations

import statistics
import time


def flops_per_token(model, seq_len: int) -> float:
    config = model.config
    layers = getattr(config, "num_hidden_layers", None) or getattr(config, "n_layer", 0)
    width = getattr(config, "hidden_size", None) or getattr(config, "n_embd", 0)
    return 6 * sum(p.numel() for p in model.parameters()) + 12 * layers * width * seq_len


def matmul_peak_flops(n: int = 1024, repeats: int = 5) -> float:
    """fp32 GEMM FLOP/s on the current torch threads (median of repeats)."""
    import torch

    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(10):
            torch.mm(a, b)
        rates.append(10 * 2 * n**3 / (time.perf_counter() - t0))
    return statistics.median(rates)
