"""The paradigm's pieces (paper §3; official code sakimarquis/llm_neurofeedback): mean-pooled sentence
activations, PC and LR axes fitted on a pool, binarised labels, the ideal observer and the LM's 0-vs-1 readout.

- Activations: the residual stream at one layer, averaged over the sentence's own tokens (BOS excluded; spec
  pitfall: pooling template tokens shifts the PCs toward format features).
- Axes: PC_k of the centred pool activations (sklearn PCA) and the logistic-regression axis of the dataset
  label (the official code: sklearn's LogisticRegression, C = 1); each a unit vector. Labels: y = 1[w.h > the
  median of w.h over the sentences labelled] (the paper's median split; the official code splits at the mean,
  which a skewed projection unbalances, spec pitfall).
- Ideal observer (the repo's analysis/optimal_perf.py): a logistic regression fit on N in-context examples'
  activations, scored on the other probe sentences: how learnable an axis's labels are from N examples.
- LM readout: the logits of "0" and "1" at the position before each label token (spec pitfall: end_idx - 1).
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.activations import residual_stream, span_mean
from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.worlds.attributes import END, LABEL_TOKENS, SEPARATOR


def encode_sentences(tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """BOS + each text, right-padded: (input_ids, attention_mask, span_mask over the text's own tokens)."""
    seqs = [[tokenizer.bos_token_id, *tokenizer(t, add_special_tokens=False)["input_ids"]] for t in texts]
    ids, mask = pad_rows(seqs, pad_id(tokenizer))
    span = mask.clone()
    span[:, 0] = 0
    return ids, mask, span.bool()


@torch.no_grad()
def pooled_activations(model, tokenizer, texts: list[str], layer: int, batch: int = 256) -> np.ndarray:
    """(n, hidden) float64: the layer's residual stream averaged over each sentence's tokens."""
    out = []
    for start in range(0, len(texts), batch):
        ids, mask, span = encode_sentences(tokenizer, texts[start:start + batch])
        hidden = residual_stream(model, ids, mask, [layer])[layer]
        out.append(span_mean(hidden.float(), span).double().numpy())
    return np.concatenate(out)


def fit_axes(pool: np.ndarray, labels: np.ndarray, pcs: tuple[int, ...], lr_c: float, seed: int) -> dict:
    """{"names", "vectors" (k, d) unit rows, "mean" (d,), "explained_variance_ratio"}."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    if max(pcs) > min(pool.shape):
        raise ValueError(f"PC{max(pcs)} asked for, but the pool spans at most {min(pool.shape)} components")
    if len(set(labels.tolist())) != 2:
        raise ValueError("the LR axis needs both label values in the pool")
    mean = pool.mean(0)
    pca = PCA(n_components=max(pcs), random_state=seed).fit(pool)
    lr = LogisticRegression(C=lr_c, max_iter=2000).fit(pool, labels)
    vectors = [lr.coef_[0] / np.linalg.norm(lr.coef_[0]), *(pca.components_[k - 1] for k in pcs)]
    return {"names": ["LR", *(f"PC{k}" for k in pcs)], "vectors": np.stack(vectors), "mean": mean,
            "explained_variance_ratio": pca.explained_variance_ratio_}


def axis_labels(acts: np.ndarray, axes: dict) -> np.ndarray:
    """(n, k) 0/1 labels: each sentence's projection on each axis above that axis's median over `acts`."""
    projections = (acts - axes["mean"]) @ axes["vectors"].T
    return (projections > np.median(projections, axis=0)).astype(np.int64)


def observer_accuracy(acts: np.ndarray, labels: np.ndarray, positions: tuple[int, ...], n_shuffles: int, c: float,
                      rng: np.random.Generator) -> dict[int, float]:
    """{N: mean accuracy over shuffles} of a logistic regression fit on N random examples, scored on the rest
    (one class among the N: that class is predicted)."""
    from sklearn.linear_model import LogisticRegression

    acc = {n: [] for n in positions}
    for _ in range(n_shuffles):
        order = rng.permutation(len(labels))
        for n in positions:
            train, test = order[:n], order[n:]
            if len(set(labels[train].tolist())) < 2:
                pred = np.full(len(test), labels[train][0])
            else:
                pred = LogisticRegression(C=c, max_iter=2000).fit(acts[train], labels[train]).predict(acts[test])
            acc[n].append(float((pred == labels[test]).mean()))
    return {n: float(np.mean(v)) for n, v in acc.items()}


def label_token_ids(tokenizer) -> tuple[int, int]:
    """The ids of "0" and "1" as they follow the separator: each must be one token, and distinct."""
    ids = [tokenizer(f" {t}", add_special_tokens=False)["input_ids"] for t in LABEL_TOKENS]
    if any(len(i) != 1 for i in ids) or ids[0] == ids[1]:
        raise ValueError(f"'0' and '1' must be single distinct tokens after a space, got {ids}")
    return ids[0][0], ids[1][0]


def encode_episode(tokenizer, texts: list[str], labels: list[int], prefix: str = "") -> tuple[list[int], list[int]]:
    """BOS + `prefix` + "s = y ;" pairs as token ids, and the index of each label token."""
    zero_one = label_token_ids(tokenizer)
    end = tokenizer(f" {END}", add_special_tokens=False)["input_ids"]
    ids, label_at = [tokenizer.bos_token_id, *tokenizer(prefix, add_special_tokens=False)["input_ids"]], []
    for text, y in zip(texts, labels, strict=True):
        ids += tokenizer(f"{' ' if len(ids) > 1 else ''}{text} {SEPARATOR}", add_special_tokens=False)["input_ids"]
        label_at.append(len(ids))
        ids += [zero_one[y], *end]
    return ids, label_at


@torch.no_grad()
def reported_labels(model, ids: list[int], label_at: list[int], zero_one: tuple[int, int]) -> np.ndarray:
    """(n_pairs,) the model's reports on one episode: 1 where logit("1") > logit("0") at the position before each
    label token, i.e. conditioned on the earlier examples only."""
    logits = model(input_ids=torch.tensor([ids])).logits[0]
    before = torch.tensor(label_at) - 1
    return (logits[before, zero_one[1]] > logits[before, zero_one[0]]).long().numpy()
