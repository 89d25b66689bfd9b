"""RMT's method pieces (spec: Method), shared by its stages. Each is a small pure function with a unit test.

- `topk_entropy` / `entropy_bins`: token difficulty from a fixed proxy LM, H_t = -sum_{v in top-k} q log q, binned
  at the RPT cuts (0.5 / 1.0 / 1.5): bin 0 "trivial" (dropped from RL), 1 easy, 2 medium, 3 hard.
- `prefix_match_reward`: RPT's reward, 1 iff the answer is an exact prefix of the ground-truth continuation that
  ends on a token boundary (a strict sub-token prefix earns 0).
- `token_budget` / `length_reward` / `rmt_reward` (RMT component 1): B_t = max(B_min, B_0 gamma^(k t / T)); a
  triangular length reward, 1 up to B_t and 0 at 2 B_t, gated by correctness: r = r_match (1 + lambda r_len).
- `curriculum_probs` (RMT component 2): p_t(b) ∝ exp(-(b - mu_t)^2 / 2 sigma^2) over the curriculum's bins, mu_t
  rising linearly from the easiest to the hardest bin.
- `group_advantages` / `grpo_loss`: GRPO with group-normalised advantages (r - mean) / (std + eps) (unbiased std
  and eps = 1e-4, as trl), zero-variance groups skipped, PPO-clip ratio, token mean per rollout then mean over
  rollouts, no KL (trl's `loss_type="grpo"`, beta = 0).
- `ntp_loss` (RMT component 3): mean next-token NLL on corpus rows only (never on rollouts).
- `sample_completions` / `completion_logprobs`: batched sampling from the policy and the log-probs the loss needs.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lmrepro.common.padding import pad_rows


# -- token difficulty --------------------------------------------------------------------------------------------
def topk_entropy(logits: torch.Tensor, k: int) -> torch.Tensor:
    """H = -sum over the k most likely tokens of q log q (RPT: k = 16), q the full softmax (not renormalised)."""
    logq = F.log_softmax(logits.float(), dim=-1)
    top = logq.topk(min(k, logq.size(-1)), dim=-1).values
    return -(top.exp() * top).sum(-1)


def entropy_bins(entropy: torch.Tensor, edges: list[float]) -> torch.Tensor:
    """Bin index per entropy: 0 below edges[0], i for edges[i-1] <= H < edges[i], len(edges) at or above the last."""
    return torch.bucketize(entropy, torch.tensor(edges, dtype=entropy.dtype), right=True)


# -- rewards -----------------------------------------------------------------------------------------------------
def prefix_match_reward(prediction: str, gold_tokens: list[str]) -> float:
    """1 iff `prediction` is a non-empty byte prefix of the concatenated ground-truth tokens AND its length is one
    of their cumulative token boundaries (RPT's prefix-matching reward); `gold_tokens` are the decoded strings of
    the continuation's tokens, leading spaces included."""
    pred = prediction.encode("utf-8")
    gold = "".join(gold_tokens).encode("utf-8")
    if not pred or not gold.startswith(pred):
        return 0.0
    boundaries, total = set(), 0
    for tok in gold_tokens:
        total += len(tok.encode("utf-8"))
        boundaries.add(total)
    return 1.0 if len(pred) in boundaries else 0.0


def token_budget(step: int, total_steps: int, b0: float, b_min: float, gamma: float, k: float) -> float:
    """B_t = max(B_min, B_0 * gamma^(k * t/T)), t/T = step / (total_steps - 1): the last step sees B_0 gamma^k."""
    progress = step / max(1, total_steps - 1)
    return max(b_min, b0 * gamma ** (k * progress))


def length_reward(length: int, budget: float) -> float:
    """Triangular: 1 for length <= B, falling linearly to 0 at 2B."""
    if length <= budget:
        return 1.0
    return max(0.0, 1.0 - (length - budget) / budget)


def rmt_reward(match: float, length: int, budget: float | None, lambda_len: float) -> float:
    """r = r_match * (1 + lambda_len * r_len(l; B_t)); the length term is gated by correctness so that short but
    wrong answers earn nothing. `budget=None` (no budget): r = r_match."""
    if budget is None:
        return match
    return match * (1.0 + lambda_len * length_reward(length, budget))


# -- curriculum --------------------------------------------------------------------------------------------------
def curriculum_probs(progress: float, n_bins: int, sigma: float, available: list[bool] | None = None) -> list[float]:
    """p_t(b) ∝ exp(-(b - mu_t)^2 / (2 sigma^2)), mu_t = progress * (n_bins - 1); bins with no positions get 0."""
    mu = min(max(progress, 0.0), 1.0) * (n_bins - 1)
    weights = [math.exp(-((b - mu) ** 2) / (2 * sigma ** 2)) for b in range(n_bins)]
    if available is not None:
        weights = [w if ok else 0.0 for w, ok in zip(weights, available)]
    total = sum(weights)
    if total <= 0:
        raise ValueError("curriculum: no bin has any position to sample")
    return [w / total for w in weights]


# -- GRPO --------------------------------------------------------------------------------------------------------
def group_advantages(rewards: torch.Tensor, group_size: int, eps: float = 1e-4) -> tuple[torch.Tensor, torch.Tensor]:
    """A_i = (r_i - mean_G r) / (std_G r + eps) per group of `group_size` consecutive rollouts (unbiased std, as
    trl); returns (advantages, keep) where keep is False for the rollouts of zero-variance groups (skipped)."""
    grouped = rewards.view(-1, group_size)
    mean = grouped.mean(dim=1, keepdim=True)
    std = grouped.std(dim=1, keepdim=True, unbiased=True)
    adv = ((grouped - mean) / (std + eps)).view(-1)
    keep = (std > 0).expand_as(grouped).reshape(-1)
    return torch.where(keep, adv, torch.zeros_like(adv)), keep


def grpo_loss(logps: torch.Tensor, old_logps: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor,
              clip_eps: float = 0.2) -> torch.Tensor:
    """PPO-clip surrogate with per-rollout advantages, token mean per rollout, mean over rollouts (beta_KL = 0).
    logps/old_logps/mask: (B, T) over completion tokens; advantages: (B,)."""
    ratio = torch.exp(logps - old_logps)
    adv = advantages.unsqueeze(1)
    per_token = -torch.min(ratio * adv, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * adv)
    return ((per_token * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()


def ntp_loss(model, input_ids: torch.Tensor) -> torch.Tensor:
    """Mean next-token NLL over every corpus token of equal-length rows (the spec's sum, normalised per token)."""
    logits = model(input_ids=input_ids).logits[:, :-1]
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), input_ids[:, 1:].reshape(-1))


# -- sampling ----------------------------------------------------------------------------------------------------
@torch.no_grad()
def sample_completions(model, prompts: list[list[int]], max_new_tokens: int, temperature: float, pad_id: int,
                       stop_after_id: int, generator: torch.Generator | None = None) -> list[list[int]]:
    """Sample (temperature > 0) or greedy-decode completions; each stops one token after `stop_after_id` (the
    answer token after <ans>) or at `max_new_tokens`. Prompts are left-padded with explicit position ids; a KV
    cache keeps each new token's forward pass to one position."""
    ids, mask = pad_rows(prompts, pad_id, left=True)
    out = [[] for _ in prompts]
    done = torch.zeros(len(prompts), dtype=torch.bool)
    after_stop = torch.zeros(len(prompts), dtype=torch.bool)
    step_ids, cache = ids, None
    for _ in range(max_new_tokens):
        pos = (mask.cumsum(1) - 1).clamp(min=0)[:, -step_ids.size(1):]
        result = model(input_ids=step_ids, attention_mask=mask, position_ids=pos, cache=cache,
                       use_cache=True)
        cache = result.cache
        logits = result.logits[:, -1].float()
        if temperature > 0:
            nxt = torch.multinomial(F.softmax(logits / temperature, dim=-1), 1, generator=generator).squeeze(1)
        else:
            nxt = logits.argmax(-1)
        for i in torch.nonzero(~done).flatten().tolist():
            out[i].append(int(nxt[i]))
        done |= after_stop
        after_stop = after_stop | (nxt == stop_after_id)
        if bool(done.all()):
            break
        step_ids = nxt.unsqueeze(1)
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
    return out


def completion_logprobs(model, prompts: list[list[int]], completions: list[list[int]],
                        pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token log-probs of each completion given its prompt, (B, T) right-padded, with the completion mask."""
    seqs = [p + c for p, c in zip(prompts, completions)]
    ids, _ = pad_rows(seqs, pad_id)
    width = ids.shape[1]
    logp = F.log_softmax(model(input_ids=ids).logits[:, :-1].float(), dim=-1)
    token_logp = logp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    t_max = max(len(c) for c in completions)
    mask = torch.tensor([[1.0] * len(c) + [0.0] * (t_max - len(c)) for c in completions])
    index = torch.tensor([[min(len(p) - 1 + j, width - 2) for j in range(t_max)] for p in prompts])
    out = token_logp.gather(1, index) * mask
    return out, mask
