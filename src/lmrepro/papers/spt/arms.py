"""Each arm's training data (paper §3 SPT and §4 baselines; spec: Small scale / Arms): facts in the arm's order,
for the shared stage `lmrepro.common.pretrain_lm` (config `pretrain_lm`), which trains one arm from scratch:

    lmrepro stage lmrepro.common.pretrain_lm --paper spt --scale small --seed 0 --set run.arm=spt \
        --in data=data/small/spt/seed0/facts --out model=results/small/spt/runs/seed0/spt --out metrics=...

Arms: standard (forward order), tokrev (word-level reversal), spt (gold semantic chunks in original / reversed /
permuted order) or spt_random (SPT over random chunk boundaries). Orders are re-drawn at every step (a pure
function of seed, arm and step), never fixed once offline; every arm starts from the same initial weights and
sees the same facts in the same order.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.spt.method import random_chunks, spt_sequence, token_reversal
from lmrepro.papers.spt.params import ArmsConfig, RunConfig


def batch_fn(facts: list[dict], tokenizer, arm: str, arms: ArmsConfig, seed: int):
    """get_batch(step): batch_size facts (a seeded draw per step), each in the arm's order, as BOS + word ids."""
    vocab = tokenizer.get_vocab()

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rng = random.Random(seed * 1_000_003 + step)
        rows = []
        for fact in rng.choices(facts, k=arms.batch_size):
            chunks = fact["chunks"]
            if arm == "tokrev":
                words = token_reversal(chunks, arms.tokrev_p, rng)
            elif arm in ("spt", "spt_random"):
                words = spt_sequence(random_chunks(chunks, rng) if arm == "spt_random" else chunks, arms.spt_probs, rng)
            else:
                words = [w for chunk in chunks for w in chunk]
            rows.append([tokenizer.bos_token_id] + [vocab[w] for w in words])
        return {"input_ids": torch.tensor(rows)}

    return get_batch


def arm_batches(st, tokenizer):
    """The arm named by `run.arm`: the same fact draws in every arm (one data seed); only the orders differ."""
    run = st.params("run", RunConfig)
    arms = st.params("arms", ArmsConfig)
    facts = read_jsonl(st.inp("data") / "facts.jsonl")
    return batch_fn(facts, tokenizer, run.arm, arms, derive_seed(st.seed, "data"))
