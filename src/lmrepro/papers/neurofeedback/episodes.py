"""Meta-training batches for the shared LM stage (spec DAG `meta_pretrain`, small only): episodes of
"sentence = label ;" pairs whose label is one attribute with a random polarity, so that the labelling rule must
be inferred in context, and (a share `cued_share`) episodes that name their attribute and keep its polarity.

    lmrepro stage lmrepro.common.pretrain_lm --paper neurofeedback --scale small --seed 0 \
        --in data=data/small/neurofeedback/seed0/prep --out model=results/small/neurofeedback/runs/seed0/lm ...
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.neurofeedback.params import EpisodeConfig
from lmrepro.worlds.attributes import meta_episode


def meta_batches(st, tokenizer):
    cfg = st.params("episodes", EpisodeConfig)
    rows = read_jsonl(st.inp("data") / "train.jsonl")
    seed = derive_seed(st.seed, "episodes")

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rng = random.Random(seed * 1_000_003 + step)
        ids = [[tokenizer.bos_token_id] + tokenizer(meta_episode(rows, cfg.n_pairs, rng, cfg.cued_share),
                                                   add_special_tokens=False)["input_ids"]
               for _ in range(cfg.batch_size)]
        return {"input_ids": torch.tensor(ids)}

    return get_batch
