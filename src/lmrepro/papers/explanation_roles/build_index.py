"""The fixed retriever's index (spec DAG: build_index): every training and test x of the main world embedded by the
frozen pretrained reader (mean-pooled, x only), and each query's top-k training points by cosine similarity
(a training point never retrieves itself). It stands in for an encoder never trained to retrieve (the paper's
fixed retriever; its RoBERTa-init retriever). Also reports how often the top-1 point shares the query's task.

    R=results/small/explanation_roles/runs/seed0 D=data/small/explanation_roles/seed0/synth
    lmrepro stage explanation_roles.build_index --scale small --seed 0 --in reader=$R/reader --in data=$D \
        --out index=$R/index.json --out metrics=$R/build_index.json
    (ci: the same with --scale ci; paper: sentence-transformers/roberta-base-nli-stsb-mean-tokens, not wired)
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.io import read_jsonl, write_json
from lmrepro.common.stage import Stage
from lmrepro.papers.explanation_roles.method import ReaderClassifier, Vocab, build_inputs, top_k_cosine


def embed(model, vocab: Vocab, rows: list[dict], batch: int) -> torch.Tensor:
    ids = build_inputs(vocab, rows, rows, None, 0)[:, 0]
    with torch.no_grad():
        return torch.cat([model.embed(ids[i:i + batch]) for i in range(0, len(ids), batch)])


def main() -> None:
    with Stage.from_argv("explanation_roles", "build_index") as st:
        world, textcat, ev = st.params("world"), st.params("textcat"), st.params("evaluate")
        vocab = Vocab(world)
        model = ReaderClassifier.from_pretrained(st.inp("reader"), use_safetensors=True, local_files_only=True).eval()
        train = read_jsonl(st.inp("data") / "main" / "train.jsonl")
        test = read_jsonl(st.inp("data") / "main" / "test.jsonl")
        pool = embed(model, vocab, train, ev.batch)
        index, metrics = {}, {}
        for split, rows, queries in (("train", train, pool), ("test", test, embed(model, vocab, test, ev.batch))):
            top, sims = top_k_cosine(queries, pool, textcat.top_k, exclude_self=split == "train")
            index[f"{split}_rows"], index[f"{split}_sims"] = top.tolist(), sims.tolist()
            same = np.array([[train[j]["idx"] for j in r] for r in top.tolist()]) == \
                np.array([r["idx"] for r in rows])[:, None]
            metrics[f"{split}_same_task_at1"] = float(same[:, 0].mean())
            metrics[f"{split}_same_task_atk"] = float(same.any(1).mean())
        write_json(st.out("index"), index)
        st.log_metrics(metrics)
        print(metrics, flush=True)


if __name__ == "__main__":
    main()
