"""Condition numbers of the base model's weight tensors (spec DAG compute_kappa; paper §KappaTune, cached to JSON).

    lmrepro stage kappatune.compute_kappa --scale small --seed 0 --in base=results/small/kappatune/runs/seed0/base \
        --out kappa=results/small/kappatune/runs/seed0/kappa.json --out plot=.../kappa_hist.png --out metrics=...
    (ci: --scale ci; paper: --scale paper --in base=data/hub/allenai/OLMoE-1B-7B-0924)

kappa.json: {"model_hash": the base's weights hash (the cache key: a selection read against other weights is
refused), "tensors": {name: {"kappa", "shape", "kind"}}}. Metrics: the largest relative difference from
numpy.linalg.cond(W, 2) in double precision (A1), kappa by module kind and what share of the k lowest are MLP
matrices (spec pilot: kappa order splits by module kind), and C1's report: the Spearman correlation of log kappa
with the log-volume sum_i log s_i of the matrix scaled to unit Frobenius norm (expected negative).
"""
from __future__ import annotations

import math

import numpy as np

from lmrepro.common.io import atomic_file, content_hash, write_json
from lmrepro.common.models import load_model
from lmrepro.common.stage import Stage
from lmrepro.papers.kappatune import kappa as K
from lmrepro.papers.kappatune.params import KappaConfig


def histogram(tensors: dict[str, dict], path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.2))
    kinds = sorted({v["kind"] for v in tensors.values()})
    ax.hist([[math.log10(v["kappa"]) for v in tensors.values() if v["kind"] == kind] for kind in kinds],
            bins=20, stacked=True, label=kinds)
    ax.set_xlabel("log10 kappa")
    ax.set_ylabel("tensors")
    ax.legend()
    fig.tight_layout()
    with atomic_file(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def main() -> None:
    from scipy.stats import spearmanr

    with Stage.from_argv("kappatune", "compute_kappa") as st:
        cfg = st.params("kappa", KappaConfig)
        base = st.inp("base")
        model = load_model(base)
        tensors = K.analyse(model, cfg)
        weights = dict(model.named_parameters())
        rel_err, log_volumes = [], []
        for name, entry in tensors.items():
            matrix = weights[name].detach().double().reshape(weights[name].shape[0], -1)
            reference = float(np.linalg.cond(matrix.numpy(), 2))
            rel_err.append(abs(entry["kappa"] - reference) / reference)
            log_volumes.append(K.log_volume(matrix / matrix.norm()))
        write_json(st.out("kappa"), {"model_hash": content_hash(sorted(base.glob("*.safetensors"))),
                                     "tensors": tensors})
        histogram(tensors, st.out("plot"))
        low = K.lowest(tensors, cfg.k)
        log_kappa = {kind: [math.log10(v["kappa"]) for v in tensors.values() if v["kind"] == kind]
                     for kind in ("attention", "mlp")}
        st.log_metrics({
            "n_analysed": len(tensors),
            "max_rel_err_vs_numpy": max(rel_err),
            "kappa_low_share_mlp": sum(tensors[n]["kind"] == "mlp" for n in low) / len(low),
            **{f"mean_log10_kappa_{kind}": float(np.mean(v)) if v else math.nan for kind, v in log_kappa.items()},
            "c1_spearman_logkappa_logvolume": float(spearmanr([math.log(v["kappa"]) for v in tensors.values()],
                                                             log_volumes).statistic),
        })
        for name in low:
            print(f"{name}: kappa {tensors[name]['kappa']:.2f}")


if __name__ == "__main__":
    main()
