"""Fine-tune the base with one of the five arms on the same pairs (spec DAG step 5; paper §2 and §4 baselines).

    lmrepro stage coh.finetune --scale small --seed 0 --set finetune.method=coh \
        --in data=data/small/coh/seed0/prep --in base=results/small/coh/runs/seed0/base \
        --out model=results/small/coh/runs/seed0/coh --out metrics=...

Every arm runs `finetune_train` (same steps, batch and optimiser) on sequences built from the same pairs
(`chains.method_rows`): sft_pos, sft_all and c_sft with the masked NLL; sft_u adds the unlikelihood of y- tokens;
coh trains on hindsight chains with random context masking, plus `pretrain_weight` x the LM loss on a batch of
the description corpus (the paper's pretraining regulariser, added to the loss, i.e. to the gradient).
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.batches import sentence_batches, shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, masked_lm_loss, train
from lmrepro.papers.coh.chains import mask_context, method_rows, segment_batch, unlikelihood_loss
from lmrepro.papers.coh.params import FinetuneConfig


def main() -> None:
    with Stage.from_argv("coh", "finetune") as st:
        cfg = st.params("finetune", FinetuneConfig)
        train_cfg = st.params("finetune_train", TrainConfig)
        tokenizer = load_tokenizer(st.inp("base"))
        pairs = read_jsonl(st.inp("data") / "pairs.jsonl")
        rng = random.Random(derive_seed(st.seed, "chains"))
        rows = segment_batch(tokenizer, method_rows(cfg.method, pairs, rng, cfg.p_pair_chain), cfg.max_len)
        if cfg.method == "sft_u":  # row i's y- (same order as the y+ rows), for the unlikelihood term
            neg = segment_batch(tokenizer, [[(p["prompt"], False), (p["rejected"], True)] for p in pairs],
                                cfg.max_len)
            rows |= {f"neg_{k}": v for k, v in neg.items()}
        get_rows = shuffled_batches(rows, cfg.batch_size, derive_seed(st.seed, "finetune_batches"))
        get_corpus = sentence_batches(st, tokenizer) if cfg.method == "coh" and cfg.pretrain_weight > 0 else None
        context_rng = torch.Generator().manual_seed(derive_seed(st.seed, "context_mask"))

        def get_batch(step: int) -> dict:
            batch = get_rows(step)
            if cfg.method == "coh":
                batch = mask_context(batch, cfg.context_mask_frac, context_rng)
            if get_corpus is not None:
                batch |= {f"pt_{k}": v for k, v in get_corpus(step).items()}
            return batch

        def loss_fn(model, batch: dict) -> tuple[torch.Tensor, dict]:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = nll = masked_lm_loss(logits, batch["input_ids"], batch["loss_mask"])
            extras = {"nll": nll.detach()}
            if cfg.method == "sft_u":
                neg_logits = model(input_ids=batch["neg_input_ids"], attention_mask=batch["neg_attention_mask"]).logits
                ul = unlikelihood_loss(neg_logits, batch["neg_input_ids"], batch["neg_loss_mask"])
                loss = loss + cfg.unlikelihood_weight * ul
                extras["unlikelihood"] = ul.detach()
            if "pt_input_ids" in batch:
                pt_logits = model(input_ids=batch["pt_input_ids"], attention_mask=batch["pt_attention_mask"]).logits
                pt = masked_lm_loss(pt_logits, batch["pt_input_ids"], batch["pt_loss_mask"])
                loss = loss + cfg.pretrain_weight * pt
                extras["pretrain_nll"] = pt.detach()
            return loss, extras

        seed_everything(derive_seed(st.seed, "finetune"))
        model = load_model(st.inp("base"))
        result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"coh finetune [{cfg.method}]")
        st.log_metrics({"final_loss": result["loss"], "n_rows": rows["input_ids"].size(0),
                        "supervised_tokens": int(rows["loss_mask"].sum())})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
