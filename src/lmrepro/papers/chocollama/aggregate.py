"""Gains from CPT per model family, the quantities the claims check (spec: DAG 6, `aggregate`; acceptance A1-A4).

    lmrepro stage chocollama.aggregate --scale small --seed 0 --in a_orig=.../cpt_a_orig.json \
        --in b_orig=.../cpt_b_orig.json --in a_tokentrans=.../cpt_a_tokentrans.json \
        --in a_random=.../cpt_a_random.json --out metrics=results/small/chocollama/runs/seed0/aggregate.json

Relative BPC reduction of an arm: 1 - BPC(after CPT) / BPC(before); QA in points (accuracy x 100).
"""
from __future__ import annotations

import json

from lmrepro.common.stage import Stage
from lmrepro.papers.chocollama.params import ARMS


def main() -> None:
    with Stage.from_argv("chocollama", "aggregate") as st:
        m = {arm: json.loads(st.inp(arm).read_text())["metrics"] for arm in ARMS}
        drop = {arm: 1.0 - m[arm]["bpc_final"] / m[arm]["bpc_init"] for arm in ("a_orig", "b_orig")}
        gain = {arm: 100 * (m[arm]["qa_acc_final"] - m[arm]["qa_acc_init"]) for arm in ("a_orig", "b_orig")}
        st.log_metrics({
            **{f"bpc_{arm}_{when}": m[arm][f"bpc_{when}"] for arm in ARMS for when in ("init", "final")},
            **{f"qa_{arm}_{when}": 100 * m[arm][f"qa_acc_{when}"] for arm in ("a_orig", "b_orig")
               for when in ("init", "final")},
            "bpc_drop_a": drop["a_orig"], "bpc_drop_b": drop["b_orig"],
            "bpc_drop_a_minus_3x_b": drop["a_orig"] - 3 * drop["b_orig"],    # A1: >= 0 <=> drop A >= 3 x drop B
            "bpc_drop_ratio_a_b": drop["a_orig"] / drop["b_orig"] if drop["b_orig"] else float("nan"),
            "tokentrans_vs_random_rel": 1.0 - m["a_tokentrans"]["bpc_final"] / m["a_random"]["bpc_final"],  # A3
            "tokentrans_vs_orig_ratio": m["a_tokentrans"]["bpc_final"] / m["a_orig"]["bpc_final"],  # A3
            "qa_gain_a": gain["a_orig"], "qa_gain_b": gain["b_orig"],
            "qa_gain_a_minus_b": gain["a_orig"] - gain["b_orig"],  # A4
            "qa_cpt_a_minus_b": 100 * (m["a_orig"]["qa_acc_final"] - m["b_orig"]["qa_acc_final"]),  # expected (ii)
        })
        print({k: round(v, 4) for k, v in st.metrics.items()})


if __name__ == "__main__":
    main()
