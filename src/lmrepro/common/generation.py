"""Text generation from a causal LM for the papers' evaluations and self-generated data: batched, seeded.

    responses, finished = generate(model, tokenizer, prompt_ids, max_new_tokens=24, temperature=0.0, seed=0)
    samples, _ = generate(model, tokenizer, prompt_ids, max_new_tokens=40, temperature=0.7, top_p=0.9,
                          banned_ids=[tag_a, tag_b], seed=0)   # nucleus sampling that never emits the tags
"""
from __future__ import annotations

import torch

from lmrepro.common.models import pad_id


@torch.no_grad()
def generate(model, tokenizer, prompts: list[list[int]], *, max_new_tokens: int, temperature: float,
             seed: int, top_p: float = 1.0, banned_ids: list[int] | tuple[int, ...] = (),
             batch_size: int = 512) -> tuple[list[list[int]], list[bool]]:
    """Response ids for each prompt, cut after the first EOS, and whether an EOS came within max_new_tokens.
    temperature 0 = greedy; top_p < 1 = nucleus sampling; `banned_ids` are never generated. Prompts are
    left-padded (with EOS where the tokenizer has no pad token); the sampling RNG is seeded: outputs are a
    function of (model, prompts, seed)."""
    model.eval()
    torch.manual_seed(seed)
    out: list[list[int]] = []
    done: list[bool] = []
    eos = tokenizer.eos_token_id
    pad = pad_id(tokenizer)
    for i in range(0, len(prompts), batch_size):
        chunk = prompts[i:i + batch_size]
        width = max(map(len, chunk))
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in chunk])
        attn = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in chunk])
        kwargs = dict(do_sample=True, temperature=temperature, top_k=0, top_p=top_p) if temperature > 0 \
            else dict(do_sample=False)
        if banned_ids:
            kwargs["bad_words_ids"] = [[i] for i in banned_ids]
        gen = model.generate(input_ids=ids, attention_mask=attn, max_new_tokens=max_new_tokens,
                             eos_token_id=eos, pad_token_id=pad, **kwargs)[:, width:].tolist()
        for row in gen:
            out.append(row[:row.index(eos) + 1] if eos in row else row)
            done.append(eos in row)
    return out, done
