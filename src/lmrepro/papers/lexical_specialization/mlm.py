"""Masked-LM pretraining of the small multilingual encoder (spec DAG 3, `pretrain_mmt`): the batch and loss
functions that the shared `lmrepro.common.pretrain_lm` stage runs.

    lmrepro stage lmrepro.common.pretrain_lm --paper lexical_specialization --section pretrain_mlm --scale small \
        --seed 0 --in data=data/small/lexical_specialization/seed0/prep \
        --out model=results/small/lexical_specialization/runs/seed0/base --out metrics=.../pretrain_mlm.json
    (ci: --scale ci; paper: not run, the base is the hub's mBERT / XLM-R)

One corpus sentence per row, [CLS] sentence [SEP] cut to `mlm.max_len`, BERT masking (15%, 80/10/10) drawn afresh
at every step from (seed, step).
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.mlm import mlm_mask
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.lexical_specialization.method import tokenize


def corpus_batches(st, tokenizer):
    """get_batch(step) -> {input_ids, attention_mask, labels} over prep's corpus.jsonl."""
    cfg = st.params("mlm")
    texts = [row["text"] for row in read_jsonl(st.inp("data") / "corpus.jsonl")]
    ids, attention = tokenize(tokenizer, texts, cfg.max_len)
    special = torch.isin(ids, torch.tensor(tokenizer.all_special_ids))
    seed = derive_seed(st.seed, "pretrain_mlm")
    rows = shuffled_batches({"ids": ids, "attention_mask": attention, "special": special}, cfg.batch_size, seed)

    def get_batch(step: int) -> dict:
        batch = rows(step)
        width = int(batch["attention_mask"].sum(dim=1).max())
        generator = torch.Generator().manual_seed(derive_seed(seed, "mask", step))
        inputs, labels = mlm_mask(batch["ids"][:, :width], batch["special"][:, :width], cfg.mlm_prob,
                                  tokenizer.mask_token_id, len(tokenizer), generator)
        return {"input_ids": inputs, "attention_mask": batch["attention_mask"][:, :width], "labels": labels}

    return get_batch


def mlm_loss_fn(model, batch: dict) -> tuple[torch.Tensor, dict]:
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
    return out.loss, {}


def mlm_loss(st, tokenizer, model):
    """The masked-LM cross-entropy of transformers' BertForMaskedLM."""
    return mlm_loss_fn
