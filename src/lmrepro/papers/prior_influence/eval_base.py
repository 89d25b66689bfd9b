"""The prior and the base model's errors (spec DAG `compute_prior` + `eval_base`, claim C1): the prior of each
answer N is log p(N | neutral frame) renormalised over the answers (no task in the prompt, spec Pitfalls); the
base model answers counting prompts for every N greedily; we report accuracy per prior bin, Spearman(log prior
(correct), correct), and the share of errors whose prediction has a higher prior than the truth. C2 (the
"ignore your prior" instruction) is not run: the toy model follows no meta-instructions (spec Small scale).

    lmrepro stage prior_influence.eval_base --scale small --seed 0 --in data=data/small/prior_influence/seed0/tasks \
        --in base=results/small/prior_influence/runs/seed0/base --out prior=.../prior.json --out metrics=...
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.io import read_json, read_jsonl, write_json
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.prior_influence.method import (higher_prior_error_share, last_token_logits,
                                                   neutral_log_prior, predictions, prior_bins, spearman)


def main(argv: list[str] | None = None) -> None:
    with Stage.from_argv("prior_influence", "eval_base", argv) as st:
        cfg = st.params("evaluate")
        answers = read_json(st.inp("data") / "answers.json")
        eval_rows = read_jsonl(st.inp("data") / "eval.jsonl")
        control_rows = read_jsonl(st.inp("data") / "control.jsonl")
        model, tokenizer = load_model(st.inp("base")), load_tokenizer(st.inp("base"))

        log_prior = neutral_log_prior(model, tokenizer, answers["neutral_frame"], answers["answers"],
                                      answers["answer_prefix"])
        truths = [r["answer"] for r in eval_rows]
        preds = predictions(last_token_logits(model, tokenizer, [r["prompt"] for r in eval_rows], cfg.batch_size),
                            tokenizer, prefix=answers["answer_prefix"])
        correct = np.array([p == t for p, t in zip(preds, truths)], dtype=float)
        share, n_scored = higher_prior_error_share(preds, truths, log_prior)
        bins = prior_bins(log_prior)
        control_preds = predictions(last_token_logits(model, tokenizer, [r["prompt"] for r in control_rows],
                                                      cfg.batch_size), tokenizer,
                                    prefix=answers["answer_prefix"])
        control_acc = float(np.mean([p == r["answer"] for p, r in zip(control_preds, control_rows)]))

        write_json(st.out("prior"), {"log_prior": log_prior, "bins": bins})
        metrics = {
            "acc_counting": float(correct.mean()),
            "acc_control": control_acc,
            "err_higher_prior_share": share,
            "n_errors_scored": n_scored,
            "n_errors_other": int((1 - correct).sum()) - n_scored,
            "spearman_prior_correct": spearman([log_prior[t] for t in truths], correct),
            "pred_mean_log_prior": float(np.mean([log_prior.get(p, np.nan) for p in preds if p in log_prior])),
            "truth_mean_log_prior": float(np.mean([log_prior[t] for t in truths])),
        }
        for b, name in enumerate(("low", "mid", "high")):
            mask = np.array([bins[t] == b for t in truths])
            metrics[f"acc_prior_{name}"] = float(correct[mask].mean())
        for answer in answers["answers"]:
            metrics[f"log_prior_{answer}"] = log_prior[answer]
            metrics[f"acc_n{answer}"] = float(correct[[t == answer for t in truths]].mean())
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
