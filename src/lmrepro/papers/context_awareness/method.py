"""The paper's method pieces: the user-attention ratio of a probe model (paper §4.1; official
analyse_dataset/utils.py::get_batch_user_attention), indicator insertion (process_dataset.py::modify_prompt), NIH
scoring (the harness's subword_match) and batched greedy answers.

User-attention ratio of one assistant response: at attention layer `layer`, for each response token (the first
token after the assistant tag through EOS), sum the attention weights on user-content tokens (role tags, BOS,
EOS and padding excluded), take the max over heads, and average over the response tokens. It is not a mean over
heads and not normalised by the user turn's length (spec Pitfalls).
"""
from __future__ import annotations

import torch

from lmrepro.common.models import pad_id


def role_masks(input_ids: torch.Tensor, user_id: int, assistant_id: int, attention_mask: torch.Tensor
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """(user, response) boolean masks of single-turn rows `<bos> <u> user... <a> response... <eos> <pad>...`:
    user = strictly between the user and assistant tags, response = after the assistant tag (padding excluded)."""
    if not ((input_ids == user_id).sum(1) == 1).all() or not ((input_ids == assistant_id).sum(1) == 1).all():
        raise ValueError("each row must hold exactly one user tag and one assistant tag")
    pos = torch.arange(input_ids.size(1)).unsqueeze(0)
    u = (input_ids == user_id).float().argmax(1, keepdim=True)
    a = (input_ids == assistant_id).float().argmax(1, keepdim=True)
    if not (u < a).all():
        raise ValueError("the user tag must come before the assistant tag")
    valid = attention_mask.bool()
    return (pos > u) & (pos < a) & valid, (pos > a) & valid


def user_attention_ratio(attention: torch.Tensor, user_mask: torch.Tensor, response_mask: torch.Tensor
                         ) -> torch.Tensor:
    """[batch]: attention (batch, heads, query, key) of one layer -> mean over response queries of the max over
    heads of the attention mass on user keys."""
    mass = (attention * user_mask[:, None, None, :].to(attention.dtype)).sum(-1)  # (batch, heads, query)
    per_token = mass.max(1).values                                                  # (batch, query)
    weights = response_mask.to(per_token.dtype)
    counts = weights.sum(1)
    if (counts == 0).any():
        raise ValueError("user_attention_ratio: a row has no response token")
    return (per_token * weights).sum(1) / counts


@torch.no_grad()
def score_conversations(model, tokenizer, pairs: list[tuple[list[int], list[int]]], layer: int,
                        batch_size: int) -> list[float]:
    """The user-attention ratio of each (prompt ids, response ids) pair under `model` (eager attention)."""
    from lmrepro.common.preference import completion_batch

    user_id, assistant_id = tokenizer.convert_tokens_to_ids(["<u>", "<a>"])
    n_layers = model.config.num_hidden_layers
    if not 0 <= layer < n_layers:
        raise ValueError(f"score.layer {layer} out of range: the probe has layers 0..{n_layers - 1}")
    model.eval()
    scores: list[float] = []
    for i in range(0, len(pairs), batch_size):
        batch = completion_batch(pairs[i:i + batch_size], pad_id(tokenizer))
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_attentions=True)
        user, response = role_masks(batch["input_ids"], user_id, assistant_id, batch["attention_mask"])
        scores += user_attention_ratio(out.attentions[layer].float(), user, response).tolist()
    return scores


def with_indicator(user: str, score: float, threshold: float, indicator: str) -> str:
    """modify_prompt: the user turn with " [IND]" appended when its response's ratio exceeds the threshold (a
    turn ending in a letter or digit first gets a full stop, as the official code does)."""
    if score <= threshold:
        return user
    if user and user[-1].isalnum():
        user += " ."
    return f"{user} {indicator}"


def subword_match(response: str, words: list[str]) -> float:
    """The NIH harness's score: the share of validation words present in the response (here: as whole words,
    since our vocabulary is word-level)."""
    if not words:
        raise ValueError("subword_match needs at least one validation word")
    present = set(response.split())
    return sum(w in present for w in words) / len(words)


@torch.no_grad()
def greedy_answers(model, tokenizer, prompts: list[list[int]], max_new_tokens: int, batch_size: int) -> list[str]:
    """Greedy continuations (decoded, EOS dropped) of each prompt."""
    from lmrepro.common.generation import generate

    ids, _ = generate(model, tokenizer, prompts, max_new_tokens=max_new_tokens, temperature=0.0, seed=0,
                      batch_size=batch_size)
    eos = tokenizer.eos_token_id
    return [tokenizer.decode([t for t in row if t != eos]) for row in ids]


def first_sentence(text: str) -> str:
    """The response up to its first full stop (a plain-format model goes on with the next question)."""
    words = text.split()
    return " ".join(words[:words.index(".") + 1] if "." in words else words)
