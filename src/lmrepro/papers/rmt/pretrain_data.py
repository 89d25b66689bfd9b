"""Pretraining data of rmt's two small LMs, trained by the shared stage `lmrepro.common.pretrain_lm`:

- the base (config `pretrain_lm`; spec DAG pretrain_base, standing in for a reasoning-capable base such as
  DeepSeek-R1-Distill-Qwen-14B, a hub snapshot at paper scale): each step `batch_docs` documents with loss on
  every token plus `batch_traces` overthinking traces with loss on the completion (<think> .. </think> <ans> x_t)
  only, as one masked-LM batch;
- the entropy proxy (config `proxy_lm`; spec: 1 layer, d=32, 100 steps; RPT uses R1-Distill-Qwen-1.5B): NTP on
  `batch_docs` documents per step.
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.rmt.data import doc_rows, encode
from lmrepro.papers.rmt.params import BaseConfig


def trace_rows(tokenizer, traces: list[dict]) -> dict[str, torch.Tensor]:
    """[bos] context <think> .. <ans> x_t, right-padded; loss_mask 1 on the tokens after the context."""
    seqs, starts = [], []
    for tr in traces:
        context = encode(tokenizer, tr["context"])
        seqs.append([tokenizer.bos_token_id] + encode(tokenizer, tr["text"]))
        starts.append(1 + len(context))
    ids, _ = pad_rows(seqs, tokenizer.pad_token_id)
    mask = torch.zeros_like(ids)
    for i, (s, start) in enumerate(zip(seqs, starts)):
        mask[i, start:len(s)] = 1
    return {"input_ids": ids, "loss_mask": mask}


def base_batches(st, tokenizer):
    cfg = st.params("base", BaseConfig)
    docs = read_jsonl(st.inp("data") / "docs.jsonl")
    traces = trace_rows(tokenizer, read_jsonl(st.inp("data") / "traces.jsonl"))
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

    return get_batch


def proxy_batches(st, tokenizer):
    cfg = st.params("base", BaseConfig)
    rows = doc_rows(tokenizer, read_jsonl(st.inp("data") / "docs.jsonl"))
    batch_seed = derive_seed(st.seed, "proxy_batches")

    def get_batch(step: int) -> dict:
        g = torch.Generator().manual_seed(batch_seed + step)
        return {"input_ids": rows[torch.randint(len(rows), (cfg.batch_docs,), generator=g)]}

    return get_batch
