"""Pretrain the small-scale base: NTP on documents + SFT on overthinking traces (spec DAG: pretrain_base; it
stands in for a reasoning-capable base such as DeepSeek-R1-Distill-Qwen-14B, a hub snapshot at paper scale).

    lmrepro stage rmt.pretrain_base --scale small --seed 0 --in corpus=data/small/rmt/seed0/corpus \
        --out model=results/small/rmt/runs/seed0/base --out metrics=results/small/rmt/runs/seed0/pretrain_base.json

Each step: `batch_docs` documents with loss on every token, plus `batch_traces` traces with loss on the completion
(<think> .. </think> <ans> x_t) only; the two are one masked-LM batch.
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import build_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.rmt.data import encode
from lmrepro.papers.rmt.params import BaseConfig


def trace_rows(tokenizer, traces: list[dict]) -> dict[str, torch.Tensor]:
    """[bos] context <think> .. <ans> x_t, right-padded; loss_mask 1 on the tokens after the context."""
    seqs, starts = [], []
    for tr in traces:
        context = encode(tokenizer, tr["context"])
        seqs.append([tokenizer.bos_token_id] + encode(tokenizer, tr["text"]))
        starts.append(1 + len(context))
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (s, start) in enumerate(zip(seqs, starts)):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, start:len(s)] = 1
    return {"input_ids": ids, "loss_mask": mask}


def main() -> None:
    with Stage.from_argv("rmt", "pretrain_base") as st:
        cfg = st.params("base", BaseConfig)
        train_cfg = st.params("pretrain", TrainConfig)
        model_spec = st.params("model", dict)
        tokenizer = load_tokenizer(st.inp("corpus") / "tokenizer")
        docs = read_jsonl(st.inp("corpus") / "docs.jsonl")
        traces = trace_rows(tokenizer, read_jsonl(st.inp("corpus") / "traces.jsonl"))
        doc_ids = torch.tensor([[tokenizer.bos_token_id] + encode(tokenizer, d["text"]) for d in docs])
        width = max(doc_ids.size(1), traces["input_ids"].size(1))
        doc_ids = torch.nn.functional.pad(doc_ids, (0, width - doc_ids.size(1)), value=tokenizer.pad_token_id)
        doc_mask = (doc_ids != tokenizer.pad_token_id).long()
        trace_ids = torch.nn.functional.pad(traces["input_ids"], (0, width - traces["input_ids"].size(1)),
                                            value=tokenizer.pad_token_id)
        trace_mask = torch.nn.functional.pad(traces["loss_mask"], (0, width - traces["loss_mask"].size(1)))
        batch_seed = derive_seed(st.seed, "base_batches")

        def get_batch(step: int) -> dict:
            g = torch.Generator().manual_seed(batch_seed + step)
            d = torch.randint(len(doc_ids), (cfg.batch_docs,), generator=g)
            t = torch.randint(len(trace_ids), (cfg.batch_traces,), generator=g)
            return {"input_ids": torch.cat([doc_ids[d], trace_ids[t]]),
                    "loss_mask": torch.cat([doc_mask[d], trace_mask[t]])}

        seed_everything(derive_seed(st.seed, "init"))
        model = build_model(model_spec, tokenizer=tokenizer)
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc="rmt base")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
