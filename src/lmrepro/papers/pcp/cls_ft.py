"""The CLS-FT baseline (paper Table 1, repo run_cls_ft.py): a classification head on <bos>, fine-tuned with the
encoder on the same k-shot set as prompt_ft.

    lmrepro stage pcp.cls_ft --scale small --seed 0 --set run.task=nli \
        --in init=results/small/pcp/runs/seed0/base --in data=data/small/pcp/seed0/prep \
        --out metrics=results/small/pcp/runs/seed0/cls_ft_nli.json       (ci: --scale ci; paper: roberta-large)
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.padding import pad_rows
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.pcp.method import TEMPLATES, encode_pair, kshot, task_fields


def encode(tokenizer, task: str, rows: list[dict], max_len: int) -> dict:
    fields = [list(task_fields(task, row).values()) for row in rows]
    ids, attention = pad_rows([encode_pair(tokenizer, f[0], f[1] if len(f) > 1 else None, max_len) for f in fields],
                              tokenizer.pad_token_id)
    return {"input_ids": ids, "attention_mask": attention, "labels": torch.tensor([row["label"] for row in rows])}


@torch.no_grad()
def accuracy(model, batch: dict, eval_batch: int) -> float:
    model.eval()
    correct = 0
    for start in range(0, batch["input_ids"].size(0), eval_batch):
        part = slice(start, start + eval_batch)
        logits = model(input_ids=batch["input_ids"][part], attention_mask=batch["attention_mask"][part]).logits
        correct += int((logits.argmax(-1) == batch["labels"][part]).sum())
    return correct / batch["input_ids"].size(0)


def main() -> None:
    with Stage.from_argv("pcp", "cls_ft") as st:
        run, data, cfg, train_cfg = st.params("run"), st.params("data"), st.params("finetune"), st.params("cls_train")
        task, n_classes = run.task, len(TEMPLATES[run.task].words)
        tokenizer = load_tokenizer(st.inp("init"))
        task_dir = st.inp("data") / task
        shots = kshot(read_jsonl(task_dir / "labeled.jsonl"), data.k_shot, n_classes,
                      derive_seed(st.seed, "kshot", task))
        train_batch = encode(tokenizer, task, shots, cfg.max_len)
        test = encode(tokenizer, task, read_jsonl(task_dir / "test.jsonl"), cfg.max_len)

        torch.manual_seed(derive_seed(st.seed, "cls_ft", task))  # the new head and dropout
        model = load_model(st.inp("init"), kind="sequence_classification", num_labels=n_classes)

        def loss_fn(m, batch):
            out = m(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
            return out.loss, {}

        get_batch = shuffled_batches(train_batch, cfg.batch_size, derive_seed(st.seed, "cls_order", task))
        model.train()
        result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve, desc=f"cls_ft {task}")
        st.log_metrics({"test_acc": accuracy(model, test, cfg.eval_batch),
                        "train_acc": accuracy(model, train_batch, cfg.eval_batch), "final_loss": result["loss"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
