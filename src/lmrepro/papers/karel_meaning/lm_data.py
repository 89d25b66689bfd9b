"""The LM's training data: (specification, program) text (spec DAG `train_lm`; paper §3: CodeGen-350M from
scratch, checkpoints every 2000 of 80k steps), trained by the shared stage `lmrepro.common.pretrain_lm`
(config `pretrain_lm`, which keeps a snapshot at each of its `checkpoints`, step 0 being the initialisation).

The loss covers every token (the paper trains a plain LM on the whole text) unless `lm.loss_on: program`.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.karel_meaning.method import sequence_tokens
from lmrepro.papers.karel_meaning.params import LMConfig


def encode(rows: list[dict], tokenizer) -> list[list[int]]:
    vocab = tokenizer.get_vocab()
    return [[tokenizer.bos_token_id] + [vocab[t] for t in sequence_tokens(r)] for r in rows]


def batch_fn(sequences: list[list[int]], prog_id: int, pad_id: int, cfg: LMConfig, seed: int):
    """get_batch(step): `batch_size` sequences drawn with a per-step seed, right-padded, with the loss mask."""

    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rows = random.Random(seed * 1_000_003 + step).choices(sequences, k=cfg.batch_size)
        width = max(map(len, rows))
        ids = torch.full((len(rows), width), pad_id)
        attention = torch.zeros((len(rows), width), dtype=torch.long)
        loss_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, seq in enumerate(rows):
            ids[i, :len(seq)] = torch.tensor(seq)
            attention[i, :len(seq)] = 1
            first = seq.index(prog_id) + 1 if cfg.loss_on == "program" else 1
            loss_mask[i, first:len(seq)] = 1  # targets: every real token (or the program and END)
        return {"input_ids": ids, "attention_mask": attention, "loss_mask": loss_mask}

    return get_batch


def lm_batches(st, tokenizer):
    lm = st.params("lm", LMConfig)
    n_positions = st.params("model", dict).get("n_positions", 1024)
    sequences = encode(read_jsonl(st.inp("data") / "lm_train.jsonl"), tokenizer)
    if max(map(len, sequences)) > n_positions:
        raise SystemExit(f"sequences of {max(map(len, sequences))} tokens exceed model.n_positions ({n_positions})")
    st.log_metrics({"n_sequences": len(sequences)})
    return batch_fn(sequences, tokenizer.get_vocab()["PROG"], tokenizer.pad_token_id, lm,
                    derive_seed(st.seed, "data"))
