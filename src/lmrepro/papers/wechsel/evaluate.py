"""Compare the three arms' held-out TGT perplexity curves of one seed (spec: Small scale / Metrics, A1-A2).

    lmrepro stage wechsel.evaluate --scale small --seed 0 --in wechsel=.../train_target_wechsel.json \
        --in randemb_body=.../train_target_randemb_body.json --in fullrand=.../train_target_fullrand.json \
        --out metrics=results/small/wechsel/runs/seed0/evaluate.json

Metrics (steps come from `evaluate`, so every scale reports the same names):
- ppl_<arm>_step<N> for every evaluated step; ppl_ratio_wechsel_fullrand_step<N>;
- ppl_ratio_wechsel_fullrand_headstart: PPL(WECHSEL) / PPL(FullRand) at `headstart_step` (A1: <= 0.8);
- ppl_gap_randemb_wechsel_early: PPL(RandEmb+Body) - PPL(WECHSEL) at `early_step` (A2: > 0), and the ratio;
- order_early / order_init: 1 if PPL(WECHSEL) < PPL(RandEmb+Body) < PPL(FullRand) at `early_step` / step 0;
- steps_to_match: the first evaluated step at which FullRand reaches WECHSEL's `early_step` PPL (capped at
  the last step; steps_to_match_reached says whether it got there), and steps_to_match / early_step;
- gap_shrink: ratio at the last step minus ratio at `headstart_step` (> 0: FullRand catches up).
"""
from __future__ import annotations

from lmrepro.common.io import read_json
from lmrepro.common.stage import Stage
from lmrepro.papers.wechsel.params import ARMS, EvaluateConfig


def curve(record: dict) -> dict[int, float]:
    return {int(k[len("ppl_step"):]): v for k, v in record["metrics"].items() if k.startswith("ppl_step")}


def main() -> None:
    with Stage.from_argv("wechsel", "evaluate") as st:
        cfg = st.params("evaluate", EvaluateConfig)
        ppl = {arm: curve(read_json(st.inp(arm))) for arm in ARMS}
        steps = sorted(set.intersection(*(set(c) for c in ppl.values())))
        for need in (0, cfg.early_step, cfg.headstart_step):
            if need not in steps:
                raise SystemExit(f"wechsel.evaluate: step {need} was not evaluated (run.eval_at must include it)")
        w, r, f = ppl["wechsel"], ppl["randemb_body"], ppl["fullrand"]
        m = {}
        for s in steps:
            for arm in ARMS:
                m[f"ppl_{arm}_step{s}"] = ppl[arm][s]
            m[f"ppl_ratio_wechsel_fullrand_step{s}"] = w[s] / f[s]
            m[f"ppl_ratio_randemb_fullrand_step{s}"] = r[s] / f[s]
        early, head, last = cfg.early_step, cfg.headstart_step, steps[-1]
        m["ppl_ratio_wechsel_fullrand_headstart"] = w[head] / f[head]
        m["ppl_ratio_randemb_fullrand_headstart"] = r[head] / f[head]
        m["ppl_gap_randemb_wechsel_early"] = r[early] - w[early]
        m["ppl_ratio_wechsel_randemb_early"] = w[early] / r[early]
        m["order_init"] = float(w[0] < r[0] < f[0])
        m["order_early"] = float(w[early] < r[early] < f[early])
        reached = [s for s in steps if f[s] <= w[early]]
        m["steps_to_match"] = float(reached[0] if reached else last)
        m["steps_to_match_reached"] = float(bool(reached))
        m["steps_to_match_over_early"] = m["steps_to_match"] / early if early else float("nan")
        m["gap_shrink"] = w[last] / f[last] - w[head] / f[head]
        st.log_metrics(m)
        for s in steps:
            print(f"step {s:4d}  " + "  ".join(f"{arm} {ppl[arm][s]:8.2f}" for arm in ARMS))


if __name__ == "__main__":
    main()
