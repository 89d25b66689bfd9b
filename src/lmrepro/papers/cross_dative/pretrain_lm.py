"""Pretrain the simulated learner, a tiny OPT LM (spec: DAG `pretrain_lm`, small scale only; the paper's smolm
learners are 8-layer OPTs trained on AO-CHILDES, fetched as hub snapshots at paper scale).

    small/ci: lmrepro stage cross_dative.pretrain_lm --scale small --seed 0 \
                  --in data=data/small/cross_dative/seed0/corpus \
                  --out model=results/small/cross_dative/runs/seed0/ckpt/lm --out metrics=.../pretrain_lm.json

Each sentence is [BOS] tokens [EOS]; next-token NLL over everything after BOS (padding masked). Batches are a
pure function of (seed, step).
"""
from __future__ import annotations

import torch

from lmrepro.common.models import build_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.cross_dative.params import PretrainDataConfig


def sentence_batch(tokenizer, texts: list[str]) -> dict:
    seqs = [[tokenizer.bos_token_id] + tokenizer(t, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
            for t in texts]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, s in enumerate(seqs):
        ids[i, :len(s)], mask[i, :len(s)] = torch.tensor(s), 1
    return {"input_ids": ids, "attention_mask": mask, "loss_mask": mask}


def main() -> None:
    with Stage.from_argv("cross_dative", "pretrain_lm") as st:
        dcfg = st.params("pretrain_data", PretrainDataConfig)
        tcfg = st.params("pretrain", TrainConfig)
        spec = st.params("model", dict)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        rows = sentence_batch(tokenizer, (data / "train.txt").read_text().splitlines())
        n = rows["input_ids"].size(0)
        batch_seed = derive_seed(st.seed, "batches")

        def get_batch(step: int) -> dict:
            idx = torch.randint(n, (dcfg.batch_size,), generator=torch.Generator().manual_seed(batch_seed + step))
            width = int(rows["attention_mask"][idx].sum(1).max())
            return {k: v[idx, :width] for k, v in rows.items()}

        seed_everything(derive_seed(st.seed, "init"))
        model = build_model(spec, tokenizer=tokenizer)
        state = train(model, causal_lm_loss, get_batch, tcfg, log=st.log_curve, desc="cross_dative.pretrain_lm")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"train_loss": state["loss"], "n_params": n_params(model)})
        st.log_timing(state["timing"])


if __name__ == "__main__":
    main()
