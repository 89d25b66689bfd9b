"""Per seed: the plumbing checks (A1), forgetting at the accuracy target per arm (A2, A3) and the trade-off plot.

    lmrepro stage kappatune.evaluate --scale small --seed 0 --in base=results/small/kappatune/runs/seed0/base \
        --in kappa=.../kappa.json --in model_full=.../ft_full --in run_full=.../finetune_full.json ... \
        --out plot=.../tradeoff.png --out metrics=.../evaluate.json
    (one model_<arm> / run_<arm> pair per arm of arms.run; ci: --scale ci)

- selection_matches_lowest: kappa_low's trainable names are exactly the k lowest-kappa tensors of kappa.json.
- frozen_unchanged: in every selective arm (kappa_*, random_*, matched_*), the share of tensors outside its
  selection that are bitwise equal to the base's (1.0 expected), and trained_changed: the share of selected tensors
  that did move (a check that can fail: an arm whose optimizer missed its tensors).
- forgetting_at_target_<arm>, reached_target_<arm>, n_trainable_params_<arm>; the claim's difference
  kappa_low - full and whether both arms reached the target; the mean over the random and the matched draws.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from lmrepro.common.io import atomic_file, read_json
from lmrepro.common.stage import Stage
from lmrepro.papers.kappatune import kappa as K
from lmrepro.papers.kappatune.finetune import strategy_of
from lmrepro.papers.kappatune.params import ArmsConfig, KappaConfig


def weights(directory) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    out = {}
    for path in sorted(directory.glob("*.safetensors")):
        out.update(load_file(path))
    return out


def frozen_check(base: dict[str, torch.Tensor], tuned: dict[str, torch.Tensor],
                 trainable: list[str]) -> tuple[float, float]:
    """(share of tensors outside `trainable` bitwise equal in both, share of `trainable` tensors that differ)."""
    if set(base) != set(tuned):
        raise ValueError(f"the fine-tuned model's tensors differ from the base's: {sorted(set(base) ^ set(tuned))[:5]}")
    frozen = [n for n in base if n not in trainable]
    trained = [n for n in base if n in trainable]
    unchanged = sum(torch.equal(base[n], tuned[n]) for n in frozen) / max(1, len(frozen))
    changed = sum(not torch.equal(base[n], tuned[n]) for n in trained) / max(1, len(trained))
    return unchanged, changed


def tradeoff_plot(runs: dict[str, dict], target: float, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for i, (arm, record) in enumerate(runs.items()):
        acc = dict(record["curves"]["eval/task_acc"])
        forget = dict(record["curves"]["eval/forgetting"])
        steps = sorted(acc)
        ax.plot([acc[s] for s in steps], [forget[s] for s in steps], marker=".", color=f"C{i}", label=arm)
    ax.axvline(target, color="grey", linestyle=":")
    ax.set_xlabel("task accuracy (held-out reviews)")
    ax.set_ylabel("forgetting: domain-A ppl / base - 1")
    ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def main() -> None:
    with Stage.from_argv("kappatune", "evaluate") as st:
        cfg = st.params("arms", ArmsConfig)
        kappa_cfg = st.params("kappa", KappaConfig)
        tensors = read_json(st.inp("kappa"))["tensors"]
        base = weights(st.inp("base"))
        runs = {arm: read_json(st.inp(f"run_{arm}")) for arm in cfg.run}
        out: dict[str, float] = {}

        low = K.lowest(tensors, kappa_cfg.k)
        out["selection_matches_lowest"] = float(sorted(runs["kappa_low"]["metrics"]["trainable"]) == sorted(low))
        unchanged, changed = [], []
        for arm in cfg.run:
            if strategy_of(arm) in ("kappa_low", "kappa_high", "random", "matched"):
                u, c = frozen_check(base, weights(st.inp(f"model_{arm}")), runs[arm]["metrics"]["trainable"])
                unchanged.append(u)
                changed.append(c)
        out["frozen_unchanged"] = min(unchanged)
        out["trained_changed"] = min(changed)

        for arm, record in runs.items():
            m = record["metrics"]
            for key in ("forgetting_at_target", "reached_target", "step_at_target", "n_trainable_params",
                        "final_task_acc", "final_forgetting"):
                out[f"{key}_{arm}"] = m[key]
        out["forget_kappa_low_minus_full"] = out["forgetting_at_target_kappa_low"] - out["forgetting_at_target_full"]
        out["reached_kappa_low_and_full"] = float(out["reached_target_kappa_low"] and out["reached_target_full"])
        for strategy in ("random", "matched"):
            values = [out[f"forgetting_at_target_{arm}"] for arm in cfg.run if strategy_of(arm) == strategy]
            # NaN when no draw reached the target; otherwise the mean of the draws that did (their count beside it)
            reached = [v for v in values if not math.isnan(v)]
            out[f"forgetting_at_target_{strategy}_mean"] = float(np.mean(reached)) if reached else math.nan
            out[f"reached_target_{strategy}_share"] = len(reached) / len(values) if values else math.nan
        tradeoff_plot(runs, cfg.acc_target, st.out("plot"))
        st.log_metrics(out)
        for key, value in sorted(out.items()):
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
