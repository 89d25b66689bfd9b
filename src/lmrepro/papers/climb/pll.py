"""Pseudo-log-likelihood (Salazar et al. 2020) of sentences under a masked LM: mask each non-special token in
turn and sum log p(original token). Batched over all (sentence, position) rows; checked against minicons
`MaskedLMScorer.sequence_score(..., PLL_metric="original")` in tests/test_climb.py."""
from __future__ import annotations

import torch

from lmrepro.common.padding import pad_rows


@torch.no_grad()
def pll_scores(model, tokenizer, sentences: list[str], batch_size: int = 512) -> list[float]:
    enc = [tokenizer(s, add_special_tokens=False)["input_ids"] for s in sentences]
    rows, owners, positions, targets = [], [], [], []
    for i, ids in enumerate(enc):
        full = [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]
        for j in range(1, len(full) - 1):
            masked = list(full)
            masked[j] = tokenizer.mask_token_id
            rows.append(masked)
            owners.append(i)
            positions.append(j)
            targets.append(full[j])
    scores = torch.zeros(len(sentences), dtype=torch.float64)
    device = next(model.parameters()).device
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        ids, attn = pad_rows(chunk, tokenizer.pad_token_id)
        logits = model(input_ids=ids.to(device), attention_mask=attn.to(device)).logits.float()
        pos = torch.tensor(positions[start:start + batch_size], device=device)
        tgt = torch.tensor(targets[start:start + batch_size], device=device)
        logp = logits[torch.arange(len(chunk), device=device), pos].log_softmax(-1).gather(1, tgt[:, None])[:, 0]
        scores.index_add_(0, torch.tensor(owners[start:start + batch_size]), logp.double().cpu())
    return scores.tolist()


def pair_accuracy(model, tokenizer, pairs: list[dict]) -> dict[str, float]:
    """Per-phenomenon share of pairs whose good sentence has the higher PLL, plus their macro mean."""
    scores = pll_scores(model, tokenizer, [p["good"] for p in pairs] + [p["bad"] for p in pairs])
    good, bad = scores[:len(pairs)], scores[len(pairs):]
    hits: dict[str, list[bool]] = {}
    for p, g, b in zip(pairs, good, bad):
        hits.setdefault(p["phenomenon"], []).append(g > b)
    acc = {ph: sum(h) / len(h) for ph, h in sorted(hits.items())}
    acc["macro"] = sum(acc.values()) / len(acc)
    return acc
