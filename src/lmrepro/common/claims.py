"""Claims are data: each paper config lists them; this evaluator turns per-seed metrics into verdicts.

A claim in config/papers/<slug>.yaml:

    - id: A1
      statement: "MeCo's URL steers recall: p_true(reliable URL) - p_true(unreliable URL) >= 0.5"
      metric: steer_gap_meco        # a key in each seed's metrics
      agg: mean                     # mean: the seed mean must satisfy op; every: each seed must
      op: ">="
      threshold: 0.5
      reported: {value: ..., source: "Table 1"}   # the paper's own figure, or null = "not recorded"

claims.json: {"paper", "scale", "seeds", "claims": [{"id", "statement", "observed", "op", "threshold", "holds",
"agg", "sd", "per_seed", "reported"}]} where observed is the seed mean for `mean` and the worst seed for `every`.
"""
from __future__ import annotations

import math
import operator
import statistics

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _lookup(metrics: dict, dotted: str, where: str):
    node = metrics
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"claim {where}: metric {dotted!r} not found in the seed's metrics "
                           f"(available: {', '.join(sorted(metrics))})")
        node = node[key]
    return float(node)


def evaluate_claim(claim: dict, per_seed: dict[int, dict]) -> dict:
    op = OPS[claim["op"]]
    agg = claim.get("agg", "mean")
    values = {seed: _lookup(m, claim["metric"], claim["id"]) for seed, m in sorted(per_seed.items())}
    vals = list(values.values())
    if any(math.isnan(v) for v in vals):
        mean = sd = float("nan")
    else:
        mean = statistics.fmean(vals)
        sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
    if math.isnan(mean):
        holds, observed = False, float("nan")
    elif agg == "every":
        holds = all(op(v, claim["threshold"]) for v in vals)
        worst = min if claim["op"] in (">=", ">") else max
        observed = worst(vals)
    elif agg == "mean":
        holds, observed = op(mean, claim["threshold"]), mean
    else:
        raise ValueError(f"claim {claim['id']}: unknown agg {agg!r} (mean | every)")
    return {"id": claim["id"], "statement": claim["statement"], "metric": claim["metric"], "agg": agg,
            "observed": observed, "mean": mean, "sd": sd, "op": claim["op"], "threshold": claim["threshold"],
            "holds": bool(holds), "per_seed": {str(k): v for k, v in values.items()},
            "reported": claim.get("reported")}


def evaluate_claims(paper: str, scale: str, claims: list[dict], per_seed: dict[int, dict]) -> dict:
    if not per_seed:
        raise ValueError(f"{paper}: no per-seed metrics to evaluate claims on")
    return {"paper": paper, "scale": scale, "seeds": sorted(per_seed),
            "claims": [evaluate_claim(c, per_seed) for c in claims]}
