"""Masked-LM training: the batch and loss functions of the small base encoder (`pretrain_mlm`, run by the shared
`lmrepro.common.pretrain_lm` stage) and the continued-pretraining stage shared by TAPT and PCP.

    lmrepro stage lmrepro.common.pretrain_lm --paper pcp --section pretrain_mlm --scale small --seed 0 \
        --in data=data/small/pcp/seed0/prep --out model=results/small/pcp/runs/seed0/base \
        --out metrics=results/small/pcp/runs/seed0/pretrain_mlm.json
    lmrepro stage pcp.mlm --scale small --seed 0 --set run.task=sentiment --set run.corpus=tapt \
        --in base=results/small/pcp/runs/seed0/base --in data=data/small/pcp/seed0/prep \
        --out model=results/small/pcp/runs/seed0/tapt_sentiment --out metrics=...   (TAPT: raw unlabelled texts)
    lmrepro stage pcp.mlm ... --set run.corpus=pcp \
        --in corpus=results/small/pcp/runs/seed0/pcp_corpus_sentiment.jsonl ...  (PCP)
    (ci: --scale ci; paper: base = the hub's roberta-large, same commands)

Paper §3 / repo run_mlm.py --line_by_line: each line is one sequence <bos> line <eos>, 15% of its tokens masked
(special tokens never), a fresh mask every step (a pure function of seed and step).
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.mlm import mlm_mask
from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed


def line_ids(tokenizer, texts: list[str], max_len: int) -> list[list[int]]:
    """<bos> line <eos> per text, cut to max_len tokens."""
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    return [[bos] + ids[:max_len - 2] + [eos] for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]


def mlm_batches(tokenizer, texts: list[str], cfg, seed: int, mlm_prob: float):
    """get_batch(step) -> {input_ids, attention_mask, labels}: shuffled lines, masked afresh at every step."""
    if not texts:
        raise ValueError("MLM corpus is empty")
    ids, attention = pad_rows(line_ids(tokenizer, texts, cfg.max_len), tokenizer.pad_token_id)
    special = torch.tensor(tokenizer.all_special_ids)
    no_mask = torch.isin(ids, special)
    rows = shuffled_batches({"ids": ids, "attention_mask": attention, "no_mask": no_mask},
                            cfg.batch_size, derive_seed(seed, "mlm_order"))

    def get_batch(step: int) -> dict:
        batch = rows(step)
        generator = torch.Generator().manual_seed(derive_seed(seed, "mlm_mask", step))
        inputs, labels = mlm_mask(batch["ids"], batch["no_mask"], mlm_prob, tokenizer.mask_token_id,
                                  len(tokenizer), generator)
        return {"input_ids": inputs, "attention_mask": batch["attention_mask"], "labels": labels}

    return get_batch


def mlm_loss_fn(model, batch: dict) -> tuple[torch.Tensor, dict]:
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
    return out.loss, {}


def corpus_batches(st, tokenizer):
    """pretrain_mlm's batches: the world corpus (prep's corpus.jsonl)."""
    texts = [row["text"] for row in read_jsonl(st.inp("data") / "corpus.jsonl")]
    cfg = st.params("mlm")
    return mlm_batches(tokenizer, texts, cfg, derive_seed(st.seed, "pretrain_mlm"), cfg.pretrain_prob)


def mlm_loss(st, tokenizer, model):
    """pretrain_mlm's objective: the masked-LM cross-entropy (transformers' RobertaForMaskedLM loss)."""
    return mlm_loss_fn


def main() -> None:
    from lmrepro.common.models import load_model, load_tokenizer, save_model
    from lmrepro.common.stage import Stage
    from lmrepro.common.train import train

    with Stage.from_argv("pcp", "mlm") as st:
        run, cfg, train_cfg = st.params("run"), st.params("mlm"), st.params("continued_mlm")
        # PCP: this seed's templated corpus; TAPT: the task's raw unlabelled texts from prep
        corpus = st.inp("corpus") if run.corpus == "pcp" else st.inp("data") / run.task / "tapt.jsonl"
        texts = [row["text"] for row in read_jsonl(corpus)]
        tokenizer = load_tokenizer(st.inp("base"))
        get_batch = mlm_batches(tokenizer, texts, cfg, derive_seed(st.seed, "continued_mlm", run.task), cfg.mlm_prob)
        model = load_model(st.inp("base"), kind="masked_lm")
        result = train(model, mlm_loss_fn, get_batch, train_cfg, log=st.log_curve, desc=f"pcp mlm {run.task}")
        save_model(model, st.out("model"), tokenizer)
        st.log_metrics({"final_loss": result["loss"], "lines": len(texts), "steps": result["step"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
