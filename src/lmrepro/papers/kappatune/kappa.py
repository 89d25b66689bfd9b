"""KappaTune's method (paper §KappaTune; the official SelectiveFineTuningOptimizer): condition numbers of the weight
tensors, the choice of the tensors to fine-tune, and the freezing of everything else; plus the baselines' choices
(highest kappa, uniform random, random with kappa_low's count per module kind).

    kappas = analyse(model, KappaConfig(k=8))          # {name: {"kappa", "shape", "kind"}}, model order
    names = select(kappas, "kappa_low", k=8, rng)      # the 8 lowest-kappa tensor names
    freeze_all_but(model, names)                       # requires_grad only on those
"""
from __future__ import annotations

import math
import random

import torch

from lmrepro.papers.kappatune.params import KappaConfig

ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")


def condition_number(weight: torch.Tensor, dtype: torch.dtype = torch.float32) -> float:
    """kappa = s_max / s_min of `weight` viewed as rows x (product of the other dims), the SVD in `dtype`; inf when
    s_min is 0. A quantised tensor must be dequantised first (its packed integers are not the matrix)."""
    if weight.ndim < 2:
        raise ValueError(f"condition_number needs a tensor with ndim >= 2, got shape {tuple(weight.shape)}")
    if not weight.dtype.is_floating_point:
        raise TypeError(f"condition_number needs floating-point weights (dequantise first), got {weight.dtype}")
    singular = torch.linalg.svdvals(weight.detach().to(dtype).reshape(weight.shape[0], -1))
    return float(singular[0] / singular[-1]) if singular[-1] > 0 else math.inf


def module_kind(name: str) -> str:
    """attention | mlp | other, from a parameter name (the spec's module-type control)."""
    if any(part in name for part in ATTENTION):
        return "attention"
    if any(part in name for part in MLP):
        return "mlp"
    return "other"


def analyse(model: torch.nn.Module, cfg: KappaConfig) -> dict[str, dict]:
    """Every analysable tensor (ndim >= 2, no dimension above max_dim_size_to_analyze, not excluded by name), in the
    model's parameter order: {name: {"kappa", "shape", "kind"}}."""
    out = {}
    for name, param in model.named_parameters():
        if param.ndim < 2 or any(part in name for part in cfg.exclude):
            continue
        if cfg.max_dim_size_to_analyze is not None and max(param.shape) > cfg.max_dim_size_to_analyze:
            continue
        out[name] = {"kappa": condition_number(param, getattr(torch, cfg.svd_dtype)), "shape": list(param.shape),
                     "kind": module_kind(name)}
    if not out:
        raise ValueError("no tensor left to analyse: every one is 1-D, excluded or above max_dim_size_to_analyze")
    return out


def lowest(kappas: dict[str, dict], k: int) -> list[str]:
    """The k lowest-kappa names, ascending (a stable sort: ties keep model order, as the official sorted() does)."""
    return [name for name, _ in sorted(kappas.items(), key=lambda item: item[1]["kappa"])[:k]]


def highest(kappas: dict[str, dict], k: int) -> list[str]:
    return [name for name, _ in sorted(kappas.items(), key=lambda item: -item[1]["kappa"])[:k]]


def matched_random(kappas: dict[str, dict], k: int, rng: random.Random, max_tries: int = 100) -> list[str]:
    """k names drawn uniformly within each module kind, as many per kind as kappa_low takes; a draw equal to
    kappa_low's set is redrawn (while another set exists)."""
    low = lowest(kappas, k)
    counts: dict[str, int] = {}
    for name in low:
        counts[kappas[name]["kind"]] = counts.get(kappas[name]["kind"], 0) + 1
    pools = {kind: [n for n, v in kappas.items() if v["kind"] == kind] for kind in counts}
    for _ in range(max_tries):
        draw = [name for kind, n in sorted(counts.items()) for name in rng.sample(pools[kind], n)]
        if set(draw) != set(low) or all(len(pools[kind]) == counts[kind] for kind in counts):
            return draw
    return draw


def select(kappas: dict[str, dict], strategy: str, k: int, rng: random.Random) -> list[str]:
    """The tensor names a selective arm fine-tunes: kappa_low (KappaTune), kappa_high, random, matched."""
    if k > len(kappas):
        raise ValueError(f"k={k} exceeds the {len(kappas)} analysed tensors")
    if strategy == "kappa_low":
        return lowest(kappas, k)
    if strategy == "kappa_high":
        return highest(kappas, k)
    if strategy == "random":
        return rng.sample(list(kappas), k)
    if strategy == "matched":
        return matched_random(kappas, k, rng)
    raise ValueError(f"unknown selection strategy {strategy!r} (kappa_low, kappa_high, random, matched)")


def freeze_all_but(model: torch.nn.Module, names: list[str]) -> list[str]:
    """requires_grad=True exactly on `names`, False everywhere else (1-D norms included, as in KappaTune); returns
    the trainable names in model order. An unknown name is an error (a stale selection from another model)."""
    known = {name for name, _ in model.named_parameters()}
    missing = sorted(set(names) - known)
    if missing:
        raise KeyError(f"selected tensor(s) not in the model: {', '.join(missing)} (a selection from another model?)")
    for name, param in model.named_parameters():
        param.requires_grad_(name in names)
    return [name for name, param in model.named_parameters() if param.requires_grad]


def log_volume(weight: torch.Tensor) -> float:
    """Paper C1: the log-volume factor sum_i log s_i of the 2-D view (the output entropy's weight term under Gaussian
    input: lower for a more concentrated spectrum at a fixed Frobenius norm)."""
    singular = torch.linalg.svdvals(weight.detach().to(torch.float32).reshape(weight.shape[0], -1))
    return float(torch.log(singular).sum())
