"""CLIMB's three curriculum families as pure tensor functions (paper §3; spec: Method).

- pacing: f(t) rises from `start` to 1.0 between start_frac and end_frac of the steps (shapes of
  google-research/understanding-curricula as ported in CLIMB `src/data_curriculum/pacing_fn.py`);
- vocabulary curriculum: ids above f(t)·V become <unk> (ids are frequency-ordered);
- data curriculum: per-sentence unigram perplexity; batches sampled without replacement from the easiest f(t);
- objective curriculum: word-class masking (0.4 for target classes, 0.15 otherwise, 80/10/10) with class labels.
"""
from __future__ import annotations

import math
from collections import Counter

import torch

from lmrepro.papers.climb.params import Pacing


def pacing_value(p: Pacing, step: int, total_steps: int) -> float:
    """f(step) in [p.start, 1]; start/end are recomputed from the global step count (spec: Pitfalls).

    The shapes are CLIMB's `get_pacing_fn` in the step counted from start_frac: equal to it when start_frac = 0
    (tests/test_climb.py). CLIMB evaluates its formula at the global step, so with start_frac > 0 its f jumps at
    start_frac and reaches 1 at (end_frac - start_frac) of the steps; here f is continuous and reaches 1 at
    end_frac, as the spec's A4 check (no <unk> after 80% of steps) reads it."""
    t0, t1 = p.start_frac * total_steps, p.end_frac * total_steps
    if step <= t0:
        return p.start
    if step >= t1:
        return 1.0
    x = (step - t0) / (t1 - t0)  # progress in (0, 1)
    if p.shape == "linear":
        g = x
    elif p.shape == "quad":
        g = x ** 2
    elif p.shape == "root":
        g = math.sqrt(x)
    elif p.shape == "log":  # fast early growth: 0 at x=0, ~1 at x=1
        g = 1.0 + math.log(x + math.exp(-p.growth)) / p.growth
    elif p.shape == "exp":
        g = (math.exp(p.growth * x) - 1.0) / (math.exp(p.growth) - 1.0)
    else:  # step: stays at `start` until end_frac (CLIMB pacing_fn.py)
        g = 0.0
    return min(1.0, max(p.start, p.start + (1.0 - p.start) * g))


# ---- vocabulary curriculum --------------------------------------------------------------------------------
def vocab_threshold(fraction: float, vocab_size: int) -> int:
    """Largest id kept: ids > f·V map to <unk> (CLIMB token_id_map.py)."""
    return int(fraction * vocab_size)


def map_to_unk(input_ids: torch.Tensor, fraction: float, vocab_size: int, unk_id: int) -> torch.Tensor:
    return torch.where(input_ids > vocab_threshold(fraction, vocab_size), torch.full_like(input_ids, unk_id),
                       input_ids)


def unk_type_share(fraction: float, vocab_size: int, n_special: int) -> float:
    """Share of the (non-special) token types mapped to <unk> at pacing value `fraction` (A4)."""
    n_types = vocab_size - n_special
    kept = max(0, min(vocab_size - 1, vocab_threshold(fraction, vocab_size)) - n_special + 1)
    return 1.0 - kept / n_types


# ---- data curriculum --------------------------------------------------------------------------------------
def unigram_perplexity(sentences: list[list[str]]) -> list[float]:
    """exp(mean -log p_unigram(w)) per sentence, p estimated on the same corpus (spec: score_difficulty)."""
    counts = Counter(w for s in sentences for w in s)
    total = sum(counts.values())
    return [math.exp(-sum(math.log(counts[w] / total) for w in s) / max(1, len(s))) for s in sentences]


def curriculum_batch(order: torch.Tensor, fraction: float, batch_size: int, gen: torch.Generator) -> torch.Tensor:
    """Indices of a batch drawn uniformly without replacement from the easiest `fraction` of `order` (which lists
    instance indices from easiest to hardest); the pool never shrinks below one batch."""
    pool = max(batch_size, math.ceil(fraction * len(order)))
    pick = torch.multinomial(torch.ones(pool), batch_size, replacement=False, generator=gen)
    return order[pick]


# ---- objective curriculum ---------------------------------------------------------------------------------
def pos_mask(input_ids: torch.Tensor, class_ids: torch.Tensor, special: torch.Tensor, mask_id: int,
             vocab_size: int, p_target: float, p_other: float, gen: torch.Generator
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask tokens with probability p_target where class_ids > 0 (NOUN/VERB), p_other elsewhere (never specials);
    masked positions become <mask> 80%, a random id 10%, unchanged 10%. Labels: the class id (0 = other) at
    masked positions, -100 elsewhere (CLIMB objective_curriculum/units/pos.py)."""
    prob = torch.where(class_ids > 0, p_target, p_other).masked_fill(special, 0.0)
    masked = torch.bernoulli(prob, generator=gen).bool()
    labels = torch.where(masked, class_ids, torch.full_like(class_ids, -100))
    out = input_ids.clone()
    to_mask = masked & (torch.rand(out.shape, generator=gen) < 0.8)
    out[to_mask] = mask_id
    to_random = masked & ~to_mask & (torch.rand(out.shape, generator=gen) < 0.5)
    out[to_random] = torch.randint(vocab_size, out.shape, generator=gen)[to_random]
    return out, labels
