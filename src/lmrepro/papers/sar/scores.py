"""SAR's uncertainty scores (paper Sec. 4, official src/compute_uncertainty.py), per question; higher = more
uncertain. Inputs are the stats lm-polygraph's estimators take: per-sample token NLLs z (= -log-likelihoods),
per-sample token similarities g(x + s, x + s without y_i), and the K x K sentence similarity g(x + s_j, x + s_k).

- TokenSAR(s) = sum_i w_i z_i with w_i = R_T(y_i) / sum_j R_T(y_j), R_T = 1 - g (paper Eq. 4-6); a question's
  TokenSAR is the mean over its samples (official repo; lm-polygraph scores the greedy answer alone);
- SentSAR / SAR: E_S(s_j) = -log(p_j + R_S(s_j) / t), R_S(s_j) = sum_{k != j} g(s_j, s_k) p_k (Eq. 8-9), averaged
  over j; p_j = exp(-sum_i z_i) for SentSAR, exp(-TokenSAR(s_j)) for SAR.
tests/test_sar.py checks all three against lm_polygraph.estimators TokenSAR, SentenceSAR and SAR.
An answer whose tokens all have zero relevance (every g = 1) falls back to uniform weights, i.e. its mean NLL,
where lm-polygraph divides by zero (NaN); `zero_relevance` counts such answers.
"""
from __future__ import annotations

import numpy as np

T_DEFAULT = 0.001  # paper Sec. 5.1


def token_weights(token_similarity) -> np.ndarray:
    relevance = 1.0 - np.asarray(token_similarity, dtype=np.float64)
    total = relevance.sum()
    if total <= 0.0:
        return np.full(relevance.shape, 1.0 / max(1, relevance.size))
    return relevance / total


def zero_relevance(token_similarity) -> bool:
    return bool((1.0 - np.asarray(token_similarity, dtype=np.float64)).sum() <= 0.0)


def token_sar(nll, token_similarity) -> float:
    """Relevance-weighted NLL of one answer."""
    nll = np.asarray(nll, dtype=np.float64)
    if nll.shape != np.shape(token_similarity) or nll.ndim != 1 or nll.size == 0:
        raise ValueError(f"token_sar: {nll.shape} NLLs vs {np.shape(token_similarity)} token similarities "
                         f"(one per generated token, none empty)")
    return float((token_weights(token_similarity) * nll).sum())


def sentence_relevance_entropy(log_probs, sentence_similarity, t: float = T_DEFAULT) -> float:
    """mean_j -log(p_j + sum_{k != j} g(s_j, s_k) p_k / t) for one question's K samples."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    sim = np.asarray(sentence_similarity, dtype=np.float64)
    k = log_probs.size
    if sim.shape != (k, k) or k < 1:
        raise ValueError(f"sentence similarity must be {k} x {k} for {k} samples, got {sim.shape}")
    if t <= 0:
        raise ValueError(f"t must be > 0, got {t}")
    probs = np.exp(log_probs)
    relevance = (sim * (1.0 - np.eye(k))) @ probs  # self-similarity excluded (k != j)
    return float(np.mean(-np.log(probs + relevance / t)))


def question_token_sar(nlls: list, token_similarities: list) -> float:
    if len(nlls) != len(token_similarities) or not nlls:
        raise ValueError(f"question_token_sar: {len(nlls)} samples' NLLs vs {len(token_similarities)} similarities")
    return float(np.mean([token_sar(z, g) for z, g in zip(nlls, token_similarities)]))


def sentence_sar(nlls: list, sentence_similarity, t: float = T_DEFAULT) -> float:
    return sentence_relevance_entropy([-float(np.sum(z)) for z in nlls], sentence_similarity, t)


def sar(nlls: list, token_similarities: list, sentence_similarity, t: float = T_DEFAULT) -> float:
    if len(nlls) != len(token_similarities):
        raise ValueError(f"sar: {len(nlls)} samples' NLLs vs {len(token_similarities)} token similarities")
    return sentence_relevance_entropy([-token_sar(z, g) for z, g in zip(nlls, token_similarities)],
                                      sentence_similarity, t)
