"""WECHSEL initialisation, written from the paper's method description (§3; spec: Method 2-6).

    W   = align(src_w2v, tgt_w2v, dictionary)                 orthogonal Procrustes, §3.2
    U_s = subword_vectors(src_tok, src_w2v) @ W                 Word2Vec path (no subword info), §3.3
    U_t = subword_vectors(tgt_tok, tgt_w2v)
    E_t, info = target_embeddings(unit(U_s), unit(U_t), E_s, src_tok, tgt_tok, k=10, tau=0.1)   §3.4

- Procrustes: W* = argmin_{W^T W = I} ||X_s W - X_t||_F = U V^T with U S V^T = SVD(X_s^T X_t); each dictionary
  entry is tried in original, lower and title case on both sides, every variant present in both vocabularies
  adds one row.
- Subword vector of token t without subword information: the frequency-weighted mean of the vectors of all words
  whose tokenization, with or without a leading space, contains t (a word counts once per tokenization that
  contains t). Tokens used by no word get the zero vector.
- Each target token takes its k most cosine-similar source tokens, weights w = softmax(s / tau), and
  e_t = sum_i w_i e_s(y_i). Target tokens with a zero subword vector get the row of a N(mean(E_s), std(E_s))
  matrix (per dimension) drawn from RandomState(1234); special tokens shared by both tokenizers copy their
  source rows.
tests/test_wechsel.py checks this module against the `wechsel` package (0.0.4) on identical inputs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lmrepro.papers.wechsel.params import WechselConfig


def read_dictionary(path: str | Path) -> list[tuple[str, str]]:
    """`source<TAB>target` lines (whitespace-separated also accepted), as in the paper's dictionaries."""
    pairs = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) != 2:
            raise ValueError(f"{path}: expected two columns, got {line!r}")
        pairs.append((parts[0], parts[1]))
    return pairs


def _case_variants(word: str) -> tuple[str, str, str]:
    return word, word.lower(), word.title()


def dictionary_rows(src_kv, tgt_kv, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Paired word vectors (X_s, X_t) for every case variant of every entry present in both vocabularies."""
    xs, xt = [], []
    for src, tgt in pairs:
        for s in _case_variants(src):
            for t in _case_variants(tgt):
                if s in src_kv.key_to_index and t in tgt_kv.key_to_index:
                    xs.append(src_kv[s])
                    xt.append(tgt_kv[t])
    if not xs:
        raise ValueError("no dictionary entry has both words in the static embeddings: cannot align")
    return np.asarray(xs, dtype=np.float64), np.asarray(xt, dtype=np.float64)


def procrustes(xs: np.ndarray, xt: np.ndarray) -> np.ndarray:
    """Orthogonal W minimising ||xs W - xt||_F: W = U V^T where U S V^T = SVD(xs^T xt)."""
    u, _, vt = np.linalg.svd(xs.T @ xt)
    return u @ vt


def align(src_kv, tgt_kv, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, int]:
    """The Procrustes map from source to target word-vector space, and the number of rows it was fit on."""
    xs, xt = dictionary_rows(src_kv, tgt_kv, pairs)
    return procrustes(xs, xt), len(xs)


def subword_vectors(tokenizer, kv) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Word2Vec path: u(t) = sum over words w containing t of count(w) v(w) / sum count(w); zero if unused."""
    words = list(kv.index_to_key)
    counts = np.asarray([kv.get_vecattr(w, "count") for w in words], dtype=np.float64)
    users: dict[int, list[int]] = {}
    plain = tokenizer(words, add_special_tokens=False)["input_ids"]
    spaced = tokenizer([" " + w for w in words], add_special_tokens=False)["input_ids"]
    for i, (a, b) in enumerate(zip(plain, spaced)):
        for ids in (a, b):
            for tid in set(ids):
                users.setdefault(tid, []).append(i)
    vectors = kv.vectors.astype(np.float64)
    out = np.zeros((len(tokenizer), kv.vector_size), dtype=np.float64)
    for tid, idx in users.items():
        w = counts[idx] / counts[idx].sum()
        out[tid] = w @ vectors[idx]
    return out, users


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; zero rows stay zero."""
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def target_embeddings(src_u: np.ndarray, tgt_u: np.ndarray, src_matrix: np.ndarray, src_tok, tgt_tok,
                      cfg: WechselConfig, chunk: int = 1024) -> tuple[np.ndarray, dict]:
    """E_t from unit subword vectors (source side already mapped into the target space) and E_s.

    Returns the matrix (dtype of E_s) and info: `not_found` (target tokens given the random fallback),
    `neighbours` (token -> [(source token, cosine, weight)] best first), `fallback_frac`.
    """
    n_tgt, dim = len(tgt_tok), src_matrix.shape[1]
    e_s = np.asarray(src_matrix)
    fallback = np.random.RandomState(cfg.fallback_seed).normal(e_s.mean(0), e_s.std(0), (n_tgt, dim))
    target = np.zeros((n_tgt, dim), dtype=e_s.dtype)
    src_unit, tgt_unit = unit_rows(src_u), unit_rows(tgt_u)
    src_tokens = src_tok.convert_ids_to_tokens(list(range(len(src_tok))))
    tgt_tokens = tgt_tok.convert_ids_to_tokens(list(range(n_tgt)))
    k = min(cfg.neighbors, src_unit.shape[0])
    not_found, neighbours = [], {}
    for start in range(0, n_tgt, chunk):  # cosine similarities a chunk of target rows at a time
        sims = tgt_unit[start:start + chunk] @ src_unit.T
        for x in range(start, min(start + chunk, n_tgt)):
            row = sims[x - start]
            if not tgt_u[x].any():
                target[x] = fallback[x]
                not_found.append(tgt_tokens[x])
                continue
            top = np.argpartition(row, -k)[-k:]
            top = top[np.argsort(-row[top], kind="stable")]
            weights = _softmax(row[top] / cfg.temperature)
            target[x] = weights @ e_s[top].astype(np.float64)
            neighbours[tgt_tokens[x]] = [(src_tokens[j], float(row[j]), float(w)) for j, w in zip(top, weights)]
    src_vocab, tgt_vocab = src_tok.get_vocab(), tgt_tok.get_vocab()
    for token in src_tok.all_special_tokens:
        if token in tgt_vocab and token in src_vocab:
            target[tgt_vocab[token]] = e_s[src_vocab[token]]
    return target, {"not_found": not_found, "neighbours": neighbours, "fallback_frac": len(not_found) / n_tgt}


def wechsel(src_kv, tgt_kv, pairs: list[tuple[str, str]], src_tok, tgt_tok, src_matrix: np.ndarray,
            cfg: WechselConfig) -> tuple[np.ndarray, dict, np.ndarray]:
    """The whole method: returns (E_t, info, W)."""
    w, n_rows = align(src_kv, tgt_kv, pairs)
    src_u, _ = subword_vectors(src_tok, src_kv)
    tgt_u, _ = subword_vectors(tgt_tok, tgt_kv)
    matrix, info = target_embeddings(src_u @ w, tgt_u, src_matrix, src_tok, tgt_tok, cfg)
    info["dictionary_rows"] = n_rows
    return matrix, info, w


def nearest_neighbour_accuracy(src_kv, tgt_kv, w: np.ndarray, gold: list[tuple[str, str]]) -> tuple[float, int]:
    """Share of (tgt word, en word) pairs whose mapped nearest English word (cosine, whole EN vocabulary) is the
    gold one; a TGT word without a vector counts as a miss. Returns (accuracy, n)."""
    if not gold:
        return float("nan"), 0
    src = unit_rows(src_kv.vectors.astype(np.float64) @ w)
    hits = 0
    for tgt_word, en_word in gold:
        if tgt_word not in tgt_kv.key_to_index:
            continue
        v = tgt_kv[tgt_word].astype(np.float64)
        best = int(np.argmax(src @ (v / np.linalg.norm(v))))
        hits += src_kv.index_to_key[best] == en_word
    return hits / len(gold), len(gold)
