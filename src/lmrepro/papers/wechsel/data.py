"""Language-model data for WECHSEL: sentences -> one token stream -> fixed-length blocks; perplexity.

Sentences are tokenized one by one and joined with the EOS token (the paper trains GPT-2 on concatenated OSCAR
text in 1024-token blocks; here blocks are `block_size` tokens). Batches are random blocks at seeded offsets, a
pure function of (seed, step), so every arm of a seed sees exactly the same target-language batches.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from lmrepro.common.batches import read_lines, token_stream
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.wechsel.params import LMDataConfig


def batch_fn(stream: torch.Tensor, cfg: LMDataConfig, seed: int):
    """get_batch(step): `batch_size` blocks starting at offsets drawn from a generator seeded by (seed, step)."""
    n = stream.numel() - cfg.block_size
    if n <= 0:
        raise ValueError(f"token stream of {stream.numel()} tokens is shorter than one block of {cfg.block_size}")

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        starts = np.random.default_rng([seed, step]).integers(0, n, cfg.batch_size)
        return {"input_ids": torch.stack([stream[s:s + cfg.block_size] for s in starts.tolist()])}

    return get_batch


def eval_blocks(stream: torch.Tensor, cfg: LMDataConfig) -> torch.Tensor:
    n = min(cfg.eval_blocks, stream.numel() // cfg.block_size)
    if n == 0:
        raise ValueError(f"held-out stream of {stream.numel()} tokens has no full block of {cfg.block_size}")
    return stream[: n * cfg.block_size].view(n, cfg.block_size)


@torch.no_grad()
def perplexity(model, blocks: torch.Tensor, batch_size: int = 64) -> float:
    """Token-level perplexity exp(mean NLL) over all predicted positions of the held-out blocks."""
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, blocks.size(0), batch_size):
        ids = blocks[i:i + batch_size].to(device)
        logits = model(input_ids=ids).logits[:, :-1].float()
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1),
                                                reduction="sum")
        total += float(nll)
        count += ids[:, 1:].numel()
    return math.exp(total / count)


def save_word_vectors(kv, directory, name: str) -> None:
    """Word vectors without pickle: <name>.safetensors (the matrix) + <name>.words.json (words, counts)."""
    import json as _json

    import numpy as _np
    from safetensors.numpy import save_file

    save_file({"vectors": _np.ascontiguousarray(kv.vectors, dtype=_np.float32)}, str(directory / f"{name}.safetensors"))
    words = list(kv.index_to_key)
    (directory / f"{name}.words.json").write_text(_json.dumps(
        {"words": words, "counts": [int(kv.get_vecattr(w, "count")) for w in words]}))


def load_word_vectors(directory, name: str):
    """gensim KeyedVectors (with the `count` attribute WECHSEL's frequency weights read) from `save_word_vectors`."""
    import json as _json

    from gensim.models import KeyedVectors
    from safetensors.numpy import load_file

    vectors = load_file(str(directory / f"{name}.safetensors"))["vectors"]
    meta = _json.loads((directory / f"{name}.words.json").read_text())
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(meta["words"], vectors)
    for word, count in zip(meta["words"], meta["counts"]):
        kv.set_vecattr(word, "count", count)
    return kv


def source_batches(st, tokenizer):
    """The English source LM's batches (spec DAG 2; paper: GPT-2 as released) for the shared stage
    lmrepro.common.pretrain_lm: random blocks of the tokenized training stream."""
    cfg = st.params("lm_data", LMDataConfig)
    stream = token_stream(tokenizer, read_lines(st.inp("data") / "en_train.txt"))
    st.log_metrics({"vocab_size": len(tokenizer), "train_tokens": stream.numel()})
    return batch_fn(stream, cfg, derive_seed(st.seed, "source_batches"))


def source_perplexity(st, tokenizer):
    """eval_fn(model, step) -> {"en_ppl": held-out English perplexity}, for the shared stage's `evaluate`."""
    heldout = eval_blocks(token_stream(tokenizer, read_lines(st.inp("data") / "en_heldout.txt")),
                          st.params("lm_data", LMDataConfig))
    return lambda model, step: {"en_ppl": perplexity(model, heldout)}
