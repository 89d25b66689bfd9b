"""Test accuracy of every arm (spec DAG: eval) with the retrieval it trained with (test queries retrieve from the
training points), the acceptance quantities, and gate A0: when the reader missed its accuracy gate the arms are
not scored (the claim metrics are NaN).

    R=results/small/explanation_roles/runs/seed0 D=data/small/explanation_roles/seed0/synth
    lmrepro stage explanation_roles.evaluate --scale small --seed 0 --in reader_metrics=$R/pretrain_reader.json \
        --in data=$D --in index=$R/index.json --in baseline=$R/baseline ... --out metrics=$R/evaluate.json
    (ci: --scale ci; paper: no reader_metrics input, the reader is the hub's)
"""
from __future__ import annotations

import math

import numpy as np
import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.explanation_roles.method import (ReaderClassifier, Vocab, accuracy, arm_logits, build_inputs,
                                                     marginal_predict, retrieve)
from lmrepro.papers.explanation_roles.params import ARMS


def test_accuracy(st: Stage, name: str, vocab: Vocab, textcat, index: dict, batch: int) -> float:
    arm = ARMS[name]
    context_size = textcat.evidential_context_size if arm.many else textcat.context_size
    pool = read_jsonl(st.inp("data") / arm.variant / "train.jsonl")
    test = read_jsonl(st.inp("data") / arm.variant / "test.jsonl")
    rng = np.random.default_rng(derive_seed(st.seed, "evaluate", name))
    contexts, prior = retrieve(arm.retrieval, np.array([r["idx"] for r in test]), np.array([r["idx"] for r in pool]),
                               context_size, rng, index_rows=index.get("test_rows"), index_sims=index.get("test_sims"),
                               temperature=textcat.temperature)
    model = ReaderClassifier.from_pretrained(st.inp(name), use_safetensors=True, local_files_only=True).eval()
    preds = []
    with torch.no_grad():
        for i in range(0, len(test), batch):
            ctx = None if contexts is None else contexts[i:i + batch]
            ids = build_inputs(vocab, test[i:i + batch], pool, ctx, context_size)
            preds.append(marginal_predict(arm_logits(model, ids), prior[i:i + batch]))
    return accuracy(torch.cat(preds), torch.tensor([r["label"] for r in test]))


def main() -> None:
    with Stage.from_argv("explanation_roles", "evaluate") as st:
        world, textcat, ev, variants = (st.params(s) for s in ("world", "textcat", "evaluate", "variants"))
        vocab = Vocab(world)
        # a hub reader (paper scale) has no gate; ours reports its accuracy on fresh tasks
        reader = read_json(st.inp("reader_metrics"))["metrics"] if "reader_metrics" in st.inputs else \
            {"reader_acc": float("nan"), "gate_passed": 1.0}
        index = read_json(st.inp("index"))
        m = {"reader_acc": reader["reader_acc"], "gate_passed": reader["gate_passed"]}
        for name in variants.run:
            m[f"acc_{name}"] = test_accuracy(st, name, vocab, textcat, index, ev.batch)
        scored = reader["gate_passed"] == 1.0  # spec A0: do not score the arms without a working reader
        nan = float("nan")
        if {"acc_optimal", "acc_baseline"} <= set(m):
            m["A1_optimal_minus_baseline"] = m["acc_optimal"] - m["acc_baseline"] if scored else nan
            m["A2_optimal"] = m["acc_optimal"] if scored else nan
            m["A2_baseline"] = m["acc_baseline"] if scored else nan
        if {"acc_fixed", "acc_baseline"} <= set(m):
            m["fixed_minus_baseline"] = m["acc_fixed"] - m["acc_baseline"]
        if {"acc_evidential", "acc_evidential_k1"} <= set(m):
            m["evidential_k4_minus_k1"] = m["acc_evidential"] - m["acc_evidential_k1"]
        st.log_metrics(m)
        for k, v in sorted(m.items()):
            print(f"  {k}: {v:.3f}" if not math.isnan(v) else f"  {k}: nan", flush=True)


if __name__ == "__main__":
    main()
