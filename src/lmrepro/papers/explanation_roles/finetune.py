"""Fine-tune a copy of the reader on one arm (paper §5-6; spec Small scale stage 2): the baseline reads x only,
TextCat reads x [SEP] e_1 .. e_c with explanations retrieved afresh every step (optimal: same task index, never the
query's own row; fixed: the frozen index's top-k sets, marginalised RAG-style).

    R=results/small/explanation_roles/runs/seed0 D=data/small/explanation_roles/seed0/synth
    lmrepro stage explanation_roles.finetune --scale small --seed 0 --set textcat.arm=optimal \
        --in reader=$R/reader --in data=$D --in index=$R/index.json --out model=$R/optimal \
        --out metrics=$R/finetune_optimal.json
    (ci: --scale ci; paper: from roberta-base, not wired)
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.explanation_roles.method import (ReaderClassifier, Vocab, arm_logits, build_inputs,
                                                     rag_marginal_nll, retrieve)
from lmrepro.papers.explanation_roles.params import ARMS


def main() -> None:
    with Stage.from_argv("explanation_roles", "finetune") as st:
        world, textcat, train_cfg = st.params("world"), st.params("textcat"), st.params("finetune_train")
        arm = ARMS[textcat.arm]
        context_size = textcat.evidential_context_size if arm.many else textcat.context_size
        vocab = Vocab(world)
        rows = read_jsonl(st.inp("data") / arm.variant / "train.jsonl")
        task_idx = np.array([r["idx"] for r in rows])
        labels = torch.tensor([r["label"] for r in rows])
        index = read_json(st.inp("index")) if arm.retrieval == "fixed" else None
        torch.manual_seed(derive_seed(st.seed, "finetune", textcat.arm))
        model = ReaderClassifier.from_pretrained(st.inp("reader"), use_safetensors=True, local_files_only=True)
        rng = np.random.default_rng(derive_seed(st.seed, "finetune", textcat.arm, "batches"))

        def get_batch(step: int) -> dict:
            batch = rng.choice(len(rows), size=min(textcat.batch_size, len(rows)), replace=False)
            contexts, prior = retrieve(
                arm.retrieval, task_idx[batch], task_idx, context_size, rng, self_rows=batch,
                index_rows=None if index is None else np.asarray(index["train_rows"])[batch],
                index_sims=None if index is None else np.asarray(index["train_sims"])[batch],
                temperature=textcat.temperature)
            return {"inputs": build_inputs(vocab, [rows[i] for i in batch], rows, contexts, context_size),
                    "prior": prior, "labels": labels[batch]}

        def loss_fn(m, batch):
            return rag_marginal_nll(arm_logits(m, batch["inputs"]), batch["prior"], batch["labels"]), {}

        result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve, desc=textcat.arm)
        save_model(model.eval(), st.out("model"))
        st.log_metrics({"final_loss": result["loss"], "n_train": len(rows), "context_size": context_size})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
