"""Next-token training on (specification, program) text, keeping checkpoints across training (spec DAG
`train_lm`; paper §3: CodeGen-350M from scratch, checkpoints every 2000 of 80k steps).

    lmrepro stage karel_meaning.train_lm --scale small --seed 0 --in data=data/small/karel_meaning/seed0/karel \
        --out ckpts=results/small/karel_meaning/runs/seed0/ckpts --out metrics=.../train_lm.json

Writes ckpts/step_<N>/ (save_pretrained + tokenizer) for every N in `lm.checkpoints`, step 0 being the random
initialisation. The loss covers every token (the paper trains a plain LM on the whole text) unless
`lm.loss_on: program`.
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.io import atomic_dir, read_jsonl
from lmrepro.common.models import build_model, load_tokenizer, n_params
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
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


def main() -> None:
    with Stage.from_argv("karel_meaning", "train_lm") as st:
        lm = st.params("lm", LMConfig)
        train_cfg = st.params("train", TrainConfig)
        model_spec = st.params("model", dict)
        if lm.checkpoints[-1] != train_cfg.steps:
            raise SystemExit(f"lm.checkpoints must end at train.steps ({train_cfg.steps}), got {lm.checkpoints}")
        tokenizer = load_tokenizer(st.inp("data") / "tokenizer")
        sequences = encode(read_jsonl(st.inp("data") / "lm_train.jsonl"), tokenizer)
        if max(map(len, sequences)) > model_spec.get("n_positions", 1024):
            raise SystemExit(f"sequences of {max(map(len, sequences))} tokens exceed model.n_positions")
        seed_everything(derive_seed(st.seed, "init"))
        model = build_model(model_spec, tokenizer=tokenizer)
        get_batch = batch_fn(sequences, tokenizer.get_vocab()["PROG"], tokenizer.pad_token_id, lm,
                             derive_seed(st.seed, "data"))
        with atomic_dir(st.out("ckpts")) as tmp:
            def snapshot(net, step: int) -> dict:
                net.save_pretrained(tmp / f"step_{step}")
                tokenizer.save_pretrained(tmp / f"step_{step}")
                return {}

            result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, eval_fn=snapshot,
                           eval_at=tuple(lm.checkpoints), desc="karel LM")
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model), "steps": result["step"],
                        "n_sequences": len(sequences), "checkpoints": list(lm.checkpoints)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
