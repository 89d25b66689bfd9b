"""Token-id rows of different lengths as one padded batch: `pad_rows(rows, pad_id)` -> (input_ids, attention_mask).

Right padding (the default) is what a causal LM's training and scoring want: a pad never precedes a real token, so
the real tokens' logits are those of the unpadded row. Left padding (`left=True`) is what batched generation wants:
every prompt ends at the last column, where the next token is sampled."""
from __future__ import annotations

import torch


def pad_rows(rows: list[list[int]], pad_id: int, *, left: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask), both long [len(rows), longest row], the mask 1 on each row's own tokens."""
    if not rows:
        raise ValueError("pad_rows: no rows to pad")
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        span = slice(width - len(r), width) if left else slice(0, len(r))
        ids[i, span] = torch.tensor(r, dtype=torch.long)
        mask[i, span] = 1
    return ids, mask
