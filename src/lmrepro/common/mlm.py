"""BERT's masked-LM corruption for papers that pretrain an encoder from their own batches (pcp,
lexical_specialization): draw for draw as transformers' `DataCollatorForLanguageModeling.torch_mask_tokens`, but
on an explicit generator, so a batch is a pure function of (seed, step)."""
from __future__ import annotations

import torch


def mlm_mask(input_ids: torch.Tensor, no_mask: torch.Tensor, mlm_prob: float, mask_id: int, vocab_size: int,
             generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`mlm_prob` of the tokens outside `no_mask` become targets, of which 80% -> mask token, 10% -> a random
    token, 10% kept. Returns (inputs, labels with -100 off target)."""
    inputs, labels = input_ids.clone(), input_ids.clone()
    probability = torch.full(labels.shape, mlm_prob)
    probability.masked_fill_(no_mask.bool(), 0.0)
    masked = torch.bernoulli(probability, generator=generator).bool()
    labels[~masked] = -100
    replaced = torch.bernoulli(torch.full(labels.shape, 0.8), generator=generator).bool() & masked
    inputs[replaced] = mask_id
    randomised = torch.bernoulli(torch.full(labels.shape, 0.5), generator=generator).bool() & masked & ~replaced
    random_ids = torch.randint(vocab_size, labels.shape, dtype=torch.long, generator=generator)
    inputs[randomised] = random_ids[randomised]
    return inputs, labels
