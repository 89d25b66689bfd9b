"""Claims are data: each paper config lists them; this evaluator turns per-seed metrics into verdicts.

A claim in config/papers/<slug>.yaml:

    - id: A1
      statement: "MeCo's URL steers recall: p_true(reliable URL) - p_true(unreliable URL) >= 0.5"
      metric: evaluate.steer_gap_meco   # a key in each seed's metrics
      agg: mean                         # the claim's kind (below); mean when omitted
      op: ">="
      threshold: 0.5
      reported:                         # the paper's own figure that the claim mirrors, or null = "not recorded"
        value: "+0.6 pp"
        setting: "1.6B Llama on DCLM, average of 10 tasks, MeCo vs standard pretraining"
        source: "arXiv:2501.01956v3, Table 1"
        where: table
        comparison: direction           # ours is a toy version: only the sign compares (or: magnitude)

Kinds (`agg`), each comparing a per-seed value with `op threshold`:
- mean: the seed mean satisfies the comparison; observed = the mean.
- every: every seed does; observed = the worst seed.
- k_of_n: at least `k` seeds do; observed = how many do (shown "k/n").
- diff: per-seed value = `metric` - `baseline` (two metric keys); observed = the mean difference with a percentile
  bootstrap interval over seeds (`confidence`, default 0.95); the interval's lower bound (for > and >=) or upper
  bound (for < and <=) must satisfy the comparison. With one seed the interval is that seed's value.
- report: no comparison (no op, no threshold): the value is shown, never judged; `holds` is null.

claims.json: {"paper", "scale", "seeds", "claims": [{"id", "statement", "metric", "agg", "observed", "mean", "sd",
"op", "threshold", "holds", "per_seed", "per_seed_pass", "note", "reported"}], "paper_results"}, plus "k" and "n" for k_of_n and
"baseline", "confidence" and "interval" ([low, high]) for diff. per_seed_pass says whether each seed's value
satisfies the comparison (null for report); note explains a degenerate case (null otherwise).
"""
from __future__ import annotations

import math
import operator
import statistics

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
# the kinds, and what each needs besides id, statement and metric
FIELDS = {"mean": ("op", "threshold"), "every": ("op", "threshold"), "k_of_n": ("op", "threshold", "k"),
          "diff": ("op", "threshold", "baseline"), "report": ()}
BOOTSTRAP_RESAMPLES = 9999


def _lookup(metrics: dict, dotted: str, where: str):
    node = metrics
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"claim {where}: metric {dotted!r} not found in the seed's metrics "
                           f"(available: {', '.join(sorted(metrics))})")
        node = node[key]
    return float(node)


def _require(claim: dict, agg: str) -> None:
    """The schema checks configs; this repeats the check for claims built in code, naming the claim."""
    missing = [f for f in FIELDS[agg] if claim.get(f) is None]
    if missing:
        raise ValueError(f"claim {claim['id']}: agg {agg} needs {', '.join(missing)}")


def bootstrap_interval(values: list[float], confidence: float, claim_id: str) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean over seeds; resampling is seeded by the claim id, so the same
    values give the same interval. Needs >= 2 values (scipy refuses fewer)."""
    import numpy as np
    from scipy.stats import bootstrap

    from lmrepro.common.seeding import derive_seed

    result = bootstrap((np.asarray(values),), np.mean, n_resamples=BOOTSTRAP_RESAMPLES, confidence_level=confidence,
                       method="percentile", rng=np.random.default_rng(derive_seed(0, "claim", claim_id)))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def evaluate_claim(claim: dict, per_seed: dict[int, dict]) -> dict:
    agg = claim.get("agg", "mean")
    if agg not in FIELDS:
        raise ValueError(f"claim {claim['id']}: unknown agg {agg!r} ({' | '.join(FIELDS)})")
    _require(claim, agg)
    values = {seed: _lookup(m, claim["metric"], claim["id"]) for seed, m in sorted(per_seed.items())}
    if agg == "diff":
        values = {seed: v - _lookup(per_seed[seed], claim["baseline"], claim["id"]) for seed, v in values.items()}
    vals = list(values.values())
    if any(math.isnan(v) for v in vals):
        mean = sd = float("nan")
    else:
        mean = statistics.fmean(vals)
        sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
    record = {"id": claim["id"], "statement": claim["statement"], "metric": claim["metric"], "agg": agg,
              "observed": mean, "mean": mean, "sd": sd, "op": claim.get("op"), "threshold": claim.get("threshold"),
              "holds": None, "per_seed": {str(k): v for k, v in values.items()}, "per_seed_pass": None,
              "note": None, "reported": claim.get("reported")}
    if agg == "report":
        return record
    op, threshold = OPS[claim["op"]], claim["threshold"]
    passes = [op(v, threshold) for v in vals]  # a NaN seed never passes
    record["per_seed_pass"] = {str(seed): ok for seed, ok in zip(values, passes)}
    if agg == "k_of_n":
        k = seeds_needed(claim["k"], len(vals))
        record.update(k=k, n=len(vals), observed=sum(passes), holds=sum(passes) >= k)
        if k > len(vals):
            record["note"] = f"k = {k} exceeds the {len(vals)} seed(s) run: cannot hold"
    elif agg == "diff":
        confidence = claim.get("confidence", 0.95)
        if len(vals) > 1 and not math.isnan(mean):
            interval = bootstrap_interval(vals, confidence, claim["id"])
        else:  # scipy needs two values; a NaN mean has no interval
            interval = (mean, mean)
            if len(vals) == 1:
                record["note"] = "one seed: the interval degenerates to that seed's value"
        bound = interval[0] if claim["op"] in (">=", ">") else interval[1]
        record.update(baseline=claim["baseline"], confidence=confidence, interval=list(interval),
                      holds=op(bound, threshold))  # a NaN bound never holds
    elif math.isnan(mean):
        record.update(observed=float("nan"), holds=False)
    elif agg == "every":
        worst = min if claim["op"] in (">=", ">") else max
        record.update(observed=worst(vals), holds=all(passes))
    else:  # mean
        record["holds"] = op(mean, threshold)
    return record


def seeds_needed(k: int | float, n: int) -> int:
    """k_of_n's `k`: a count of seeds (an integer >= 1), or a share of the n seeds run (0 < k < 1, rounded up), so
    that "2 of 3 seeds" (k: 0.66) asks 7 of 10 where a scale runs 10 seeds."""
    return int(k) if k >= 1 else math.ceil(k * n - 1e-9)


def evaluate_claims(paper: str, scale: str, claims: list[dict], per_seed: dict[int, dict],
                    paper_results: dict | None = None) -> dict:
    """All of a paper's claims; `paper_results` (the config's block of the paper's headline figures) rides along
    so that the summary can show them beside ours."""
    if not per_seed:
        raise ValueError(f"{paper}: no per-seed metrics to evaluate claims on")
    return {"paper": paper, "scale": scale, "seeds": sorted(per_seed),
            "claims": [evaluate_claim(c, per_seed) for c in claims if scale in c.get("scales", [scale])],
            "paper_results": paper_results}


# -- rendering, shared by claims.html, summary.md, the report plot and the log ------------------------------------
def verdict_text(c: dict) -> str:
    return "report only" if c["holds"] is None else "holds" if c["holds"] else "does not hold"


def reported_text(rep: dict | None) -> str:
    """The paper's figure with what it measures and where it is printed; whether ours compares in direction only."""
    if not rep:
        return "not recorded"
    where = "; ".join(x for x in (rep.get("setting"), rep.get("source")) if x)
    text = f"{rep['value']} ({where or 'source not given'})"
    return text + {"direction": " [direction only]", "magnitude": ""}.get(rep.get("comparison"), "")


def check_text(c: dict, fmt) -> str:
    """The comparison a claim makes, e.g. "mean >= 0.5", "k_of_n: >= 2 seeds > 0", "diff: 95% CI low > 0"."""
    if c["agg"] == "report":
        return "report"
    comparison = f"{c['op']} {fmt(c['threshold'])}"
    if c["agg"] == "k_of_n":
        return f"k_of_n: >= {c['k']} seeds {comparison}"
    if c["agg"] == "diff":
        bound = "low" if c["op"] in (">=", ">") else "high"
        return f"diff {c['metric']} - {c['baseline']}: {c['confidence']:.0%} CI {bound} {comparison}"
    return f"{c['agg']} {comparison}"


def ours_text(c: dict, fmt) -> str:
    """Our figure: mean ± sd, with the seed count that passed (k_of_n) or the bootstrap interval (diff)."""
    text = f"{fmt(c['mean'])} ± {fmt(c['sd'])}"
    if c["agg"] == "k_of_n":
        text += f"; {c['observed']}/{c['n']} seeds pass"
    elif c["agg"] == "diff":
        low, high = c["interval"]
        text += f"; {c['confidence']:.0%} CI [{fmt(low)}, {fmt(high)}]"
    return text + (f"; {c['note']}" if c.get("note") else "")


def per_seed_text(c: dict, fmt) -> str:
    """Each seed's value, marked ✓/✗ by whether it passes the comparison where the claim makes one."""
    marks = c.get("per_seed_pass") or {}
    return ", ".join(f"{s}: {fmt(v)}" + ({True: " ✓", False: " ✗"}.get(marks.get(s), ""))
                     for s, v in c["per_seed"].items())


def claim_line(c: dict, fmt) -> str:
    """One line per claim for the plot and the log: "A1: holds: 0.6 ± 0.1 (mean >= 0.5)"."""
    return f"{c['id']}: {verdict_text(c)}: {ours_text(c, fmt)} ({check_text(c, fmt)})"
