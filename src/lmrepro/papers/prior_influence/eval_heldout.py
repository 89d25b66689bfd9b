"""Held-out-answer evaluation (spec DAG `eval_heldout`, claim C4 and acceptance A2/A3): the base model and each
finetuned arm answer counting prompts whose answers are A_test only (never seen in finetuning). Per model: exact
match (greedy over the vocabulary), exact match with the decision restricted to the A_test answers (the spec's
"finetune-answer logits masked" follow-up), |Spearman(log prior(correct), error)|, and the share of errors toward
higher-prior answers. Plumbing checks: A_ft and A_test are disjoint (read from the data, asserted), each arm changed
only its own blocks (bitwise against the base), and the selected and other arms train the same parameter count.

    lmrepro stage prior_influence.eval_heldout --scale small --seed 0 --in data=... --in base=... --in prior=... \
        --in selected=... --in ft_selected=... --in ft_other=... --in ft_all=... --out metrics=...
"""
from __future__ import annotations

import json

import numpy as np
import torch

from lmrepro.common.activations import decoder_blocks
from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.prior_influence.method import (higher_prior_error_share, last_token_logits, predictions,
                                                   spearman)
from lmrepro.papers.prior_influence.params import ARMS


def block_param_names(model, blocks: list[int]) -> set[str]:
    layers, _ = decoder_blocks(model)
    ids = {id(p) for block in blocks for p in layers[block].parameters()}
    return {name for name, p in model.named_parameters() if id(p) in ids}


def changed_only_within(base, tuned, blocks: list[int]) -> bool:
    """True iff every parameter outside `blocks` is bitwise equal to the base and some parameter inside changed."""
    inside = block_param_names(tuned, blocks)
    base_params = dict(base.named_parameters())
    changed = {name for name, p in tuned.named_parameters() if not torch.equal(p, base_params[name])}
    return bool(changed) and changed <= inside


def heldout_scores(model, tokenizer, rows: list[dict], test_answers: list[str], log_prior: dict[str, float],
                   batch_size: int, prefix: str) -> dict[str, float]:
    logits = last_token_logits(model, tokenizer, [r["prompt"] for r in rows], batch_size)
    truths = [r["answer"] for r in rows]
    preds = predictions(logits, tokenizer)
    restricted = predictions(logits, tokenizer, test_answers, prefix)
    error = np.array([p != t for p, t in zip(preds, truths)], dtype=float)
    share, _ = higher_prior_error_share(preds, truths, log_prior)
    return {"acc": float(1 - error.mean()),
            "acc_restricted": float(np.mean([p == t for p, t in zip(restricted, truths)])),
            "abs_spearman_prior_error": abs(spearman([log_prior[t] for t in truths], error)),
            "err_higher_prior_share": share,
            "pred_in_ft_answers": float(np.mean([p not in test_answers and p in log_prior for p in preds]))}


def main(argv: list[str] | None = None) -> None:
    with Stage.from_argv("prior_influence", "eval_heldout", argv) as st:
        cfg = st.params("evaluate")
        answers = read_json(st.inp("data") / "answers.json")
        test_rows = read_jsonl(st.inp("data") / "test.jsonl")
        ft_seen = {r["answer"] for r in read_jsonl(st.inp("data") / "finetune.jsonl")}
        overlap = ft_seen & {r["answer"] for r in test_rows}
        if overlap:
            raise AssertionError(f"finetuning and held-out answers overlap: {sorted(overlap)}")
        log_prior = read_json(st.inp("prior"))["log_prior"]
        base, tokenizer = load_model(st.inp("base")), load_tokenizer(st.inp("base"))

        metrics: dict[str, float] = {"answer_overlap": len(overlap)}
        for name, value in heldout_scores(base, tokenizer, test_rows, answers["test"], log_prior,
                                          cfg.batch_size, answers["answer_prefix"]).items():
            metrics[f"{name}_base"] = value
        n_trainable = {}
        for arm in ARMS:
            tuned = load_model(st.inp(f"ft_{arm}"))
            blocks = json.loads((st.inp(f"ft_{arm}") / "trainable_blocks.json").read_text())["blocks"]
            n_trainable[arm] = sum(p.numel() for b in blocks for p in decoder_blocks(tuned)[0][b].parameters())
            metrics[f"only_own_blocks_changed_{arm}"] = float(changed_only_within(base, tuned, blocks))
            for name, value in heldout_scores(tuned, tokenizer, test_rows, answers["test"], log_prior,
                                              cfg.batch_size, answers["answer_prefix"]).items():
                metrics[f"{name}_{arm}"] = value
            metrics[f"acc_gain_{arm}"] = metrics[f"acc_{arm}"] - metrics["acc_base"]
        metrics["budget_ratio_other_vs_selected"] = n_trainable["other"] / n_trainable["selected"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
