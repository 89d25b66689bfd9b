"""Pretrain the small-scale *base* model (spec DAG step 3; the paper starts from mistral-7b, a hub snapshot).

    lmrepro stage sami.pretrain_base --scale small --seed 0 --in data=data/small/sami/seed0/prep \
        --out model=results/small/sami/seed0/base --out metrics=...

A Llama-style model is trained from scratch on the world corpus: "constitution : c query : x answer : y" rows
(plus unconditioned rows) in which each principle is obeyed with probability p_obey, so the base model links
principles to behaviour only weakly. The loss is next-token NLL on the answer (and its EOS) only: the prompt is
uniformly random given the world and carries nothing to learn. Shared by every seed of the SAMI stage (spec).
"""
from __future__ import annotations

import torch

from lmrepro.common.io import read_jsonl
from lmrepro.common.models import build_model, load_tokenizer, n_params, save_model
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, causal_lm_loss, train
from lmrepro.papers.sami.method import encode, pair_batch, prompt_ids
from lmrepro.papers.sami.params import BaseConfig


def main() -> None:
    with Stage.from_argv("sami", "pretrain_base") as st:
        cfg = st.params("base", BaseConfig)
        train_cfg = st.params("pretrain", TrainConfig)
        model_spec = st.params("model", dict)
        data = st.inp("data")
        tokenizer = load_tokenizer(data / "tokenizer")
        corpus = read_jsonl(data / "corpus.jsonl")
        pairs = [(prompt_ids(tokenizer, r["prompt"]), encode(tokenizer, r["response"]) + [tokenizer.eos_token_id])
                 for r in corpus]
        rows = pair_batch(pairs, tokenizer.pad_token_id)  # loss mask 1 on the answer + EOS
        n = rows["input_ids"].size(0)
        batch_seed = derive_seed(st.seed, "pretrain_batches")

        def get_batch(step: int) -> dict:
            epoch, k = divmod(step, max(1, n // cfg.batch_size))
            perm = torch.randperm(n, generator=torch.Generator().manual_seed(batch_seed + epoch))
            idx = perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]
            return {name: t[idx] for name, t in rows.items()}

        seed_everything(derive_seed(st.seed, "init"))
        model = build_model(model_spec, tokenizer=tokenizer)
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc="sami base")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "n_params": n_params(model),
                        "max_len": rows["input_ids"].size(1)})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
