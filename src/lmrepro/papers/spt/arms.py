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
from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.spt.method import random_chunks, spt_sequence, token_reversal
from lmrepro.papers.spt.params import ArmsConfig, FactsConfig, RunConfig


def text_rows(tokenizer):
    """A hub tokenizer's rows: the reordered words as text, BOS/EOS where the tokenizer has them, right-padded
    into input_ids, attention_mask and loss_mask (the official sentences differ in length)."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (eos or [0])[0]

    def encode(sequences: list[list[str]]) -> dict[str, torch.Tensor]:
        ids, mask = pad_rows([bos + tokenizer(" ".join(words), add_special_tokens=False)["input_ids"] + eos
                              for words in sequences], pad)
        return {"input_ids": ids, "attention_mask": mask, "loss_mask": mask}

    return encode


def batch_fn(facts: list[dict], tokenizer, arm: str, arms: ArmsConfig, seed: int, words: bool = True):
    """get_batch(step): batch_size facts (a seeded draw per step), each in the arm's order, as BOS + word ids
    (the world's word-level tokenizer) or, with `words=False`, as text through a hub tokenizer (`text_rows`)."""
    vocab = tokenizer.get_vocab()
    encode_text = None if words else text_rows(tokenizer)

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rng = random.Random(seed * 1_000_003 + step)
        rows = []
        for fact in rng.choices(facts, k=arms.batch_size):
            chunks = fact["chunks"]
            if arm == "tokrev":
                sequence = token_reversal(chunks, arms.tokrev_p, rng)
            elif arm in ("spt", "spt_random"):
                sequence = spt_sequence(random_chunks(chunks, rng) if arm == "spt_random" else chunks, arms.spt_probs,
                                        rng)
            else:
                sequence = [w for chunk in chunks for w in chunk]
            rows.append(sequence)
        if encode_text is not None:
            return encode_text(rows)
        return {"input_ids": torch.tensor([[tokenizer.bos_token_id] + [vocab[w] for w in r] for r in rows])}

    return get_batch


def arm_batches(st, tokenizer):
    """The arm named by `run.arm`: the same fact draws in every arm (one data seed); only the orders differ."""
    run = st.params("run", RunConfig)
    arms = st.params("arms", ArmsConfig)
    facts = read_jsonl(st.inp("data") / "facts.jsonl")
    words = st.params("facts", FactsConfig).source == "world"
    return batch_fn(facts, tokenizer, run.arm, arms, derive_seed(st.seed, "data"), words=words)
