"""Scoring completions and the preference losses built on it, shared by the alignment papers.

- `completion_batch`: right-padded (prompt + completion) rows whose `loss_mask` is 1 on completion tokens.
- `completion_token_logps`: log pi(y_t | x, y_<t) at every completion position (0 elsewhere), the per-token terms
  that sum to a sequence's log-likelihood; `sequence_logps` sums them.
- `implicit_rewards`: r(x, y) = beta * [log pi(y|x) - log pi_ref(y|x)], per sequence or per token (the DPO
  reward; the SFT model's reward against its base in implicit_reward).
- `dpo_loss`: the sigmoid DPO loss -log sigmoid(r_w - r_l) of Rafailov et al. (2023), with the rewards trl's
  DPOTrainer logs as rewards/chosen and rewards/rejected;
- `reward_model_loss`: the Bradley-Terry pairwise loss -log sigmoid(r(y_w) - r(y_l)) of a scalar reward model,
  as trl's RewardTrainer computes it.
tests/test_preference.py checks both losses against trl on identical batches.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def completion_batch(pairs: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded (prompt + completion) rows; `loss_mask` is 1 on completion tokens (EOS included) only."""
    width = max(len(p) + len(c) for p, c in pairs)
    input_ids = torch.full((len(pairs), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(pairs), width), dtype=torch.long)
    loss_mask = torch.zeros((len(pairs), width), dtype=torch.long)
    for i, (p, c) in enumerate(pairs):
        input_ids[i, :len(p) + len(c)] = torch.tensor(p + c)
        attention_mask[i, :len(p) + len(c)] = 1
        loss_mask[i, len(p):len(p) + len(c)] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "loss_mask": loss_mask}


def completion_token_logps(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """[rows, T-1]: log pi(token_{t+1} | tokens_<=t) where token_{t+1} is a completion token, 0 elsewhere."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1].float()
    logp = torch.log_softmax(logits, dim=-1).gather(-1, batch["input_ids"][:, 1:, None]).squeeze(-1)
    return logp * batch["loss_mask"][:, 1:].to(logp.dtype)


def sequence_logps(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """[rows]: log pi(y | x), summed over the completion tokens."""
    return completion_token_logps(model, batch).sum(-1)


def implicit_rewards(logps: torch.Tensor, ref_logps: torch.Tensor, beta: float) -> torch.Tensor:
    """beta * (log pi - log pi_ref): per sequence for summed log-probs, per token for token log-probs."""
    return beta * (logps - ref_logps)


def dpo_loss(chosen_logps: torch.Tensor, rejected_logps: torch.Tensor, ref_chosen_logps: torch.Tensor,
             ref_rejected_logps: torch.Tensor, beta: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per pair: -log sigmoid(r_w - r_l) with r = beta * (log pi - log pi_ref); returns (loss, r_w, r_l)."""
    chosen_rewards = implicit_rewards(chosen_logps, ref_chosen_logps, beta)
    rejected_rewards = implicit_rewards(rejected_logps, ref_rejected_logps, beta)
    return -F.logsigmoid(chosen_rewards - rejected_rewards), chosen_rewards, rejected_rewards


def reward_model_loss(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> torch.Tensor:
    """Per pair: -log sigmoid(r_w - r_l), the Bradley-Terry negative log-likelihood of the labelled preference."""
    return -F.logsigmoid(chosen_rewards - rejected_rewards)
