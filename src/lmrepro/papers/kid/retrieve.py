"""Retrieve the top-k entity documents for each test prompt with BM25 (the small-scale stand-in for DPR).

    lmrepro stage kid.retrieve --scale small --seed 0 --in data=data/small/kid/seed0/prep \
        --out retrieved=results/small/kid/runs/seed0/retrieved.jsonl \
        --out metrics=results/small/kid/runs/seed0/retrieve.json

Spec DAG `retrieve` (paper: k=5 Wikipedia passages per input from facebook/rag-token-nq's question encoder over
wiki_dpr). Output rows {"id", "docs": [document ids, best first], "scores"}; metrics: how often the prompt's own
entity document is ranked first and is among the k.
"""
from __future__ import annotations

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.kid.knowledge import bm25_scores
from lmrepro.papers.kid.params import RetrieveConfig


def main() -> None:
    with Stage.from_argv("kid", "retrieve") as st:
        cfg = st.params("retrieve", RetrieveConfig)
        docs = read_jsonl(st.inp("data") / "docs.jsonl")
        test = read_jsonl(st.inp("data") / "test.jsonl")
        doc_words = [d["text"].split() for d in docs]
        rows, top1, in_k = [], 0, 0
        for row in test:
            scores = bm25_scores(row["prompt"].split(), doc_words, k1=cfg.k1, b=cfg.b)
            best = sorted(range(len(docs)), key=lambda i: (-scores[i], i))[:cfg.k]
            rows.append({"id": row["id"], "docs": [docs[i]["id"] for i in best],
                         "scores": [round(scores[i], 6) for i in best]})
            top1 += docs[best[0]]["entity"] == row["person"]
            in_k += any(docs[i]["entity"] == row["person"] for i in best)
        write_jsonl(st.out("retrieved"), rows)
        st.log_metrics({"gold_at_1": top1 / len(test), "gold_at_k": in_k / len(test), "k": cfg.k})


if __name__ == "__main__":
    main()
