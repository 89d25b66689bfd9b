"""The reader: a tiny mean-pooled BERT trained on fresh random tasks every batch (explanations appended), so that
it learns the generic read-explanation-count-compare rule; it plays the role of the paper's pretrained RoBERTa
(spec Small scale, pilot finding). Gate A0: accuracy on fresh tasks with one exact explanation >= gate_accuracy,
else it trains `extend_steps` more (spec: bump the steps when the gate is not reached).

    R=results/small/explanation_roles/runs/seed0  (ci: results/ci/...)
    lmrepro stage explanation_roles.pretrain_reader --scale small --seed 0 --out model=$R/reader \
        --out metrics=$R/pretrain_reader.json
    (paper: replaced by the hub's roberta-base, not wired)
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from lmrepro.common.models import n_params, save_model
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import train
from lmrepro.papers.explanation_roles.method import Vocab, accuracy, build_reader
from lmrepro.worlds.explanations import fresh_example


def fresh_batch(rng: np.random.Generator, world, vocab: Vocab, n: int, k: int, eps: int,
                correlation: float = 0.5) -> dict:
    """n examples of new random tasks, each with k explanations of its own task (noise eps)."""
    examples = [fresh_example(rng, world, k, eps, correlation) for _ in range(n)]
    return {"input_ids": torch.tensor([vocab.encode(s, es, k) for s, es, _ in examples]),
            "labels": torch.tensor([y for _, _, y in examples])}


def reader_accuracy(model, batch: dict) -> float:
    with torch.no_grad():
        return accuracy(model(batch["input_ids"]).argmax(-1), batch["labels"])


def main() -> None:
    with Stage.from_argv("explanation_roles", "pretrain_reader") as st:
        world, cfg = st.params("world"), st.params("reader")
        train_cfg = st.params("reader_train")
        if max(cfg.noise_eps) > world.eps:
            raise ValueError(f"reader.noise_eps {cfg.noise_eps} exceeds world.eps {world.eps} (vocabulary range)")
        vocab = Vocab(world)
        torch.manual_seed(derive_seed(st.seed, "reader", "init"))
        model = build_reader(st.params("model"), vocab)
        rng = np.random.default_rng(derive_seed(st.seed, "reader", "data"))
        formats = list(zip(cfg.context_sizes, cfg.noise_eps))

        def get_batch(step: int) -> dict:
            k, eps = formats[step % len(formats)]
            return fresh_batch(rng, world, vocab, cfg.batch_size, k, eps, cfg.correlation)

        def loss_fn(m, batch):
            return torch.nn.functional.cross_entropy(m(batch["input_ids"]), batch["labels"]), {}

        eval_rng = np.random.default_rng(derive_seed(st.seed, "reader", "eval"))
        gate_batch = fresh_batch(eval_rng, world, vocab, cfg.eval_examples, 1, 0)
        format_batches = {f"k{k}_eps{eps}": fresh_batch(eval_rng, world, vocab, cfg.eval_examples, k, eps)
                          for k, eps in formats}
        result = train(model, loss_fn, get_batch, train_cfg, log=st.log_curve, desc="reader")
        gate_acc = reader_accuracy(model.eval(), gate_batch)
        steps, first_acc = train_cfg.steps, gate_acc
        if gate_acc < cfg.gate_accuracy and cfg.extend_steps > 0:
            print(f"[explanation_roles] reader accuracy {gate_acc:.3f} < {cfg.gate_accuracy}: "
                  f"{cfg.extend_steps} more steps", flush=True)
            model.train()
            extra = replace(train_cfg, steps=cfg.extend_steps, warmup_frac=0.0)
            result = train(model, loss_fn, lambda step: get_batch(steps + step), extra, desc="reader+")
            steps += cfg.extend_steps
            gate_acc = reader_accuracy(model.eval(), gate_batch)
        metrics = {"reader_acc": gate_acc, "reader_acc_before_extension": first_acc, "reader_steps": steps,
                   "gate_passed": float(gate_acc >= cfg.gate_accuracy), "final_loss": result["loss"],
                   "n_params": n_params(model)}
        metrics.update({f"reader_acc_{name}": reader_accuracy(model, b) for name, b in format_batches.items()})
        save_model(model, st.out("model"))
        st.log_metrics(metrics)
        st.log_timing(result["timing"])
        print(metrics, flush=True)


if __name__ == "__main__":
    main()
