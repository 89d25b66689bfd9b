"""IRM: policy-gradient training of the MAE+PKT model on the graded rule reward (spec DAG step 4).

    lmrepro stage tl_training.irm --scale small --seed 0 --in data=data/small/tl_training/seed0/prep \
        --in sft=results/small/tl_training/runs/seed0/sft_mae_pkt \
        --out model=results/small/tl_training/runs/seed0/irm --out metrics=results/small/tl_training/runs/seed0/irm.json

Paper §3.3: PPO (DeepSpeed-Chat) with the rule reward at the last token and a KL penalty to the SFT model. Here:
each update samples `samples_per_prompt` calls (T 0.7; the repo rolled out greedily, which gives a group no
spread) for `prompts_per_step` training queries, scores them with `reward.reward`, normalises the rewards
within each query's group (the baseline) and takes one step of the clipped surrogate plus beta x KL to the SFT
model: `lmrepro.common.preference.clipped_policy_loss`, checked against trl's GRPO loss. One step per batch of
rollouts, so the ratio is 1 and the clip is inactive; the loop is the shared `train()` (rollouts come from the
batch function, a pure function of (seed, step, weights), so a resumed run repeats them).
"""
from __future__ import annotations

import torch

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import clipped_policy_loss, completion_batch, completion_token_logps, group_advantages
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.tl_training.data import call_text, turn_samples
from lmrepro.papers.tl_training.params import IRMConfig
from lmrepro.papers.tl_training.reward import reward


def first_call_prompts(tokenizer, trajectories: list[dict]) -> list[dict]:
    """Per trajectory: the prompt ids before its first call, the gold call (its last, error-free call), tools."""
    out = []
    for t in trajectories:
        first = turn_samples(t, mae=False)[0]
        gold = [turn["content"] for turn in t["turns"] if turn["role"] == "assistant" and "(" in turn["content"]][-1]
        out.append({"ids": [tokenizer.bos_token_id] + tokenizer.convert_tokens_to_ids(first["context"]),
                    "gold": gold, "tools": first["tools"]})
    return out


def decode_call(tokenizer, ids: list[int]) -> str:
    pieces = tokenizer.convert_ids_to_tokens([i for i in ids if i not in tokenizer.all_special_ids])
    return call_text(pieces)


def main() -> None:
    with Stage.from_argv("tl_training", "irm") as st:
        cfg = st.params("irm", IRMConfig)
        train_cfg = st.params("irm_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("sft"))
        prompts = first_call_prompts(tokenizer, read_jsonl(st.inp("data") / "trajectories.jsonl"))
        seed_everything(derive_seed(st.seed, "irm"))
        policy = load_model(st.inp("sft"))
        reference = load_model(st.inp("sft")).eval().requires_grad_(False)
        group = cfg.samples_per_prompt

        def get_batch(step: int) -> dict:
            g = torch.Generator().manual_seed(derive_seed(st.seed, f"irm_prompts_{step}"))
            chosen = [prompts[i] for i in torch.randperm(len(prompts), generator=g)[:cfg.prompts_per_step].tolist()
                      for _ in range(group)]
            samples, _ = generate(policy, tokenizer, [p["ids"] for p in chosen], max_new_tokens=cfg.max_new_tokens,
                                  temperature=cfg.temperature, seed=derive_seed(st.seed, f"irm_rollouts_{step}"))
            policy.train()
            rewards = torch.tensor([reward(decode_call(tokenizer, s), p["gold"], p["tools"])
                                    for p, s in zip(chosen, samples)])
            batch = completion_batch([(p["ids"], s) for p, s in zip(chosen, samples)], tokenizer.pad_token_id)
            with torch.no_grad():
                batch["ref_logps"] = completion_token_logps(reference, batch)
            batch["advantages"] = group_advantages(rewards, group)
            batch["reward_mean"] = rewards.mean()
            return batch

        def loss_fn(model, batch: dict):
            logps = completion_token_logps(model, batch)
            loss, kl = clipped_policy_loss(logps, logps.detach(), batch["ref_logps"], batch["advantages"],
                                           batch["loss_mask"][:, 1:], epsilon=cfg.epsilon, beta=cfg.beta)
            return loss, {"kl": kl.detach(), "reward": batch["reward_mean"]}

        result = train(policy, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc="tl_training irm")
        st.log_metrics({"final_loss": result["loss"], "updates": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
