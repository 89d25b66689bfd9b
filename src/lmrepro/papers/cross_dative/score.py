"""Score the exposure runs of one learner (spec: DAG `score`; Metric; Acceptance A1, A2, A4).

    lmrepro stage cross_dative.score --scale small --seed 0 \
        --in runs=results/small/cross_dative/runs/seed0/exposures.jsonl \
        --out scores=results/small/cross_dative/runs/seed0/scores.parquet --out metrics=.../score.json

scores.parquet: one row per run: item, exposure, alignment, instance, best_epoch, delta_alt (the unseen
construction; for the intransitive control NaN), delta_same, delta_DO, delta_PO.
Metrics (nats/token, means over the instances): delta_do (DO exposures, scored on PO), delta_po (PO exposures,
on DO), control_on_po / control_on_do (intransitive control), do_minus_control = delta_do - control_on_po,
po_minus_control = delta_po - control_on_do (A1); harmonic_minus_disharmonic over both exposure types and its
positive indicator (A2) (the control metrics are NaN where there is no control run: the official stimuli);
asymmetry = delta_do - delta_po with its bootstrap CI (A4); OLS coefficients of
delta_alt ~ harmonic + po_exposure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lmrepro.common.io import atomic_file, read_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.cross_dative.params import AnalysisConfig
from lmrepro.papers.cross_dative.stats import alternate, bootstrap_diff, design, ols, run_deltas


def score_table(runs: list[dict]) -> pd.DataFrame:
    rows = []
    for run in runs:
        d = run_deltas(run)
        dative = run["exposure"] in ("DO", "PO")
        rows.append({k: run[k] for k in ("item", "exposure", "alignment", "instance", "best_epoch")} | {
            "delta_alt": d[alternate(run["exposure"])] if dative else float("nan"),
            "delta_same": d[run["exposure"]] if dative else float("nan"),
            "delta_DO": d["DO"], "delta_PO": d["PO"],
            "delta_alt_final": run_deltas(run, "final")[alternate(run["exposure"])] if dative else float("nan")})
    return pd.DataFrame(rows)


def seed_metrics(table: pd.DataFrame, cfg: AnalysisConfig, rng: np.random.Generator) -> dict:
    dative = table[table["exposure"].isin(["DO", "PO"])]
    control = table[table["exposure"] == "intrans"]
    do, po = dative[dative["exposure"] == "DO"], dative[dative["exposure"] == "PO"]
    if do.empty or po.empty:
        raise ValueError("score needs DO and PO exposure runs")
    # the intransitive control is our small-scale design; the official stimuli (paper scale) have none: NaN
    harm = dative.loc[dative["alignment"] == "harmonic", "delta_alt"]
    dis = dative.loc[dative["alignment"] == "disharmonic", "delta_alt"]
    m = {"delta_do": do["delta_alt"].mean(), "delta_po": po["delta_alt"].mean(),
         "control_on_po": control["delta_PO"].mean(), "control_on_do": control["delta_DO"].mean(),
         "delta_same_do": do["delta_same"].mean(), "delta_same_po": po["delta_same"].mean(),
         "delta_do_final": do["delta_alt_final"].mean(), "delta_po_final": po["delta_alt_final"].mean()}
    m["do_minus_control"] = m["delta_do"] - m["control_on_po"]
    m["po_minus_control"] = m["delta_po"] - m["control_on_do"]
    m["min_exposure_delta"] = min(m["delta_do"], m["delta_po"])
    m["min_minus_control"] = min(m["do_minus_control"], m["po_minus_control"])
    if len(harm) and len(dis):
        m["harmonic_minus_disharmonic"] = harm.mean() - dis.mean()
        m["harmonic_positive"] = float(m["harmonic_minus_disharmonic"] > 0)
        for frame, sub in (("do", do), ("po", po)):
            m[f"harmonic_minus_disharmonic_{frame}"] = (sub.loc[sub["alignment"] == "harmonic", "delta_alt"].mean()
                                                        - sub.loc[sub["alignment"] == "disharmonic",
                                                                  "delta_alt"].mean())
        X, names = design(dative, seed_effects=False)
        for name, c in ols(X, dative["delta_alt"].to_numpy(), names).items():
            m[f"ols_{name}"], m[f"ols_{name}_se"] = c["coef"], c["se"]
    m["asymmetry"], m["asymmetry_lo"], m["asymmetry_hi"] = bootstrap_diff(do["delta_alt"], po["delta_alt"],
                                                                          cfg.n_boot, cfg.ci, rng)
    return {k: float(v) for k, v in m.items()}


def main() -> None:
    with Stage.from_argv("cross_dative", "score") as st:
        cfg = st.params("analysis", AnalysisConfig)
        table = score_table(read_jsonl(st.inp("runs")))
        metrics = seed_metrics(table, cfg, np.random.default_rng(derive_seed(st.seed, "bootstrap")))
        with atomic_file(st.out("scores")) as tmp:
            table.to_parquet(tmp, index=False)
        st.log_metrics(metrics)
        print(table.groupby(["exposure", "alignment"])[["delta_alt", "delta_DO", "delta_PO"]].mean().round(4))
        print({k: round(v, 4) for k, v in metrics.items()})


if __name__ == "__main__":
    main()
