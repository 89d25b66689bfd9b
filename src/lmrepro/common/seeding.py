"""Every random choice derives from one integer seed."""
from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    import torch

    torch.manual_seed(seed)


def derive_seed(seed: int, *names: str | int) -> int:
    """A stable sub-seed for a named purpose (e.g. derive_seed(seed, "world")), independent of call order."""
    import hashlib

    digest = hashlib.sha256(":".join([str(seed), *map(str, names)]).encode()).digest()
    return int.from_bytes(digest[:4], "little")


def set_torch_threads(n: int | None) -> int:
    """Pin torch's intra-op threads and the BLAS/OpenMP pools numpy and scikit-learn use: two competing
    processes on 2 cores run several times slower (measured: sklearn probes 56 s alone, ~250 s two at once)."""
    import torch
    from threadpoolctl import threadpool_limits

    n = n or int(os.environ.get("LMREPRO_TORCH_THREADS", 0)) or (os.cpu_count() or 1)
    torch.set_num_threads(n)
    threadpool_limits(n)
    return n
