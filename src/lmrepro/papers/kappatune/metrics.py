"""kappatune's measurements: task accuracy (the verdict word after "verdict"), perplexity of the domain-A text, and
forgetting read at the first evaluation that reaches the accuracy target (spec Small scale / protocol fix).

- `verdict_accuracy`: the share of prompts whose next-token logit of the true label beats the other label's (the
  paper reads a 1-token generation after "Sarcasm:"; with two labels, greedy decoding restricted to them).
- `perplexity`: exp(mean next-token NLL) over every target token (words and EOS) of the lines, as the paper's
  WikiText-2 perplexity.
- `forgetting`: ppl / ppl_before - 1 (spec pilot: the PPL ratio minus 1); `forgetting_at_target`: its value at
  the first evaluated step whose accuracy >= target, NaN (and reached False) when no step does.
"""
from __future__ import annotations

import math

import torch

from lmrepro.common.preference import completion_batch


def lm_rows(tokenizer, texts: list[str]) -> dict[str, torch.Tensor]:
    """BOS + words + EOS per text, right-padded; loss_mask on every target (words and EOS)."""
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    return completion_batch([([bos], tokenizer.encode(t, add_special_tokens=False) + [eos]) for t in texts],
                            tokenizer.pad_token_id)


def prompt_rows(tokenizer, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Left-padded BOS + prompt rows (so the next token is read at the last column), with their attention mask and
    position ids."""
    encoded = [[tokenizer.bos_token_id, *tokenizer.encode(p, add_special_tokens=False)] for p in prompts]
    width = max(map(len, encoded))
    ids = torch.full((len(encoded), width), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)
    for i, row in enumerate(encoded):
        ids[i, width - len(row):] = torch.tensor(row)
        mask[i, width - len(row):] = 1
    positions = (mask.cumsum(-1) - 1).clamp_min(0)
    return ids, mask, positions


@torch.no_grad()
def verdict_accuracy(model, tokenizer, prompts: list[str], labels: list[str], choices: tuple[str, ...]) -> float:
    if len(prompts) != len(labels) or not prompts:
        raise ValueError(f"verdict_accuracy: {len(prompts)} prompts and {len(labels)} labels (need equal, > 0)")
    ids, mask, positions = prompt_rows(tokenizer, prompts)
    logits = model(input_ids=ids, attention_mask=mask, position_ids=positions).logits[:, -1]
    choice_ids = torch.tensor([tokenizer.convert_tokens_to_ids(c) for c in choices])
    predicted = logits[:, choice_ids].argmax(-1)
    truth = torch.tensor([choices.index(label) for label in labels])
    return float((predicted == truth).float().mean())


@torch.no_grad()
def perplexity(model, rows: dict[str, torch.Tensor], batch_size: int = 256) -> float:
    """exp of the token-weighted mean next-token NLL over the loss_mask targets of `rows` (lm_rows)."""
    total, count = 0.0, 0.0
    for start in range(0, rows["input_ids"].size(0), batch_size):
        ids = rows["input_ids"][start:start + batch_size]
        attention = rows["attention_mask"][start:start + batch_size]
        target_mask = rows["loss_mask"][start:start + batch_size][:, 1:].float()
        logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1),
                                                reduction="none").view_as(target_mask)
        total += float((nll * target_mask).sum())
        count += float(target_mask.sum())
    return math.exp(total / count)


def forgetting(ppl: float, ppl_before: float) -> float:
    if ppl_before <= 0:
        raise ValueError(f"forgetting: the perplexity before fine-tuning must be > 0, got {ppl_before}")
    return ppl / ppl_before - 1.0


def forgetting_at_target(evals: dict[int, dict], target: float) -> tuple[float, int | None]:
    """(forgetting, step) at the first evaluated step (ascending) whose task accuracy >= target; (nan, None) if none.
    `evals`: step -> {"task_acc", "forgetting", ...}."""
    for step in sorted(evals):
        if evals[step]["task_acc"] >= target:
            return evals[step]["forgetting"], step
    return math.nan, None
