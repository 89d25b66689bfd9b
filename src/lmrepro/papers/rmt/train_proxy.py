"""Train the entropy proxy: a smaller LM, NTP on the documents (spec: 1 layer, d=32, 100 steps; RPT uses
R1-Distill-Qwen-1.5B, a hub snapshot, and this stage does not run at paper scale).

    lmrepro stage rmt.train_proxy --scale small --seed 0 --in corpus=data/small/rmt/seed0/corpus \
        --out model=results/small/rmt/runs/seed0/proxy --out metrics=results/small/rmt/runs/seed0/train_proxy.json
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import build_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.rmt.data import doc_rows
from lmrepro.papers.rmt.pretrain_base import BaseConfig


def main() -> None:
    with Stage.from_argv("rmt", "train_proxy") as st:
        cfg = st.params("base", BaseConfig)
        train_cfg = st.params("proxy_train", TrainConfig)
        model_spec = st.params("proxy_model", dict)
        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        rows = doc_rows(tokenizer, read_jsonl(st.inp("corpus") / "docs.jsonl"))
        batch_seed = derive_seed(st.seed, "proxy_batches")

        def get_batch(step: int) -> dict:
            g = torch.Generator().manual_seed(batch_seed + step)
            return {"input_ids": rows[torch.randint(len(rows), (cfg.batch_docs,), generator=g)]}

        seed_everything(derive_seed(st.seed, "proxy_init"))
        model = build_model(model_spec, tokenizer=tokenizer)
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc="rmt proxy")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
