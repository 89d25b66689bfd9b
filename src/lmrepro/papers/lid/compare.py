"""The per-seed differences the acceptance checks are stated on (spec Acceptance), from the arms' metrics.

    lmrepro stage lid.compare --scale small --seed 0 --in bc_lid_pre=results/small/lid/runs/seed0/bc_lid_pre.json \
        --in bc_lid_scratch=... --in bc_mlp1=... --in adg_relabel=... --in adg_norelabel=... \
        --out metrics=results/small/lid/runs/seed0/compare.json

adg_gain_in_dist = relabel - norelabel (in-distribution success); novel_<a>_minus_<b> between BC arms on
novel-combination success. The claims take the seed mean of each (spec: mean(A) - mean(B) = mean(A - B)).
"""
from __future__ import annotations

from lmrepro.common.io import read_json
from lmrepro.common.stage import Stage

NOVEL_GAPS = (("lid_scratch", "mlp1"), ("lid_pre", "mlp1"), ("lid_pre", "lid_scratch"))


def success(st: Stage, name: str, split: str) -> float:
    return float(read_json(st.inp(name))["metrics"][f"success_{split}"])


def main() -> None:
    with Stage.from_argv("lid", "compare") as st:
        metrics = {"adg_gain_in_dist": success(st, "adg_relabel", "in_dist") - success(st, "adg_norelabel", "in_dist"),
                   "adg_gain_novel": success(st, "adg_relabel", "novel") - success(st, "adg_norelabel", "novel")}
        for a, b in NOVEL_GAPS:
            metrics[f"novel_{a}_minus_{b}"] = success(st, f"bc_{a}", "novel") - success(st, f"bc_{b}", "novel")
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
