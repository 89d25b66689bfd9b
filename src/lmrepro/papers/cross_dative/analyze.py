"""Pool every learner's scores (spec: DAG `analyze`): the cross-dative delta regressed on the exposure features,
either by OLS with seed fixed effects (ci/small: 3 seeds cannot estimate a seed variance) or by the paper's mixed
model with crossed random intercepts for LM seed and item (`analysis.model: mixed`, paper scale: 10 learners), and
the pooled DO->PO vs PO->DO asymmetry with a bootstrap CI.

    lmrepro stage cross_dative.analyze --scale small --in seed0=.../scores.parquet --in seed1=... \
        --out coefs=results/small/cross_dative/coefs.json --out metrics=results/small/cross_dative/analyze.json
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lmrepro.common.io import write_json
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.cross_dative.params import AnalysisConfig
from lmrepro.papers.cross_dative.stats import bootstrap_diff, design, mixed_effects, ols


def pooled(tables: dict[int, pd.DataFrame], cfg: AnalysisConfig, rng: np.random.Generator) -> dict:
    table = pd.concat([t.assign(seed=s) for s, t in sorted(tables.items())], ignore_index=True)
    dative = table[table["exposure"].isin(["DO", "PO"])]
    if cfg.model == "mixed":
        features = dative.assign(harmonic=(dative["alignment"] == "harmonic").astype(float),
                                 po_exposure=(dative["exposure"] == "PO").astype(float))
        coefs = mixed_effects(features, "delta_alt", ["harmonic", "po_exposure"])
        model = "delta_alt ~ harmonic + po_exposure + (1 | seed) + (1 | item), dative exposures, REML"
    else:
        X, names = design(dative, seed_effects=True)
        coefs = ols(X, dative["delta_alt"].to_numpy(), names)
        model = "delta_alt ~ harmonic + po_exposure + seed (fixed effects), dative exposures"
    diff, lo, hi = bootstrap_diff(dative.loc[dative["exposure"] == "DO", "delta_alt"],
                                  dative.loc[dative["exposure"] == "PO", "delta_alt"], cfg.n_boot, cfg.ci, rng)
    return {"model": model,
            "n_runs": int(len(dative)), "seeds": sorted(tables), "coefs": coefs,
            "asymmetry_do_minus_po": {"estimate": diff, "ci": [lo, hi], "level": cfg.ci}}


def main() -> None:
    with Stage.from_argv("cross_dative", "analyze") as st:
        cfg = st.params("analysis", AnalysisConfig)
        tables = {int(name.removeprefix("seed")): pd.read_parquet(path) for name, path in st.inputs.items()
                  if name.startswith("seed")}
        if not tables:
            raise SystemExit("cross_dative.analyze: pass each seed's scores as --in seed<N>=PATH")
        result = pooled(tables, cfg, np.random.default_rng(derive_seed(min(tables), "pooled_bootstrap")))
        write_json(st.out("coefs"), result)
        st.log_metrics({"harmonic_coef": result["coefs"]["harmonic"]["coef"],
                        "harmonic_se": result["coefs"]["harmonic"]["se"],
                        "asymmetry": result["asymmetry_do_minus_po"]["estimate"],
                        "asymmetry_lo": result["asymmetry_do_minus_po"]["ci"][0],
                        "asymmetry_hi": result["asymmetry_do_minus_po"]["ci"][1]})
        print(result)


if __name__ == "__main__":
    main()
