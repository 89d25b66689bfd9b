"""Score every corpus position with the fixed proxy: top-k entropy H_t and its bin (spec: Token difficulty).

    lmrepro stage rmt.score_entropy --scale small --seed 0 --in corpus=data/small/rmt/seed0/corpus \
        --in proxy=results/small/rmt/runs/seed0/proxy --out entropy=data/small/rmt/seed0/entropy.parquet \
        --out metrics=data/small/rmt/seed0/entropy.metrics.json

entropy.parquet: one row per (split, doc, position) with split in {docs, heldout}, position the index of the
target token in the [bos]-prefixed row, entropy (nats), bin (0 trivial, 1 easy, 2 medium, 3 hard at the RPT cuts)
and the gold class where the world has one. Computed once before RL, so the curriculum's bins never drift with
the policy (spec: Pitfalls).
"""
from __future__ import annotations

import statistics

import torch

from lmrepro.common.io import atomic_file, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, pad_id
from lmrepro.common.stage import Stage
from lmrepro.papers.rmt.data import doc_rows
from lmrepro.papers.rmt.method import entropy_bins, topk_entropy
from lmrepro.papers.rmt.params import BIN_NAMES, EntropyConfig


@torch.no_grad()
def score(model, rows: torch.Tensor, pad_id: int, cfg: EntropyConfig) -> list[tuple[int, int, float, int]]:
    out = []
    for start in range(0, len(rows), cfg.batch_size):
        batch = rows[start:start + cfg.batch_size]
        h = topk_entropy(model(input_ids=batch).logits[:, :-1], cfg.top_k)  # h[:, j] scores target j + 1
        bins = entropy_bins(h, cfg.bin_edges)
        real = batch[:, 1:] != pad_id
        for (i, j), value, b in zip(real.nonzero().tolist(), h[real].tolist(), bins[real].tolist()):
            out.append((start + i, j + 1, value, b))
    return out


def main() -> None:
    with Stage.from_argv("rmt", "score_entropy") as st:
        cfg = st.params("entropy", EntropyConfig)
        import pyarrow as pa
        import pyarrow.parquet as pq

        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        model = load_model(st.inp("proxy")).eval()
        columns = {"split": [], "doc": [], "position": [], "entropy": [], "bin": [], "label": []}
        metrics = {}
        for split in ("docs", "heldout"):
            docs = read_jsonl(st.inp("corpus") / f"{split}.jsonl")
            rows = doc_rows(tokenizer, docs, cfg.max_len)
            scored = score(model, rows, pad_id(tokenizer), cfg)
            for doc, pos, h, b in scored:
                labels = docs[doc]["labels"]
                columns["split"].append(split)
                columns["doc"].append(doc)
                columns["position"].append(pos)
                columns["entropy"].append(h)
                columns["bin"].append(b)
                columns["label"].append(labels[pos - 1] if labels else None)
            for b, name in enumerate(BIN_NAMES):
                metrics[f"{split}_share_{name}"] = sum(s[3] == b for s in scored) / len(scored)
        for label in sorted({x for x in columns["label"] if x}):  # where each gold class lands
            hs = [h for h, lab in zip(columns["entropy"], columns["label"]) if lab == label]
            metrics[f"mean_entropy_{label}"] = statistics.fmean(hs)
        with atomic_file(st.out("entropy")) as tmp:
            pq.write_table(pa.table(columns), tmp)
        st.log_metrics(metrics)
        print(metrics)


if __name__ == "__main__":
    main()
