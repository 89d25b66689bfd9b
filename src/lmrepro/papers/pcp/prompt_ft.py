"""Prompt-based fine-tuning (LM-BFF style hard prompt) on the k-shot set, from the base, TAPT or PCP encoder; the
base run is PCP's teacher and also pseudo-labels the unlabelled pool.

    R=results/small/pcp/runs/seed0; D=data/small/pcp/seed0/prep   (ci: --scale ci, results/ci/..., data/ci/...)
    lmrepro stage pcp.prompt_ft --scale small --seed 0 --set run.task=sentiment --set run.init=base \
        --in init=$R/../seed0/base --in data=$D --out predictions=$R/pseudo_sentiment.jsonl \
        --out metrics=$R/prompt_ft_sentiment_base.json
    lmrepro stage pcp.prompt_ft ... --set run.init=pcp --in init=$R/pcp_sentiment --out metrics=...
    (paper: init = the hub's roberta-large and its TAPT / PCP continuations)

Spec DAG steps 4-5: train with CE over the verbalizer-restricted mask logits (method.prompt_loss) for a fixed
number of steps (no best-on-dev selection at small scale: see the config notes), then test accuracy; with a
`predictions` output, the class INDEX predicted for every unlabelled row (never the test set) and the teacher's
accuracy on those rows (A3).
"""
from __future__ import annotations

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.padding import pad_rows
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.pcp.method import (TEMPLATES, encode_prompt, kshot, prompt_loss, task_fields,
                                       verbalizer_ids, verbalizer_logits)


def encode(tokenizer, task: str, rows: list[dict], max_len: int) -> dict:
    template = TEMPLATES[task]
    encoded = [encode_prompt(tokenizer, template, task_fields(task, row), max_len) for row in rows]
    ids, attention = pad_rows([ids for ids, _ in encoded], tokenizer.pad_token_id)
    return {"input_ids": ids, "attention_mask": attention, "mask_pos": torch.tensor([pos for _, pos in encoded]),
            "labels": torch.tensor([row["label"] for row in rows])}


@torch.no_grad()
def predict(model, batch: dict, label_ids: list[int], eval_batch: int) -> torch.Tensor:
    """The predicted class index of every row (argmax of the verbalizer-restricted mask logits)."""
    model.eval()
    preds = []
    for start in range(0, batch["input_ids"].size(0), eval_batch):
        part = slice(start, start + eval_batch)
        logits = model(input_ids=batch["input_ids"][part], attention_mask=batch["attention_mask"][part]).logits
        preds.append(verbalizer_logits(logits, batch["mask_pos"][part], label_ids).argmax(-1))
    return torch.cat(preds)


def accuracy(preds: torch.Tensor, labels: torch.Tensor) -> float:
    return float((preds == labels).float().mean())


def main() -> None:
    with Stage.from_argv("pcp", "prompt_ft") as st:
        run, data, cfg = st.params("run"), st.params("data"), st.params("finetune")
        train_cfg = st.params("prompt_train")
        task, template = run.task, TEMPLATES[run.task]
        tokenizer = load_tokenizer(st.inp("init"))
        label_ids = verbalizer_ids(tokenizer, template.words)
        task_dir = st.inp("data") / task
        shots = kshot(read_jsonl(task_dir / "labeled.jsonl"), data.k_shot, len(template.words),
                      derive_seed(st.seed, "kshot", task))
        train_batch = encode(tokenizer, task, shots, cfg.max_len)
        test = encode(tokenizer, task, read_jsonl(task_dir / "test.jsonl"), cfg.max_len)

        torch.manual_seed(derive_seed(st.seed, "prompt_ft", task, run.init))  # dropout
        model = load_model(st.inp("init"), kind="masked_lm")
        zero_shot = accuracy(predict(model, test, label_ids, cfg.eval_batch), test["labels"])

        def loss_fn(m, batch):
            logits = m(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            return prompt_loss(logits, batch["mask_pos"], label_ids, batch["labels"]), {}

        get_batch = shuffled_batches(train_batch, cfg.batch_size, derive_seed(st.seed, "prompt_order", task))
        model.train()
        result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve, desc=f"prompt_ft {task} {run.init}")
        metrics = {"test_acc": accuracy(predict(model, test, label_ids, cfg.eval_batch), test["labels"]),
                   "zero_shot_acc": zero_shot, "train_acc": accuracy(predict(model, train_batch, label_ids,
                                                                             cfg.eval_batch), train_batch["labels"]),
                   "final_loss": result["loss"], "k_shot_rows": len(shots)}
        if "predictions" in st.outputs:  # the teacher: pseudo-label the unlabelled pool (class indices)
            pool_rows = read_jsonl(task_dir / "unlabeled.jsonl")
            pool = encode(tokenizer, task, pool_rows, cfg.max_len)
            preds = predict(model, pool, label_ids, cfg.eval_batch)
            write_jsonl(st.out("predictions"),
                        [{"idx": row["idx"], "pred": int(p)} for row, p in zip(pool_rows, preds)])
            metrics["pool_acc"] = accuracy(preds, pool["labels"])
            metrics["pool_pred_share"] = [float((preds == c).float().mean()) for c in range(len(template.words))]
        st.log_metrics(metrics)
        st.log_timing(result["timing"])
        print(metrics, flush=True)


if __name__ == "__main__":
    main()
