"""SPT's order transforms (paper §3) and the baselines', on gold semantic chunks; the final "." always stays last.

- original: c_1..c_k;  reversed: c_k..c_1;  permuted: c_pi(1)..c_pi(k), pi uniform (paper: "with a certain
  probability"; ours p = (1/3, 1/3, 1/3), configurable), token order inside a chunk never changes;
- tokrev (baseline): the whole word sequence reversed with probability p, entities broken apart;
- spt_random (control): SPT over random chunk boundaries (same number of chunks), semantics-unaware.
"""
from __future__ import annotations

import random

import torch

ORDERS = ("original", "reversed", "permuted")


def reorder(chunks: list[list[str]], order: str, rng: random.Random) -> list[str]:
    """One training sequence: the body chunks in the given order, then the final chunk ("." stays last)."""
    body, final = chunks[:-1], chunks[-1]
    if order == "reversed":
        body = body[::-1]
    elif order == "permuted":
        body = rng.sample(body, len(body))
    elif order != "original":
        raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
    return [w for chunk in [*body, final] for w in chunk]


def spt_sequence(chunks: list[list[str]], probs: tuple[float, float, float], rng: random.Random) -> list[str]:
    order = rng.choices(ORDERS, weights=probs)[0]
    return reorder(chunks, order, rng)


def token_reversal(chunks: list[list[str]], p: float, rng: random.Random) -> list[str]:
    words = [w for chunk in chunks[:-1] for w in chunk]
    return (words[::-1] if rng.random() < p else words) + chunks[-1]


def random_chunks(chunks: list[list[str]], rng: random.Random) -> list[list[str]]:
    """The same words cut into the same number of chunks at random boundaries (the final chunk kept)."""
    words = [w for chunk in chunks[:-1] for w in chunk]
    cuts = sorted(rng.sample(range(1, len(words)), len(chunks) - 2))
    bounds = [0, *cuts, len(words)]
    return [words[a:b] for a, b in zip(bounds, bounds[1:])] + [chunks[-1]]


def sequence_logprob(model, prefix_ids: torch.Tensor, candidate_ids: torch.Tensor, batch: int = 4096) -> torch.Tensor:
    """log p(candidate | prefix) summed over the candidate's tokens, for every (prefix, candidate) pair.

    prefix_ids: [P, Lp] (same length each), candidate_ids: [C, Lc] -> [P, C] scores.
    """
    n_p, n_c = prefix_ids.size(0), candidate_ids.size(0)
    seqs = torch.cat([prefix_ids.repeat_interleave(n_c, 0), candidate_ids.repeat(n_p, 1)], dim=1)
    lp, out = prefix_ids.size(1), []
    for i in range(0, seqs.size(0), batch):
        chunk = seqs[i:i + batch]
        logp = torch.log_softmax(model(input_ids=chunk).logits[:, lp - 1:-1].float(), dim=-1)
        out.append(logp.gather(-1, chunk[:, lp:, None]).squeeze(-1).sum(-1))
    return torch.cat(out).view(n_p, n_c)


def rank1_accuracy(scores: torch.Tensor, gold: torch.Tensor) -> float:
    """Share of rows whose gold candidate has the strictly highest score (ties count as misses)."""
    gold_scores = scores.gather(1, gold[:, None])
    return float(((scores >= gold_scores).sum(1) == 1).float().mean())
