"""Train one arm from scratch on the fact corpus: standard (forward order), tokrev (word-level reversal), spt (gold
semantic chunks in original / reversed / permuted order) or spt_random (SPT over random chunk boundaries).
Paper §3 (SPT) and §4 baselines; spec: Small scale / Arms.

    lmrepro stage spt.train --scale small --seed 0 --set run.arm=spt \
        --in facts=data/small/spt/seed0/facts --out model=results/small/spt/runs/seed0/spt --out metrics=...

Orders are re-drawn at every step (a pure function of seed, arm and step), never fixed once offline; every arm
starts from the same initial weights and sees the same facts in the same order.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import build_model, load_tokenizer, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
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


def main() -> None:
    with Stage.from_argv("spt", "train") as st:
        run = st.params("run", RunConfig)
        arms = st.params("arms", ArmsConfig)
        train_cfg = st.params("train", TrainConfig)
        model_spec = st.params("model", dict)
        tokenizer = load_tokenizer(st.inp("facts") / "tokenizer")
        facts = read_jsonl(st.inp("facts") / "facts.jsonl")
        seed_everything(derive_seed(st.seed, "init"))  # the same initial weights in every arm
        model = build_model(model_spec, tokenizer=tokenizer)
        data_seed = derive_seed(st.seed, "data")  # the same fact draws in every arm; only the orders differ
        result = train(model, causal_lm_loss, batch_fn(facts, tokenizer, run.arm, arms, data_seed), train_cfg,
                       out_dir=st.out("model"), log=st.log_curve, tokenizer=tokenizer, desc=f"spt {run.arm}")
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model), "steps": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
