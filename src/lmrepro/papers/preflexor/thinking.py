"""The thinking format (paper §2, spec Method and Pitfalls) and Phase II's answer-only mask.

A thinking arm's prompt is the question + " use <|thinking|> ." + the opening <|thinking|> (the paper prefixes
generation with it at inference; we do so in training too, so both see one format); its completion is the
thinking span, <|/thinking|>, the answer and EOS. The direct arm's prompt is the question, its completion the
answer and EOS.
"""
from __future__ import annotations

import torch

THINK, END_THINK, REFLECT, END_REFLECT = "<|thinking|>", "<|/thinking|>", "<|reflect|>", "<|/reflect|>"
SPECIAL_TOKENS = (THINK, END_THINK, REFLECT, END_REFLECT)
PROMPT_WORDS = ("use",)  # the instruction word that prep adds to the base vocabulary


def prompt_ids(tokenizer, question: str, think: bool) -> list[int]:
    text = f"{question} use {THINK} . {THINK}" if think else question
    return [tokenizer.bos_token_id] + tokenizer.encode(text, add_special_tokens=False)


def completion_ids(tokenizer, thinking: str | None, answer: str) -> list[int]:
    text = answer if thinking is None else f"{thinking} {END_THINK} {answer}"
    return tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]


def completion_words(tokenizer, ids: list[int]) -> list[str]:
    """Generated ids -> words, EOS and anything after it dropped (word-level: one word per id)."""
    if tokenizer.eos_token_id in ids:
        ids = ids[:ids.index(tokenizer.eos_token_id)]
    return tokenizer.convert_ids_to_tokens(ids)


def answer_only_mask(batch: dict[str, torch.Tensor], end_think_id: int) -> dict[str, torch.Tensor]:
    """Phase II's "dynamic answer comparison": completion labels at and before the last <|/thinking|> are masked,
    so only the final answer (and EOS) is compared. A row without <|/thinking|> keeps its whole completion (its
    answer is all of it, as the evaluation parses it)."""
    mask = batch["loss_mask"].clone()
    for i in range(mask.size(0)):
        hits = ((batch["input_ids"][i] == end_think_id) & batch["loss_mask"][i].bool()).nonzero()
        if len(hits):
            mask[i, :int(hits[-1]) + 1] = 0
    return {**batch, "loss_mask": mask}


def tokens_after_last(ids: list, token) -> int:
    """How many of `ids` (ids or words) follow the last `token` (all of them when it is absent)."""
    return ids[::-1].index(token) if token in ids else len(ids)
