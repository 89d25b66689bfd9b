"""The simulated learner's pretraining data (spec: DAG `pretrain_lm`, small scale only; the paper's smolm learners
are 8-layer OPTs trained on AO-CHILDES, hub snapshots at paper scale): batches for the shared stage
`lmrepro.common.pretrain_lm` (config `pretrain_lm`).

Each sentence is [BOS] tokens [EOS]; next-token NLL over everything after BOS (padding masked). A batch is a
seeded uniform draw per step, trimmed to its longest sentence.
"""
from __future__ import annotations

import torch

from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.cross_dative.params import PretrainDataConfig


def sentence_batch(tokenizer, texts: list[str]) -> dict:
    seqs = [[tokenizer.bos_token_id] + tokenizer(t, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            for t in texts]
    ids, mask = pad_rows(seqs, tokenizer.pad_token_id)
    return {"input_ids": ids, "attention_mask": mask, "loss_mask": mask}


def pretrain_batches(st, tokenizer):
    dcfg = st.params("pretrain_data", PretrainDataConfig)
    rows = sentence_batch(tokenizer, (st.inp("data") / "train.txt").read_text().splitlines())
    n = rows["input_ids"].size(0)
    batch_seed = derive_seed(st.seed, "batches")

    def get_batch(step: int) -> dict:
        idx = torch.randint(n, (dcfg.batch_size,), generator=torch.Generator().manual_seed(batch_seed + step))
        width = int(rows["attention_mask"][idx].sum(1).max())
        return {k: v[idx, :width] for k, v in rows.items()}

    return get_batch
