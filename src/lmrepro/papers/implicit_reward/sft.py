"""SFT of the base on the demonstrations at one of the two learning rates (spec DAG step 4, paper fix 1).

    lmrepro stage implicit_reward.sft --scale small --seed 0 --set arms.arm=low \
        --in data=data/small/implicit_reward/seed0/prep --in base=results/small/implicit_reward/runs/seed0/base \
        --out model=results/small/implicit_reward/runs/seed0/sft_low --out metrics=...
    (paper scale: --in base=<hub snapshot of the 7-8B base>, launched over 8 GPUs)

Both arms see the same rows in the same order for the same steps (`sft` section); only the peak learning rate
differs (`arms.lr_high` / `arms.lr_low`). The paper's reading: SFT's objective has no pull toward pi_ref (its KL
term is constant in the policy), so only the optimiser's step size keeps the model near the base.
"""
from __future__ import annotations

import dataclasses

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.implicit_reward.method import sft_rows
from lmrepro.papers.implicit_reward.params import ArmsConfig


def main() -> None:
    with Stage.from_argv("implicit_reward", "sft") as st:
        arms = st.params("arms", ArmsConfig)
        cfg = dataclasses.replace(st.params("sft", TrainConfig), lr=arms.lr)
        tokenizer = load_tokenizer(st.inp("base"))
        rows = sft_rows(tokenizer, read_jsonl(st.inp("data") / "sft.jsonl"))
        get_batch = shuffled_batches(rows, arms.sft_batch_size, derive_seed(st.seed, "sft_batches"))
        seed_everything(derive_seed(st.seed, "sft"))
        model = load_model(st.inp("base"))
        result = train(model, causal_lm_loss, get_batch, cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"implicit_reward sft [{arms.arm}]")
        st.log_metrics({"final_loss": result["loss"], "lr": cfg.lr, "n_rows": rows["input_ids"].size(0)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
