"""implicit_reward's data views and measurements, shared by its stages.

- Text -> ids: a prompt is BOS + its words; a response is its words + EOS (`prompt_ids`, `response_ids`).
- Rows: `sft_rows` (loss on the response only), `pair_rows` (chosen rows then rejected rows, for DPO and ranking);
  the base's pretraining batches are the shared `lmrepro.common.batches:sentence_batches`.
- `token_kl`: KL(pi || pi_ref) of the next-token distributions at each response position, averaged (spec metric a).
- `rank_accuracy`: the share of pairs whose chosen response scores higher (spec metric c: the SFT model's implicit
  reward log pi_SFT/pi_base vs its raw log-likelihood log pi_SFT).
- `credit_hits`: for pairs differing in one token, whether the largest per-token implicit-reward difference falls
  on that token (spec metric d, the "logits as Q" reading of SFT).
"""
from __future__ import annotations

import torch

from lmrepro.common.models import pad_id
from lmrepro.common.preference import completion_batch, completion_token_logps


def prompt_ids(tokenizer, text: str) -> list[int]:
    return [tokenizer.bos_token_id] + tokenizer.encode(text, add_special_tokens=False)


def response_ids(tokenizer, text: str) -> list[int]:
    return tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]


def sft_rows(tokenizer, rows: list[dict]) -> dict[str, torch.Tensor]:
    return completion_batch([(prompt_ids(tokenizer, r["prompt"]), response_ids(tokenizer, r["response"]))
                             for r in rows], pad_id(tokenizer))


def pair_rows(tokenizer, pairs: list[dict]) -> dict[str, torch.Tensor]:
    """2n rows: every pair's chosen response first, then every rejected one, padded to one width."""
    side = [(prompt_ids(tokenizer, p["prompt"]), response_ids(tokenizer, p[key]))
            for key in ("chosen", "rejected") for p in pairs]
    return completion_batch(side, pad_id(tokenizer))  # Llama 3 ships no pad token


@torch.no_grad()
def batched(fn, rows: dict[str, torch.Tensor], batch_size: int = 256) -> torch.Tensor:
    """fn(sub-batch) over `rows` in chunks, concatenated along the first dimension (eval only)."""
    n = rows["input_ids"].size(0)
    return torch.cat([fn({k: v[i:i + batch_size] for k, v in rows.items()}) for i in range(0, n, batch_size)])


def token_logps(model, rows: dict[str, torch.Tensor]) -> torch.Tensor:
    model.eval()
    return batched(lambda b: completion_token_logps(model, b), rows)


@torch.no_grad()
def token_kl(model, ref, rows: dict[str, torch.Tensor]) -> float:
    """Mean over response positions of KL(pi(. | x, y_<t) || pi_ref(. | x, y_<t)), teacher-forced on `rows`."""
    model.eval()
    ref.eval()

    def kl(b: dict) -> torch.Tensor:
        logp = torch.log_softmax(model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits[:, :-1]
                                 .float(), -1)
        ref_logp = torch.log_softmax(ref(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits[:, :-1]
                                     .float(), -1)
        per_pos = (logp.exp() * (logp - ref_logp)).sum(-1)
        mask = b["loss_mask"][:, 1:].float()
        return torch.stack([(per_pos * mask).sum(), mask.sum()])[None]

    totals = batched(kl, rows).sum(0)
    return float(totals[0] / totals[1])


def rank_accuracy(scores: torch.Tensor) -> float:
    """scores [2n] in pair_rows order: the share of pairs whose chosen score is strictly higher."""
    chosen, rejected = scores.chunk(2)
    return float((chosen > rejected).float().mean())


def credit_hits(token_rewards: torch.Tensor, rows: dict[str, torch.Tensor], diff_tokens: list[int]) -> list[bool]:
    """Per single-fact pair: does argmax_t |r_t(chosen) - r_t(rejected)| over the response land on the differing
    token? `token_rewards` [2n, T-1] in pair_rows order; `diff_tokens[i]` indexes pair i's response words."""
    chosen, rejected = token_rewards.chunk(2)
    mask = rows["loss_mask"][:, 1:].chunk(2)[0].bool()
    gap = (chosen - rejected).abs().masked_fill(~mask, -1.0)
    first = mask.float().argmax(-1)  # the first response position (a shifted index)
    return [int(g.argmax()) == int(f) + d for g, f, d in zip(gap, first, diff_tokens)]
