"""Train a scalar reward model on the trunk, for one arm (spec DAG: train_rm; paper §5, Mistral CARM).

    lmrepro stage context_pref.train_rm --scale small --seed 0 --set rm.arm=carm \
        --in data=data/small/context_pref/seed0/prep --in base=results/small/context_pref/runs/seed0/trunk \
        --out model=results/small/context_pref/runs/seed0/rm_carm --out metrics=...

Judgments: every training row gives two, (x: a > b) and (y: b > a), plus the context-free general pairs. Each
judgment shows its context with the arm's probability (no_ctx 0, ctx_sparse `p_context_sparse`, carm 1), drawn
once per judgment from the seed, so no_ctx sees every reversal as a contradiction (accuracy 1/2 by construction).
Loss: Bradley-Terry -log sigmoid(r(chosen) - r(rejected)) (`lmrepro.common.preference.reward_model_loss`, checked
against trl's RewardTrainer); r is the trunk's last-token state through a new linear head
(transformers' *ForSequenceClassification, num_labels=1).
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import reward_model_loss
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.context_pref.data import rm_text
from lmrepro.papers.context_pref.params import RMConfig


def judgments(rows: list[dict], general: list[dict]) -> list[tuple[str | None, str, str, str]]:
    """(context, prompt, chosen, rejected) for both directions of every row, then the general pairs."""
    out = []
    for r in rows:
        out += [(r["criterion_x"]["text"], r["prompt"], r["a"], r["b"]),
                (r["criterion_y"]["text"], r["prompt"], r["b"], r["a"])]
    return out + [(None, g["prompt"], g["chosen"], g["rejected"]) for g in general]


def encode_texts(tokenizer, texts: list[str]) -> dict[str, torch.Tensor]:
    enc = tokenizer(texts, padding=True, return_tensors="pt", add_special_tokens=False)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}


def main() -> None:
    with Stage.from_argv("context_pref", "train_rm") as st:
        cfg = st.params("rm", RMConfig)
        train_cfg = st.params("rm_train", TrainConfig)
        data = st.inp("data")
        tokenizer = load_tokenizer(st.inp("base"))
        pairs = judgments(read_jsonl(data / "train_rows.jsonl"), read_jsonl(data / "general.jsonl"))
        shown = random.Random(derive_seed(st.seed, "context_shown"))
        chosen, rejected, n_shown = [], [], 0
        for context, prompt, yes, no in pairs:
            context = context if context is not None and shown.random() < cfg.p_context else None
            n_shown += context is not None
            chosen.append(rm_text(context, prompt, yes))
            rejected.append(rm_text(context, prompt, no))
        both = encode_texts(tokenizer, chosen + rejected)  # one width for both halves
        n = len(pairs)
        rows = {"chosen_ids": both["input_ids"][:n], "chosen_mask": both["attention_mask"][:n],
                "rejected_ids": both["input_ids"][n:], "rejected_mask": both["attention_mask"][n:]}
        get_batch = shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "rm_batches"))

        def loss_fn(model, batch: dict) -> tuple[torch.Tensor, dict]:
            ids = torch.cat([batch["chosen_ids"], batch["rejected_ids"]])
            mask = torch.cat([batch["chosen_mask"], batch["rejected_mask"]])
            r_w, r_l = model(input_ids=ids, attention_mask=mask).logits.squeeze(-1).chunk(2)
            return reward_model_loss(r_w, r_l).mean(), {"accuracy": (r_w > r_l).float().mean()}

        seed_everything(derive_seed(st.seed, "rm_head"))
        model = load_model(st.inp("base"), kind="sequence_classification", num_labels=1)
        result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"context_pref rm [{cfg.arm}]")
        st.log_metrics({"final_loss": result["loss"], "n_judgments": n, "share_with_context": n_shown / n})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
