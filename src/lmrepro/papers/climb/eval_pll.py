"""PLL minimal-pair accuracy of every arm of one seed (spec: eval_pll; the lower-PLL sentence is judged
ungrammatical), per phenomenon and macro-averaged, plus each curriculum's gap to the baseline.

    lmrepro stage climb.eval_pll --scale small --seed 0 --in data=data/small/climb/seed0/prep \
        --in baseline=results/small/climb/runs/seed0/baseline ... --out metrics=results/small/climb/runs/seed0/eval.json
"""
from __future__ import annotations

import json

from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.climb.params import ARMS
from lmrepro.papers.climb.pll import pair_accuracy

CURRICULA = ("vocab_curr", "data_curr", "obj_curr")


def main() -> None:
    with Stage.from_argv("climb", "eval_pll") as st:
        pairs = [json.loads(line) for line in (st.inp("data") / "pairs.jsonl").read_text().splitlines()]
        metrics = {}
        for arm in ARMS:
            model = load_model(st.inp(arm), kind="masked_lm").eval()
            acc = pair_accuracy(model, load_tokenizer(st.inp(arm)), pairs)
            metrics.update({f"acc_{arm}" if k == "macro" else f"acc_{arm}_{k}": v for k, v in acc.items()})
        for arm in CURRICULA:
            metrics[f"diff_{arm}"] = metrics[f"acc_{arm}"] - metrics["acc_baseline"]
            metrics[f"abs_diff_{arm}"] = abs(metrics[f"diff_{arm}"])
        metrics["gap_default"] = metrics["acc_baseline"] - metrics["acc_default_cfg"]
        metrics["max_diff_curricula"] = max(metrics[f"diff_{arm}"] for arm in CURRICULA)
        metrics["min_diff_curricula"] = min(metrics[f"diff_{arm}"] for arm in CURRICULA)
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
