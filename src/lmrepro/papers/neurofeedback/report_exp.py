"""Reporting (paper §4, Fig. 2; spec Acceptance A2-A3): how well each axis's labels can be predicted from N
in-context examples, by the ideal observer (a logistic regression on the examples' own activations) and by the
LM itself (its 0-vs-1 logits after the examples).

    lmrepro stage neurofeedback.report_exp --scale small --seed 0 --in data=data/small/neurofeedback/seed0/prep \
        --in model=results/small/neurofeedback/runs/seed0/lm --in axes=results/small/neurofeedback/runs/seed0/axes \
        --out metrics=results/small/neurofeedback/runs/seed0/report_exp.json

Metrics: observer_acc_<axis>_N<n>; observer_acc_LR (at the most examples); observer_LR_minus_low_pc (minus the
last PC fitted, PC96 at small); observer_PC1_gain (PC1 at the most examples minus at 4); lm_acc_<axis> (the mean
over the second half of each episode, where most examples are in context; per position as a curve);
lm_acc_attr_<attribute> on labels that are a world attribute (what meta-training shows in context: whether any
in-context learning emerged at all).
"""
from __future__ import annotations

import numpy as np
from safetensors.numpy import load_file

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.neurofeedback.method import encode_episode, label_token_ids, observer_accuracy, reported_labels
from lmrepro.papers.neurofeedback.params import ReportExpConfig
from lmrepro.worlds.attributes import ATTRIBUTES


def lm_accuracy(model, tokenizer, texts: list[str], labels: np.ndarray, cfg: ReportExpConfig,
                rng: np.random.Generator) -> np.ndarray:
    """(lm_pairs,) accuracy of the LM's report at each episode position, over `n_shuffles` random episodes."""
    zero_one = label_token_ids(tokenizer)
    correct = np.zeros(cfg.lm_pairs)
    for _ in range(cfg.n_shuffles):
        pick = rng.choice(len(texts), cfg.lm_pairs, replace=False)
        ids, label_at = encode_episode(tokenizer, [texts[i] for i in pick], labels[pick].tolist(), cfg.prompt_prefix)
        correct += reported_labels(model, ids, label_at, zero_one) == labels[pick]
    return correct / cfg.n_shuffles


def main() -> None:
    with Stage.from_argv("neurofeedback", "report_exp") as st:
        cfg = st.params("report_exp")
        names = read_json(st.inp("axes") / "axes.json")["names"]
        arrays = load_file(str(st.inp("axes") / "axes.safetensors"))
        acts, labels = arrays["probe"], arrays["probe_labels"]
        rows = read_jsonl(st.inp("data") / "probe.jsonl")
        if len(rows) != len(labels):
            raise SystemExit(f"{st.inp('axes')}: {len(labels)} labels for {len(rows)} probe sentences")
        unknown = sorted(set(cfg.lm_axes) - set(names))
        if unknown:
            raise SystemExit(f"report_exp.lm_axes {unknown} not among the fitted axes {names}")
        metrics = {}
        for k, name in enumerate(names):
            rng = np.random.default_rng(derive_seed(st.seed, "observer", name))
            for n, acc in observer_accuracy(acts, labels[:, k], cfg.positions, cfg.n_shuffles, cfg.observer_c,
                                            rng).items():
                metrics[f"observer_acc_{name}_N{n}"] = acc
                st.log_curve(f"observer_acc_{name}", n, acc)

        model, tokenizer = load_model(st.inp("model")).eval(), load_tokenizer(st.inp("model"))
        texts = [r["text"] for r in rows]
        targets = {name: labels[:, names.index(name)] for name in cfg.lm_axes}
        targets |= {f"attr_{a}": np.array([r[a] for r in rows]) for a in ATTRIBUTES if a in rows[0]}
        for name, y in targets.items():
            rng = np.random.default_rng(derive_seed(st.seed, "lm_report", name))
            curve = lm_accuracy(model, tokenizer, texts, y, cfg, rng)
            for i, acc in enumerate(curve, start=1):
                st.log_curve(f"lm_acc_{name}", i, float(acc))
            metrics[f"lm_acc_{name}"] = float(curve[cfg.lm_pairs // 2:].mean())
        # spec Acceptance A2 as differences within a seed: the most examples vs 4, the lowest-variance PC asked for
        n_hi, low_pc = max(cfg.positions), names[-1]
        at_most = {name: metrics[f"observer_acc_{name}_N{n_hi}"] for name in names}
        metrics["observer_LR_minus_low_pc"] = at_most["LR"] - at_most[low_pc]
        metrics["observer_PC1_minus_low_pc"] = at_most["PC1"] - at_most[low_pc]
        metrics["observer_PC1_gain"] = metrics[f"observer_acc_PC1_N{n_hi}"] - metrics["observer_acc_PC1_N4"]
        metrics["observer_acc_LR"] = at_most["LR"]
        st.log_metrics(metrics)
        for k, v in sorted(metrics.items()):
            print(f"  {k}: {v:.3f}")


if __name__ == "__main__":
    main()
