"""One fine-tuning arm (spec Method, Training; full fine-tune, SFT loss on the target tokens):
- stage1: base + cognition rows (uncertainty-recognition tuning);
- us_tuned: stage1 + Cognition_PSQA (prompt-sensitive tuning with checking and revision) = US-Tuning;
- abl_s2: base + Cognition_PSQA (the stage-2-only ablation);
- us_tuned_faithful: stage1 + Cognition_PSQA with the paper's refusal slice 0.

    lmrepro stage uncertainty_tuning.finetune --scale small --seed 0 --set finetune.arm=us_tuned \
        --in data=data/small/uncertainty_tuning/seed0/prep \
        --in model=results/small/uncertainty_tuning/runs/seed0/stage1 \
        --out model=results/small/uncertainty_tuning/runs/seed0/us_tuned --out metrics=...
    (--scale ci: a few steps; --scale paper: the same on the hub chat model, bf16)
"""
from __future__ import annotations

import random

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.uncertainty_tuning.data import cog_psqa_mix, tokenize_rows
from lmrepro.papers.uncertainty_tuning.params import ARMS, FinetuneConfig, PSQAConfig


def trimmed(get_batch):
    """Batches cut to their longest row (the rows are padded to the longest of the whole set)."""
    def get(step: int) -> dict:
        batch = get_batch(step)
        width = int(batch["attention_mask"].sum(-1).max())
        return {name: t[:, :width] for name, t in batch.items()}

    return get


def main() -> None:
    with Stage.from_argv("uncertainty_tuning", "finetune") as st:
        cfg = st.params("finetune", FinetuneConfig)
        psqa_cfg = st.params("psqa", PSQAConfig)
        _, data_name, with_refusals = ARMS[cfg.arm]
        train_cfg = st.params("stage1_train" if data_name == "cognition" else "stage2_train", TrainConfig)

        data = st.inp("data")
        cognition = read_jsonl(data / "cognition.jsonl")
        if data_name == "cognition":
            rows = cognition
        else:
            refusal_slice = psqa_cfg.refusal_slice if with_refusals else 0.0
            rows = cog_psqa_mix(cognition, read_jsonl(data / "psqa.jsonl"), read_jsonl(data / "psqa_refusal.jsonl"),
                                refusal_slice, random.Random(derive_seed(st.seed, "cog_psqa_mix", cfg.arm)))
        tokenizer = load_tokenizer(st.inp("model"))
        batch = completion_batch(tokenize_rows(tokenizer, rows), tokenizer.pad_token_id)
        if (batch["input_ids"] == tokenizer.unk_token_id).any():
            raise ValueError(f"{cfg.arm}: a training row has a word outside the tokenizer's vocabulary")
        get_batch = trimmed(shuffled_batches(batch, cfg.batch_size, derive_seed(st.seed, "finetune_batches", cfg.arm)))

        seed_everything(derive_seed(st.seed, "finetune", cfg.arm))
        model = load_model(st.inp("model"))
        result = train(model, causal_lm_loss, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"uncertainty_tuning finetune [{cfg.arm}]")
        refusal_rows = sum(r.get("answerable") is False for r in rows)
        st.log_metrics({"final_loss": result["loss"], "n_rows": len(rows), "refusal_rows": refusal_rows,
                        "epochs": train_cfg.steps * cfg.batch_size / len(rows)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
