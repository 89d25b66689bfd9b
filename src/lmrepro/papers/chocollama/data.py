"""Language-model data and metrics for ChocoLlama: token streams, mixed-language batches, bits per character,
tokens per character and length-normalised multiple-choice accuracy.

Sentences are tokenized one by one and joined with EOS into a stream (the paper packs Dutch text); a batch is
`batch_size` blocks of `block_size` tokens at offsets drawn from a generator seeded by (seed, step), so every arm
of a seed sees the same draws. The bases' batches take each row from the NL* stream with probability `nl_frac`,
else from the English stream: same steps, batch and tokens, only the language mix differs (spec: Base-A / B).

Metrics compare models with different tokenizers, so they are per character (spec pitfall: never per token):
- BPC: sum over held-out sentences of -log2 p(tokens of the sentence, then EOS | EOS) / sum of (characters + 1),
  the +1 being the sentence boundary that EOS encodes;
- tokens/char: tokens of the held-out sentences (no special tokens) / their characters;
- QA: per item, the option whose continuation has the highest log-likelihood per character (lm-eval's acc_norm).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch

from lmrepro.common.batches import mixed_blocks, read_lines, token_stream
from lmrepro.common.models import pad_id
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.chocollama.params import LMDataConfig, MixConfig


def read_qa(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def mixed_batches(streams: list[torch.Tensor], probs: list[float], cfg: LMDataConfig, seed: int):
    """get_batch(step): each row a random block of stream i with probability probs[i] (common.batches.mixed_blocks)."""
    return mixed_blocks(streams, probs, cfg.batch_size, cfg.block_size, seed)


def _base_batches(st, tokenizer, nl_frac: float, name: str):
    cfg = st.params("lm_data", LMDataConfig)
    en = token_stream(tokenizer, read_lines(st.inp("data") / "en_train.txt"))
    nl = token_stream(tokenizer, read_lines(st.inp("data") / "nl_train.txt"))
    st.log_metrics({"vocab_size": len(tokenizer), "nl_frac": nl_frac})
    return mixed_batches([en, nl], [1.0 - nl_frac, nl_frac], cfg, derive_seed(st.seed, name))


def base_a_batches(st, tokenizer):
    """Base-A ("Llama-2-like"): spec 98% EN / 2% NL* rows, for lmrepro.common.pretrain_lm."""
    return _base_batches(st, tokenizer, st.params("mix", MixConfig).a_nl_frac, "base_a_batches")


def base_b_batches(st, tokenizer):
    """Base-B ("Llama-3-like"): spec 75% EN / 25% NL* rows, same steps and tokens as Base-A."""
    return _base_batches(st, tokenizer, st.params("mix", MixConfig).b_nl_frac, "base_b_batches")


def nl_batches(tokenizer, sentences: list[str], cfg: LMDataConfig, seed: int):
    """The CPT batches: NL* (paper: Dutch) blocks only."""
    return mixed_batches([token_stream(tokenizer, sentences)], [1.0], cfg, seed)


def _padded(seqs: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(map(len, seqs))
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    return ids, mask


@torch.no_grad()
def continuation_logprobs(model, tokenizer, contexts: list[list[int]], continuations: list[list[int]],
                          batch_size: int = 64) -> list[float]:
    """Sum of log p(continuation tokens | context) (natural log) for each (context, continuation) pair."""
    device = next(model.parameters()).device
    out: list[float] = []
    for i in range(0, len(contexts), batch_size):
        ctx, cont = contexts[i:i + batch_size], continuations[i:i + batch_size]
        ids, mask = _padded([c + x for c, x in zip(ctx, cont)], pad_id(tokenizer))
        logp = torch.log_softmax(model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float(), -1)
        target_logp = logp[:, :-1].gather(-1, ids[:, 1:].to(device).unsqueeze(-1)).squeeze(-1).cpu()
        for row, (c, x) in enumerate(zip(ctx, cont)):
            out.append(float(target_logp[row, len(c) - 1:len(c) - 1 + len(x)].sum()))
    return out


def bits_per_char(model, tokenizer, sentences: list[str]) -> float:
    """Held-out NL* bits per character (each sentence after EOS, then EOS; characters + 1 per sentence)."""
    eos = tokenizer.eos_token_id
    encoded = tokenizer(sentences, add_special_tokens=False)["input_ids"]
    logps = continuation_logprobs(model, tokenizer, [[eos]] * len(sentences), [e + [eos] for e in encoded])
    return -sum(logps) / math.log(2) / sum(len(s) + 1 for s in sentences)


def tokens_per_char(tokenizer, sentences: list[str]) -> float:
    encoded = tokenizer(sentences, add_special_tokens=False)["input_ids"]
    return sum(map(len, encoded)) / sum(map(len, sentences))


def qa_accuracy(model, tokenizer, items: list[dict]) -> float:
    """4-way accuracy: argmax over options of log p(" " + option | EOS + prompt) / characters of " " + option."""
    if not items:
        return float("nan")
    eos = tokenizer.eos_token_id
    contexts, continuations, chars = [], [], []
    for item in items:
        prompt = [eos] + tokenizer.encode(item["prompt"], add_special_tokens=False)
        for option in item["options"]:
            contexts.append(prompt)
            continuations.append(tokenizer.encode(" " + option, add_special_tokens=False))
            chars.append(len(option) + 1)
    scores = np.array(continuation_logprobs(model, tokenizer, contexts, continuations)) / np.array(chars)
    k = len(items[0]["options"])
    picks = scores.reshape(len(items), k).argmax(axis=1)
    return float(np.mean([p == item["answer"] for p, item in zip(picks.tolist(), items)]))
