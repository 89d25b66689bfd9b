"""DPO on the preference pairs, starting from one arm's SFT model, which is also the reference (spec DAG step 5).

    lmrepro stage implicit_reward.dpo --scale small --seed 0 --set arms.arm=low \
        --in data=data/small/implicit_reward/seed0/prep --in sft=results/small/implicit_reward/runs/seed0/sft_low \
        --out model=results/small/implicit_reward/runs/seed0/dpo_low --out metrics=...

Sigmoid DPO (`lmrepro.common.preference.dpo_loss`, checked against trl's DPOTrainer): loss = -log sigmoid(r_w - r_l)
with r = beta * log(pi / pi_ref) summed over response tokens. The reference is frozen, so its log-probs are
computed once before training (trl's `precompute_ref_log_probs`). Both arms run the same pairs, order, steps and
lr: the SFT learning rate is the only difference between the pipelines.
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import dpo_loss, sequence_logps
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.implicit_reward.method import batched, pair_rows
from lmrepro.papers.implicit_reward.params import ArmsConfig, DPOConfig


def main() -> None:
    with Stage.from_argv("implicit_reward", "dpo") as st:
        arm = st.params("arms", ArmsConfig).arm
        cfg = st.params("dpo", DPOConfig)
        train_cfg = st.params("dpo_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("sft"))
        pairs = read_jsonl(st.inp("data") / "dpo_pairs.jsonl")
        rows = pair_rows(tokenizer, pairs)
        n = len(pairs)
        reference = load_model(st.inp("sft")).eval()
        ref_logps = batched(lambda b: sequence_logps(reference, b), rows)
        del reference
        pick = shuffled_batches({"pair": torch.arange(n)}, cfg.batch_size, derive_seed(st.seed, "dpo_batches"))

        def get_batch(step: int) -> dict:
            idx = pick(step)["pair"]
            both = torch.cat([idx, idx + n])  # chosen rows, then the same pairs' rejected rows
            return {**{name: t[both] for name, t in rows.items()}, "ref_logps": ref_logps[both]}

        def loss_fn(model, batch: dict) -> tuple[torch.Tensor, dict]:
            logps = sequence_logps(model, batch)
            chosen, rejected = logps.chunk(2)
            ref_chosen, ref_rejected = batch["ref_logps"].chunk(2)
            loss, r_w, r_l = dpo_loss(chosen, rejected, ref_chosen, ref_rejected, cfg.beta)
            return loss.mean(), {"rewards/chosen": r_w.mean(), "rewards/rejected": r_l.mean(),
                                 "rewards/accuracy": (r_w > r_l).float().mean()}

        seed_everything(derive_seed(st.seed, "dpo"))
        model = load_model(st.inp("sft"))
        result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"implicit_reward dpo [{arm}]")
        st.log_metrics({"final_loss": result["loss"], "n_pairs": n})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
