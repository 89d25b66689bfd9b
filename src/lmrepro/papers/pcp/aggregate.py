"""Per-seed comparison of the arms (spec DAG step 8; Acceptance A1-A4): test accuracy of CLS-FT and of prompt-FT
from the base, TAPT and PCP encoders, per task and averaged over tasks, their differences, and the A3 gap.

    R=results/small/pcp/runs/seed0   (ci: --scale ci, results/ci/...)
    lmrepro stage pcp.aggregate --scale small --seed 0 --in prompt_sentiment_base=$R/prompt_ft_sentiment_base.json \
        --in prompt_sentiment_tapt=... --in prompt_sentiment_pcp=... --in cls_sentiment=$R/cls_ft_sentiment.json \
        --in corpus_sentiment=$R/build_pcp_corpus_sentiment.json [same for nli] --out metrics=$R/aggregate.json

Metrics: acc_<arm>_<task> and acc_<arm> (task mean; arms cls, prompt, tapt, pcp), pcp_minus_prompt[_<task>],
pcp_minus_tapt[_<task>], tapt_minus_prompt[_<task>], teacher_pool_acc_<task>, pcp_corpus_gap (A3: the largest
|label-word match - teacher pool accuracy| over tasks).
"""
from __future__ import annotations

from statistics import mean

from lmrepro.common.io import read_json
from lmrepro.common.stage import Stage

ARMS = {"prompt": "base", "tapt": "tapt", "pcp": "pcp"}  # arm name -> prompt_ft init


def main() -> None:
    with Stage.from_argv("pcp", "aggregate") as st:
        tasks = st.params("data").tasks
        metric = lambda name: read_json(st.inp(name))["metrics"]
        out: dict = {}
        for task in tasks:
            for arm, init in ARMS.items():
                out[f"acc_{arm}_{task}"] = metric(f"prompt_{task}_{init}")["test_acc"]
            out[f"acc_cls_{task}"] = metric(f"cls_{task}")["test_acc"]
            teacher = metric(f"prompt_{task}_base")
            out[f"teacher_pool_acc_{task}"] = teacher["pool_acc"]
            out[f"pcp_corpus_gap_{task}"] = abs(metric(f"corpus_{task}")["label_word_match"] - teacher["pool_acc"])
            for better, worse in (("pcp", "prompt"), ("pcp", "tapt"), ("tapt", "prompt")):
                out[f"{better}_minus_{worse}_{task}"] = out[f"acc_{better}_{task}"] - out[f"acc_{worse}_{task}"]
        for name in ("acc_cls", *(f"acc_{arm}" for arm in ARMS), "pcp_minus_prompt", "pcp_minus_tapt",
                     "tapt_minus_prompt"):
            out[name] = mean(out[f"{name}_{task}"] for task in tasks)
        out["pcp_corpus_gap"] = max(out[f"pcp_corpus_gap_{task}"] for task in tasks)
        st.log_metrics(out)
        print(out, flush=True)


if __name__ == "__main__":
    main()
