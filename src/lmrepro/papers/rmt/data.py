"""Token-level views of the corpus shared by the rmt stages: document rows, prompts, and the format's token ids."""
from __future__ import annotations

import torch

from lmrepro.common.models import load_model, pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.worlds.arithmetic import ANS, END_THINK, THINK


def format_ids(tokenizer) -> dict[str, int]:
    ids = {name: tokenizer.convert_tokens_to_ids(tok) for name, tok in
           (("think", THINK), ("end_think", END_THINK), ("ans", ANS))}
    missing = [name for name, i in ids.items() if i is None or i == tokenizer.unk_token_id]
    if missing:
        raise ValueError(f"tokenizer lacks the reasoning-format token(s) {missing}: add them before training")
    return ids


def load_policy(path, tokenizer):
    """A policy checkpoint with rows for the added format tokens: a hub base has none, so they are added
    (transformers' mean-initialised rows, untrained: the base never saw the format)."""
    model = load_model(path)
    if model.get_input_embeddings().num_embeddings < len(tokenizer):
        model.resize_token_embeddings(len(tokenizer))
    return model


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def doc_rows(tokenizer, docs: list[dict], max_len: int | None = None) -> torch.Tensor:
    """[bos] + document tokens, one row per document, truncated to `max_len` and right-padded (pad at the end
    never precedes a real token, so a causal model's loss on the real tokens is unaffected)."""
    rows = [[tokenizer.bos_token_id] + encode(tokenizer, d["text"]) for d in docs]
    if max_len is not None:
        rows = [r[:max_len] for r in rows]
    return pad_rows(rows, pad_id(tokenizer))[0]


def prompt(row: torch.Tensor, position: int, think_id: int) -> list[int]:
    """The RL/eval prompt for predicting document token `position` (1-based in the [bos]-prefixed row): the
    context x_<t followed by <think> (the instruction to reason, then answer after <ans>)."""
    return row[:position].tolist() + [think_id]
