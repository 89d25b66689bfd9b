"""Scoring completions and the preference losses built on it, shared by the alignment papers.

- `completion_batch`: right-padded (prompt + completion) rows whose `loss_mask` is 1 on completion tokens.
- `completion_token_logps`: log pi(y_t | x, y_<t) at every completion position (0 elsewhere), the per-token terms
  that sum to a sequence's log-likelihood; `sequence_logps` sums them.
- `implicit_rewards`: r(x, y) = beta * [log pi(y|x) - log pi_ref(y|x)], per sequence or per token (the DPO
  reward; the SFT model's reward against its base in implicit_reward).
- `dpo_loss`: the sigmoid DPO loss -log sigmoid(r_w - r_l) of Rafailov et al. (2023), with the rewards trl's
  DPOTrainer logs as rewards/chosen and rewards/rejected;
- `dpo_sft_loss`: DPO plus a weighted NLL of the chosen completions (trl loss_type ["sigmoid", "sft"]);
- `exo_pair_loss`: EXO's pairwise loss (Ji et al. 2024, Eq. 16), the reverse KL between the policy's pairwise
  preference softmax(beta * log-ratio) and the smoothed label (1 - eps, eps), as trl's loss_type "exo_pair";
- `odds_ratio_loss` and `orpo_loss`: ORPO (Hong et al. 2024): NLL of the chosen plus beta x -log sigmoid of the
  log odds ratio of the chosen over the rejected, odds from the mean token log-prob, as trl's ORPOTrainer;
- `reward_model_loss`: the Bradley-Terry pairwise loss -log sigmoid(r(y_w) - r(y_l)) of a scalar reward model,
  as trl's RewardTrainer computes it.
- `group_advantages` and `clipped_policy_loss`: the policy-gradient step of GRPO (Shao et al. 2024) as trl's
  GRPOTrainer computes it: rewards normalised within each prompt's group of samples, the PPO clipped surrogate
  per token, plus beta times the k3 estimate of KL(pi || pi_ref).
tests/test_preference.py checks the losses against trl on identical batches.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lmrepro.common.padding import pad_rows


def completion_batch(pairs: list[tuple[list[int], list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded (prompt + completion) rows; `loss_mask` is 1 on completion tokens (EOS included) only."""
    input_ids, attention_mask = pad_rows([p + c for p, c in pairs], pad_id)
    loss_mask = torch.zeros_like(input_ids)
    for i, (p, c) in enumerate(pairs):
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


def dpo_sft_loss(policy_token_logps: torch.Tensor, ref_seq_logps: torch.Tensor, mask: torch.Tensor, beta: float,
                 sft_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Sigmoid DPO plus `sft_weight` x the NLL of the chosen completions (per chosen token over the batch), as trl's
    DPOTrainer computes loss_type=["sigmoid", "sft"] with loss_weights=[1, sft_weight] (LLaMA-Factory's pref_ftx).
    Rows are [chosen; rejected]: `policy_token_logps` and `mask` [2B, T], `ref_seq_logps` [2B]. Returns (loss,
    the DPO part per pair)."""
    seq = (policy_token_logps * mask).sum(-1)
    dpo, _, _ = dpo_loss(*seq.chunk(2), *ref_seq_logps.chunk(2), beta)
    chosen_logps, _ = policy_token_logps.chunk(2)
    chosen_mask, _ = mask.chunk(2)
    return dpo.mean() - sft_weight * chosen_logps[chosen_mask.bool()].mean(), dpo


def exo_pair_loss(chosen_logps: torch.Tensor, rejected_logps: torch.Tensor, ref_chosen_logps: torch.Tensor,
                  ref_rejected_logps: torch.Tensor, beta: float, label_smoothing: float) -> torch.Tensor:
    """Per pair: KL(q || p) with q = (sigmoid(d), sigmoid(-d)), d = beta * (log-ratio chosen - log-ratio rejected),
    and p = (1 - eps, eps); eps must be in (0, 1) (eps 0 is an infinite loss)."""
    if not 0.0 < label_smoothing < 1.0:
        raise ValueError(f"exo_pair needs 0 < label_smoothing < 1, got {label_smoothing}")
    d = beta * ((chosen_logps - ref_chosen_logps) - (rejected_logps - ref_rejected_logps))
    return (torch.sigmoid(d) * (F.logsigmoid(d) - math.log1p(-label_smoothing))
            + torch.sigmoid(-d) * (F.logsigmoid(-d) - math.log(label_smoothing)))


def odds_ratio_loss(chosen_mean_logps: torch.Tensor, rejected_mean_logps: torch.Tensor,
                    beta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Per pair: -beta * log sigmoid(log odds(chosen) - log odds(rejected)), odds(y) = p / (1 - p) with log p the
    mean token log-prob of y; returns (loss, the log odds ratio)."""
    def log1mexp(x: torch.Tensor) -> torch.Tensor:  # log(1 - exp(x)) for x < 0, stable at both ends
        return torch.where(x > -math.log(2), torch.log(-torch.expm1(x)), torch.log1p(-torch.exp(x)))

    chosen, rejected = chosen_mean_logps.float(), rejected_mean_logps.float()
    log_odds = (chosen - rejected) - (log1mexp(chosen) - log1mexp(rejected))
    return -beta * F.logsigmoid(log_odds), log_odds


def orpo_loss(model, batch: dict[str, torch.Tensor], beta: float,
              nll_on_prompt: bool = True) -> tuple[torch.Tensor, dict]:
    """ORPO on rows [chosen; rejected] (`completion_batch`): the mean per-token NLL of the chosen rows (over prompt
    and completion with `nll_on_prompt`, as trl's ORPOTrainer and so PRefLexOR compute it; over the completion
    alone as in the ORPO paper's L_SFT otherwise) plus the mean odds-ratio term. Returns (loss, logs)."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1].float()
    targets = batch["input_ids"][:, 1:]
    token_logps = torch.log_softmax(logits, -1).gather(-1, targets[..., None]).squeeze(-1)
    completion = batch["loss_mask"][:, 1:].to(token_logps.dtype)
    mean_logps = (token_logps * completion).sum(-1) / completion.sum(-1).clamp_min(1.0)
    chosen_mean, rejected_mean = mean_logps.chunk(2)
    nll_mask = (batch["attention_mask"] if nll_on_prompt else batch["loss_mask"])[:, 1:].chunk(2)[0].bool()
    nll = -token_logps.chunk(2)[0][nll_mask].mean()
    ratio_loss, log_odds = odds_ratio_loss(chosen_mean, rejected_mean, beta)
    return nll + ratio_loss.mean(), {"nll": float(nll.detach()), "log_odds": float(log_odds.detach().mean()),
                                     "odds_ratio_loss": float(ratio_loss.detach().mean())}


def reward_model_loss(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> torch.Tensor:
    """Per pair: -log sigmoid(r_w - r_l), the Bradley-Terry negative log-likelihood of the labelled preference."""
    return -F.logsigmoid(chosen_rewards - rejected_rewards)


def group_advantages(rewards: torch.Tensor, group_size: int) -> torch.Tensor:
    """(r - mean of its group) / (std of its group + 1e-4), groups of `group_size` consecutive samples of one prompt
    (trl GRPO, scale_rewards="group"; std unbiased)."""
    grouped = rewards.view(-1, group_size)
    mean = grouped.mean(1).repeat_interleave(group_size)
    std = grouped.std(1).repeat_interleave(group_size)
    return (rewards - mean) / (std + 1e-4)


def clipped_policy_loss(logps: torch.Tensor, old_logps: torch.Tensor, ref_logps: torch.Tensor | None,
                        advantages: torch.Tensor, mask: torch.Tensor, *, epsilon: float = 0.2,
                        beta: float = 0.0, kl_ratio_correction: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO's clipped surrogate per token, -min(rho A, clip(rho, 1 - eps, 1 + eps) A) with rho = pi / pi_old, plus
    beta * (pi_ref / pi - log(pi_ref / pi) - 1), times rho with `kl_ratio_correction` (trl's default
    use_bias_correction_kl: an unbiased reverse-KL gradient); averaged over each sequence's tokens, then over
    sequences (trl GRPO, loss_type="grpo"). Token tensors are [rows, T] with `mask` 1 on completion tokens;
    `advantages` [rows]. Returns (loss, mean per-token KL estimate)."""
    ratio = torch.exp(logps - old_logps)
    adv = advantages.unsqueeze(1)
    per_token = -torch.min(ratio * adv, torch.clamp(ratio, 1 - epsilon, 1 + epsilon) * adv)
    kl = torch.zeros_like(per_token)
    if ref_logps is not None:
        kl = torch.exp(ref_logps - logps) - (ref_logps - logps) - 1
        per_token = per_token + beta * (kl * ratio if kl_ratio_correction else kl)
    mask = mask.to(per_token.dtype)
    loss = ((per_token * mask).sum(-1) / mask.sum(-1).clamp_min(1.0)).mean()
    return loss, (kl * mask).sum() / mask.sum().clamp_min(1.0)
