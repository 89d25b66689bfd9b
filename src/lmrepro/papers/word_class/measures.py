"""The Generalized Discrimination Value (Schilling et al. 2021, "Quantifying the separability of data classes in
neural networks"), implemented from its formula (no library implements it):

    x <- 0.5 * (x - mean) / std      per dimension, over all points (constant dimensions dropped first)
    d(C_l)      = mean Euclidean distance over pairs i < j inside class l
    d(C_l, C_m) = mean Euclidean distance over pairs i in l, j in m
    GDV = (1 / sqrt(D)) * [ mean_l d(C_l) - mean_{l<m} d(C_l, C_m) ]

0 means no separation; toward -1 strong separation. std is the population std (ddof 0), as scipy.stats.zscore.
"""
from __future__ import annotations

import numpy as np


def zscore_half(x: np.ndarray) -> np.ndarray:
    """0.5 x per-dimension z-score over all points, constant (e.g. dead-ReLU) dimensions dropped."""
    x = np.asarray(x, dtype=np.float64)
    std = x.std(axis=0)
    keep = std > 1e-12 * max(1.0, float(np.abs(x).max(initial=0.0)))
    return 0.5 * (x[:, keep] - x[:, keep].mean(axis=0)) / std[keep]


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(sq, 0.0))


def gdv(x: np.ndarray, labels: np.ndarray) -> float:
    """GDV of points `x` (N, D) with class `labels` (N,); every class needs >= 2 points; NaN if no dimension
    varies."""
    labels = np.asarray(labels)
    classes = np.unique(labels)
    if len(classes) < 2:
        raise ValueError(f"GDV needs >= 2 classes, got {len(classes)}")
    counts = [(labels == c).sum() for c in classes]
    if min(counts) < 2:
        raise ValueError(f"GDV needs >= 2 points per class, got counts {dict(zip(classes.tolist(), counts))}")
    z = zscore_half(x)
    if z.shape[1] == 0:
        return float("nan")
    groups = [z[labels == c] for c in classes]
    intra = []
    for g in groups:
        d = _pairwise(g, g)
        n = len(g)
        intra.append(np.triu(d, 1).sum() * 2.0 / (n * (n - 1)))
    inter = [_pairwise(groups[i], groups[j]).mean() for i in range(len(groups)) for j in range(i + 1, len(groups))]
    return float((np.mean(intra) - np.mean(inter)) / np.sqrt(z.shape[1]))
