"""The base model's pretraining data (spec DAG step 3; the paper starts from mistral-7b, a hub snapshot): the
batches that the shared stage `lmrepro.common.pretrain_lm` trains the tiny Llama on (config `pretrain_lm`).

The world corpus is "constitution : c query : x answer : y" rows (plus unconditioned rows) in which each principle
is obeyed with probability p_obey, so the base model links principles to behaviour only weakly. The loss is
next-token NLL on the answer (and its EOS) only: the prompt is uniformly random given the world and carries
nothing to learn. Batches are shuffled passes over the corpus. Shared by every seed of the SAMI stage (spec).
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.preference import completion_batch
from lmrepro.papers.sami.method import encode, prompt_ids
from lmrepro.papers.sami.params import BaseConfig


def pretrain_batches(st, tokenizer):
    """get_batch(step): the `step`-th batch of shuffled passes over the corpus (a new permutation per pass)."""
    cfg = st.params("base", BaseConfig)
    corpus = read_jsonl(st.inp("data") / "corpus.jsonl")
    pairs = [(prompt_ids(tokenizer, r["prompt"]), encode(tokenizer, r["response"]) + [tokenizer.eos_token_id])
             for r in corpus]
    rows = completion_batch(pairs, tokenizer.pad_token_id)  # loss mask 1 on the answer + EOS
    n = rows["input_ids"].size(0)
    batch_seed = derive_seed(st.seed, "pretrain_batches")
    st.log_metrics({"max_len": rows["input_ids"].size(1)})

    def get_batch(step: int) -> dict:
        epoch, k = divmod(step, max(1, n // cfg.batch_size))
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(batch_seed + epoch))
        idx = perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]
        return {name: t[idx] for name, t in rows.items()}

    return get_batch
