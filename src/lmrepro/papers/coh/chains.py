"""Chain of Hindsight's data and losses (paper §2; official repo coh/data/hf_data.py and coh/coh_train.py).

A chain is a list of segments (text, supervised): the query x, feedback phrases and answers. Only model-output
segments (the answers) are supervised: the query and the feedback phrases have loss mask 0 (the mask the authors
call essential, repo issue #5). Chain families (feedback phrases in world words, `lmrepro.worlds.feedback`):
- single: x, "a good answer :", y+   or   x, "a bad answer :", y-
- ordered pair: x, "a bad answer :", y-, "a good answer :", y+   (or the mirrored order, good first)
The comparison-question family of the repo (both answers, then "which is better", answered "first"/"second")
is not built: its answer words are not in the world's answer language and it supervises no answer tokens.

The baselines (paper §4) reuse the same pairs:
- sft_pos: x -> y+;  sft_all: x -> y+ and x -> y- (no feedback);  c_sft: x, feedback, y (one answer per row);
- sft_u: x -> y+ with NLL, plus unlikelihood -log(1 - p(y-_t | ...)) on y- tokens (Welleck et al. 2020).
Random context masking (paper §2.2): a small share of non-target positions is hidden from attention in training,
so that the model cannot copy y+ from y- in a pair chain.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.worlds.feedback import FEEDBACK

GOOD, BAD = FEEDBACK["good"], FEEDBACK["bad"]


def chain(prompt: str, chosen: str, rejected: str, rng: random.Random, p_pair: float) -> list[tuple[str, bool]]:
    """One CoH chain for a pair: an ordered pair (either order) with probability p_pair, else a single answer."""
    if rng.random() < p_pair:
        first, second = ((BAD, rejected), (GOOD, chosen)) if rng.random() < 0.5 else ((GOOD, chosen), (BAD, rejected))
        return [(prompt, False), (first[0], False), (first[1], True), (second[0], False), (second[1], True)]
    phrase, answer = (GOOD, chosen) if rng.random() < 0.5 else (BAD, rejected)
    return [(prompt, False), (phrase, False), (answer, True)]


def method_rows(method: str, pairs: list[dict], rng: random.Random, p_pair: float) -> list[list[tuple[str, bool]]]:
    """Each arm's training sequences as segment lists (sft_u's y- rows are built by `unlikelihood_rows`)."""
    rows = []
    for p in pairs:
        x, yp, yn = p["prompt"], p["chosen"], p["rejected"]
        if method in ("sft_pos", "sft_u"):
            rows.append([(x, False), (yp, True)])
        elif method == "sft_all":
            rows += [[(x, False), (yp, True)], [(x, False), (yn, True)]]
        elif method == "c_sft":
            rows += [[(x, False), (GOOD, False), (yp, True)], [(x, False), (BAD, False), (yn, True)]]
        elif method == "coh":
            rows.append(chain(x, yp, yn, rng, p_pair))
        else:
            raise ValueError(f"unknown method {method!r}")
    return rows


def encode_segments(tokenizer, segments: list[tuple[str, bool]]) -> tuple[list[int], list[int]]:
    """BOS + the segments' words + EOS; mask 1 on supervised segments' tokens and on the final EOS."""
    ids, mask = [tokenizer.bos_token_id], [0]
    for text, supervised in segments:
        words = tokenizer.encode(text, add_special_tokens=False)
        ids += words
        mask += [int(supervised)] * len(words)
    return ids + [tokenizer.eos_token_id], mask + [1]


def segment_batch(tokenizer, rows: list[list[tuple[str, bool]]], max_len: int = 0) -> dict[str, torch.Tensor]:
    """Padded rows (pad_id: hub tokenizers such as GPT-J's have no pad token); with max_len > 0, a longer row keeps
    its last max_len tokens (real dialogues can exceed the context; the answers are at the end)."""
    encoded = [encode_segments(tokenizer, r) for r in rows]
    if max_len > 0:
        encoded = [(ids[-max_len:], mask[-max_len:]) for ids, mask in encoded]
    input_ids, attention_mask = pad_rows([ids for ids, _ in encoded], pad_id(tokenizer))
    loss_mask = torch.zeros_like(input_ids)
    for i, (ids, mask) in enumerate(encoded):
        loss_mask[i, :len(ids)] = torch.tensor(mask)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "loss_mask": loss_mask}


def mask_context(batch: dict[str, torch.Tensor], frac: float, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Hide a random `frac` of the real, unsupervised positions after BOS from attention (paper §2.2)."""
    if frac <= 0:
        return batch
    hideable = (batch["attention_mask"] == 1) & (batch["loss_mask"] == 0)
    hideable[:, 0] = False  # BOS stays: every position needs one key to attend to
    hide = hideable & (torch.rand(hideable.shape, generator=generator) < frac)
    return {**batch, "attention_mask": batch["attention_mask"].masked_fill(hide, 0)}


def unlikelihood_loss(logits: torch.Tensor, input_ids: torch.Tensor, loss_mask: torch.Tensor) -> torch.Tensor:
    """Mean over masked targets of -log(1 - p(target)) (Welleck et al. 2020, token-level unlikelihood)."""
    probs = torch.softmax(logits[:, :-1].float(), -1).gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    mask = loss_mask[:, 1:].to(probs.dtype)
    return (-torch.log1p(-probs.clamp(max=1 - 1e-6)) * mask).sum() / mask.sum().clamp_min(1.0)
