"""The pieces the paper's analysis introduces: the (specification, program) text, the positions of statement
tokens, probe targets under true and alternative semantics, the probes, and the rank correlation.

A sequence is BOS, the specification ("IN r c D OUT r c D" per example), PROG, one token per statement, END.
The probe reads the hidden state at each statement token (one token per statement, so it is also the
statement's last token: spec pitfall "align hidden states to statement boundaries") and predicts the facing
direction after that statement on the specification's first example (paper §4; spec: Small scale / Probes).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from lmrepro.worlds.programs import execute, render_spec


def sequence_tokens(row: dict) -> list[str]:
    return [*render_spec(row), "PROG", *row["program"], "END"]


def statement_positions(row: dict) -> list[int]:
    """Indices (in BOS + sequence_tokens) of each statement token."""
    start = 1 + len(render_spec(row)) + 1  # BOS, the spec, PROG
    return list(range(start, start + len(row["program"])))


def direction_targets(row: dict, semantics: str | None = None, example: int = 0) -> list[int]:
    """Facing after each statement when the program runs on example `example`'s input under `semantics`."""
    walls = {tuple(w) for w in row["walls"]}
    trace = execute(row["size"], walls, row["examples"][example]["input"], row["program"], semantics)
    return [s["facing"] for s in trace]


def fit_probe(kind: str, x_train: np.ndarray, y_train: np.ndarray, seed: int, mlp_hidden: int = 256):
    """A linear probe (logistic regression) or a one-hidden-layer MLP probe (spec: sklearn, 256 units)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "linear":
        clf = LogisticRegression(max_iter=1000, tol=1e-3)  # tol: 3x faster, accuracy within 0.01 (measured)
    elif kind == "mlp":
        clf = MLPClassifier(hidden_layer_sizes=(mlp_hidden,), random_state=seed)
    else:
        raise ValueError(f"probe kind must be linear or mlp, got {kind!r}")
    return make_pipeline(StandardScaler(), clf).fit(x_train, y_train)


def spearman(a: list[float], b: list[float]) -> float:
    """Rank correlation over checkpoints; 0 when either side is constant (no trend to correlate)."""
    if len(set(a)) < 2 or len(set(b)) < 2:
        return 0.0
    return float(spearmanr(a, b).statistic)
