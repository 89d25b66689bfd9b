"""The relevance model g: token relevance by leave-one-token-out, the K x K sentence similarity, SE's classes.

    lmrepro stage sar.relevance --scale small --seed 0 \
        --in generations=results/small/sar/runs/seed0/generations.jsonl \
        --in tokenizer=results/small/sar/runs/seed0/base \
        --out relevance=results/small/sar/runs/seed0/relevance.jsonl \
        --out metrics=results/small/sar/runs/seed0/relevance.json
    (ci: --scale ci; paper: relevance.model cross-encoder/stsb-roberta-large, kind cross_encoder, the same command)

Spec DAG `token_relevance` + `sentence_similarity` + `semantic_clusters` (paper Sec. 4.1-4.2), in lm-polygraph's
stat layout (CrossEncoderSimilarityMatrixCalculator):
- token similarity g(x + s, x + s without y_i) for every generated token (1 - it is the relevance R_T); special
  tokens (EOS, padding) get 1 (zero relevance) and a one-token answer 0.5, as lm-polygraph does; the token is
  removed at its position (lm-polygraph), or, with `mimic_official_replace`, every occurrence of its text
  (the official repo's str.replace);
- sentence similarity g(x + s_j, x + s_k) for every pair of samples;
- semantic classes for the SE baseline: greedy clustering against each class's first member (Kuhn et al.'s
  algorithm), with g >= cluster_threshold in both directions standing in for bidirectional entailment.
A bi-encoder's g is the cosine clipped to [0, 1] (it can be negative); a cross-encoder's g is its prediction.

Output relevance.jsonl, one row per question: id, token_similarity [[per token] per sample], sentence_similarity
[K x K], classes [class index per sample].
"""
from __future__ import annotations

import json

import numpy as np

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.sar.params import RelevanceConfig

ONE_TOKEN_SIMILARITY = 0.5  # lm-polygraph's value for an answer of a single token


def joined(prefix: str, text: str) -> str:
    return f"{prefix} {text}" if prefix else text


def removal_texts(ids: list[int], special: list[bool], decode, mimic_official_replace: bool = False) -> list[str]:
    """The answer text with token i removed, for each position i; `decode(ids)` gives text without special tokens.
    Positional (lm-polygraph): the other ids decoded; official: str.replace(decode([id_i]), '') on the answer, which
    deletes every occurrence of that text, inside other words too. A special token's removal leaves the text."""
    if len(ids) != len(special):
        raise ValueError(f"removal_texts: {len(ids)} tokens but {len(special)} special flags")
    text = decode(ids)
    out = []
    for i, is_special in enumerate(special):
        if is_special:
            out.append(text)
        elif mimic_official_replace:
            out.append(text.replace(decode([ids[i]]), ""))
        else:
            out.append(decode(ids[:i] + ids[i + 1:]))
    return out


def greedy_classes(similarity: np.ndarray, threshold: float) -> list[int]:
    """Semantic class of each sample: sample j joins the first class whose first member k has g(j, k) and
    g(k, j) >= threshold, else opens a new class (Kuhn et al. 2023, bidirectional entailment)."""
    similarity = np.asarray(similarity)
    if similarity.ndim != 2 or similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"greedy_classes: expected a square matrix, got shape {similarity.shape}")
    heads: list[int] = []
    classes: list[int] = []
    for j in range(similarity.shape[0]):
        for c, k in enumerate(heads):
            if min(similarity[j, k], similarity[k, j]) >= threshold:
                classes.append(c)
                break
        else:
            classes.append(len(heads))
            heads.append(j)
    return classes


class Similarity:
    """g(a, b) for many pairs at once: a bi-encoder's clipped cosine (each distinct text embedded once) or a
    cross-encoder's prediction."""

    def __init__(self, cfg: RelevanceConfig):
        self.cfg = cfg
        if cfg.kind == "cross_encoder":
            from sentence_transformers import CrossEncoder

            from lmrepro.common.sentence_encoder import resolve

            self.cross = CrossEncoder(resolve(cfg.model), device="cpu", trust_remote_code=False)
        self.n_encoded = 0

    def __call__(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        if self.cfg.kind == "cross_encoder":
            self.n_encoded += len(pairs)
            return np.asarray(self.cross.predict(pairs, batch_size=self.cfg.batch_size), dtype=np.float64)
        from lmrepro.common.sentence_encoder import encode

        texts = list(dict.fromkeys(t for pair in pairs for t in pair))
        index = {t: i for i, t in enumerate(texts)}
        emb = encode(texts, self.cfg.model, batch_size=self.cfg.batch_size).double().numpy()
        self.n_encoded += len(texts)
        a = emb[[index[p[0]] for p in pairs]]
        b = emb[[index[p[1]] for p in pairs]]
        return np.clip((a * b).sum(-1), 0.0, 1.0)


def relevance_rows(rows: list[dict], similarity, cfg: RelevanceConfig, decode, special_ids: set[int]) -> list[dict]:
    """Token similarity, sentence similarity and classes for every question, with all pairs scored in one call;
    `decode(ids)` is the tokenizer's decode without special tokens."""
    pairs: list[tuple[str, str]] = []
    plan = []  # per question: (per sample: (token-pair slice or None, n tokens), sentence-pair slice)
    for row in rows:
        prefix = row["question"] if cfg.prepend_question else ""
        per_sample = []
        for s in row["samples"]:
            special = [t in special_ids for t in s["ids"]]
            if len(s["ids"]) <= 1:
                per_sample.append((None, len(s["ids"]), special))
                continue
            full = joined(prefix, s["text"])
            start = len(pairs)
            pairs += [(full, joined(prefix, r)) for r in removal_texts(s["ids"], special, decode,
                                                                         cfg.mimic_official_replace)]
            per_sample.append((slice(start, len(pairs)), len(s["ids"]), special))
        texts = [joined(prefix, s["text"]) for s in row["samples"]]
        start = len(pairs)
        pairs += [(a, b) for a in texts for b in texts]
        plan.append((per_sample, slice(start, len(pairs)), len(texts)))
    scores = similarity(pairs)
    out = []
    for row, (per_sample, sent_slice, k) in zip(rows, plan):
        token_similarity = []
        for token_slice, n, special in per_sample:
            if token_slice is None:
                token_similarity.append([ONE_TOKEN_SIMILARITY] * n)
            else:
                token_similarity.append([1.0 if sp else float(v) for v, sp in zip(scores[token_slice], special)])
        sentence = scores[sent_slice].reshape(k, k)
        out.append({"id": row["id"], "token_similarity": token_similarity, "sentence_similarity": sentence.tolist(),
                    "classes": greedy_classes(sentence, cfg.cluster_threshold)})
    return out


def main() -> None:
    from lmrepro.common.models import load_tokenizer

    with Stage.from_argv("sar", "relevance") as st:
        cfg = st.params("relevance", RelevanceConfig)
        if "hub_relevance" in st.inputs:  # paper: the fetched snapshot of the configured id
            cfg.model = str(st.inp("hub_relevance"))
        rows = read_jsonl(st.inp("generations"))
        tokenizer = load_tokenizer(st.inp("tokenizer"))
        similarity = Similarity(cfg)
        out = relevance_rows(rows, similarity, cfg, lambda ids: tokenizer.decode(ids, skip_special_tokens=True),
                             set(tokenizer.all_special_ids))
        write_jsonl(st.out("relevance"), out)
        flat = [v for r in out for sample in r["token_similarity"] for v in sample]
        stats = {"n_questions": len(out), "n_encoded": similarity.n_encoded,
                 "mean_token_similarity": float(np.mean(flat)),
                 "mean_classes": float(np.mean([len(set(r["classes"])) for r in out]))}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
