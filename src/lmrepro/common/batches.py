"""Batch functions shared by papers: seeded shuffled passes over tensors, and one-sentence-per-row LM batches.

- `shuffled_batches(rows, batch_size, seed)`: get_batch(step), a pure function of (seed, step) (a new permutation
  per pass), so a resumed run sees the batches an uninterrupted one would.
- `read_lines(path)` / `token_stream(tokenizer, sentences)`: a text file's non-empty lines, and sentences as one
  EOS-separated id stream (wechsel, chocollama cut LM blocks from it).
- `mixed_blocks(streams, shares, batch_size, block_size, seed)`: get_batch(step), each row a random block of
  token stream i with probability shares[i], pure in (seed, step) (chocollama's and multilingual_cpt's data mixes).
- `sentence_batches` (for `lmrepro.common.pretrain_lm`, `pretrain_lm.batches:
  lmrepro.common.batches:sentence_batches`): the `corpus.jsonl` rows {"text"} of the `data` input, one sentence
  per row (BOS + words + EOS), next-token loss on every word and EOS; batch size from the config section
  `corpus` (`CorpusConfig`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.params import CorpusConfig
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed


def read_lines(path: str | Path) -> list[str]:
    return [line for line in Path(path).read_text().splitlines() if line.strip()]


def mixed_blocks(streams: list[torch.Tensor], shares: list[float], batch_size: int, block_size: int, seed: int):
    """get_batch(step): each row a random block of stream i with probability shares[i]; pure in (seed, step)."""
    for stream in streams:
        if stream.numel() <= block_size:
            raise ValueError(f"a token stream of {stream.numel()} tokens is not longer than one block "
                             f"({block_size}): prepare more documents")
    cum = np.cumsum(shares)

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rng = np.random.default_rng([seed, step])
        which = np.minimum(np.searchsorted(cum, rng.random(batch_size) * cum[-1], side="right"), len(cum) - 1)
        rows = []
        for k in which.tolist():
            start = int(rng.integers(0, streams[k].numel() - block_size))
            rows.append(streams[k][start:start + block_size])
        return {"input_ids": torch.stack(rows)}

    return get_batch


def token_stream(tokenizer, sentences: list[str]) -> torch.Tensor:
    """The sentences' ids, each followed by EOS, as one 1-D stream."""
    eos = tokenizer.eos_token_id
    ids: list[int] = []
    for enc in tokenizer(sentences, add_special_tokens=False)["input_ids"]:
        ids += enc + [eos]
    return torch.tensor(ids, dtype=torch.long)


def shuffled_batches(rows: dict[str, torch.Tensor], batch_size: int, seed: int):
    n = next(iter(rows.values())).size(0)
    per_pass = max(1, n // batch_size)

    def get_batch(step: int) -> dict:
        epoch, k = divmod(step, per_pass)
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))
        idx = perm[k * batch_size:(k + 1) * batch_size]
        return {name: t[idx] for name, t in rows.items()}

    return get_batch


def sentence_batches(st, tokenizer):
    cfg = st.params("corpus", CorpusConfig)
    lines = [r["text"] for r in read_jsonl(st.inp("data") / cfg.file)]
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    rows = completion_batch([([bos], tokenizer.encode(t, add_special_tokens=False) + [eos]) for t in lines],
                            tokenizer.pad_token_id)
    return shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "corpus_batches"))
