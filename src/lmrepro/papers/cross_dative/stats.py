"""Scores and statistics of the exposure runs (spec: Method / Metric, Analysis; Acceptance A1, A2, A4).

- `alternate`: the unseen construction of an exposure (DO -> PO, PO -> DO);
- `run_deltas`: delta = mean per-token log-prob of the generalization sentences in a construction after the
  exposure (best epoch) minus before it, per construction;
- `bootstrap_diff`: mean(a) - mean(b) with a percentile bootstrap CI (each group resampled with replacement);
- `ols`: least squares with conventional standard errors (score ~ features [+ seed fixed effects]);
- `mixed_effects`: the paper's linear mixed model, score ~ features with crossed random intercepts for LM seed and
  item (statsmodels MixedLM: one group, each random factor a variance component).
"""
from __future__ import annotations

import numpy as np


def alternate(exposure: str) -> str:
    if exposure not in ("DO", "PO"):
        raise ValueError(f"no alternate construction for exposure {exposure!r}")
    return "PO" if exposure == "DO" else "DO"


def run_deltas(run: dict, state: str = "best") -> dict:
    """{"DO": delta, "PO": delta} of one exposure run (mean over the generalization sentences)."""
    return {f: float(np.mean(run["gen"][state][f]) - np.mean(run["gen"]["before"][f])) for f in ("DO", "PO")}


def bootstrap_diff(a, b, n_boot: int, ci: float, rng: np.random.Generator) -> tuple[float, float, float]:
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("bootstrap_diff needs two non-empty groups")
    boots = (rng.choice(a, (n_boot, len(a))).mean(1) - rng.choice(b, (n_boot, len(b))).mean(1))
    lo, hi = np.quantile(boots, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return float(a.mean() - b.mean()), float(lo), float(hi)


def ols(X: np.ndarray, y: np.ndarray, names: list[str]) -> dict:
    """{name: {"coef", "se"}} of y ~ X (X includes the intercept column)."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    if X.shape[0] <= X.shape[1]:
        raise ValueError(f"OLS needs more rows ({X.shape[0]}) than columns ({X.shape[1]})")
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    sigma2 = resid @ resid / (X.shape[0] - X.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.pinv(X.T @ X)))
    return {n: {"coef": float(c), "se": float(s)} for n, c, s in zip(names, coef, se)}


def design(table, seed_effects: bool) -> tuple[np.ndarray, list[str]]:
    """Intercept, harmonic (1/0), PO exposure (1/0) [, one dummy per seed but the first] for dative runs."""
    cols = [np.ones(len(table)), (table["alignment"] == "harmonic").to_numpy(float),
            (table["exposure"] == "PO").to_numpy(float)]
    names = ["intercept", "harmonic", "po_exposure"]
    if seed_effects:
        for s in sorted(table["seed"].unique())[1:]:
            cols.append((table["seed"] == s).to_numpy(float))
            names.append(f"seed{s}")
    return np.column_stack(cols), names


def mixed_effects(table, response: str, features: list[str]) -> dict:
    """{name: {"coef", "se"}} of `response` ~ `features` + (1 | seed) + (1 | item), by REML, plus the variance
    components ("seed_var", "item_var") and the residual variance ("scale")."""
    import statsmodels.formula.api as smf

    data = table.assign(one=1)
    fit = smf.mixedlm(f"{response} ~ {' + '.join(features)}", data, groups="one", re_formula="0",
                      vc_formula={"seed": "0 + C(seed)", "item": "0 + C(item)"}).fit(reml=True)
    out = {("intercept" if name == "Intercept" else name): {"coef": float(fit.fe_params[name]),
                                                           "se": float(fit.bse_fe[name])}
           for name in fit.fe_params.index}
    out.update({f"{name}_var": float(v) for name, v in zip(fit.model.exog_vc.names, fit.vcomp)})
    out["scale"] = float(fit.scale)
    return out
