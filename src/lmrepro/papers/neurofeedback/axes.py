"""Hidden activations, axes and labels (spec DAG extract_hidden -> fit_axes -> score_label, one job): each pool
and probe sentence's mean residual stream at `axes.layer`, the PC_k and LR axes fitted on the pool, and every
probe sentence's binarised label on every axis.

    lmrepro stage neurofeedback.axes --scale small --seed 0 --in data=data/small/neurofeedback/seed0/prep \
        --in model=results/small/neurofeedback/runs/seed0/lm --out axes=results/small/neurofeedback/runs/seed0/axes \
        --out metrics=results/small/neurofeedback/runs/seed0/axes.json

Output directory: axes.safetensors (pool, probe: (n, hidden), divided by the pool's RMS deviation; vectors, mean;
probe_labels: (n_probe, n_axes)) and axes.json (names, explained variance).
"""
from __future__ import annotations

import numpy as np
from safetensors.numpy import save_file

from lmrepro.common.io import atomic_dir, read_jsonl, write_json
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.neurofeedback.method import axis_labels, fit_axes, pooled_activations


def main() -> None:
    with Stage.from_argv("neurofeedback", "axes") as st:
        cfg = st.params("axes")
        model, tokenizer = load_model(st.inp("model")).eval(), load_tokenizer(st.inp("model"))
        rows = {split: read_jsonl(st.inp("data") / f"{split}.jsonl") for split in ("pool", "probe")}
        acts = {split: pooled_activations(model, tokenizer, [r["text"] for r in rs], cfg.layer)
                for split, rs in rows.items()}
        # one global scale (the pool's RMS deviation), so that the L2 strengths of the LR axis and of the observer
        # mean the same at any activation scale; directions, PCs and explained variance are unchanged
        rms = float(np.sqrt(((acts["pool"] - acts["pool"].mean(0)) ** 2).mean()))
        acts = {split: a / rms for split, a in acts.items()}
        pool_labels = np.array([r[cfg.lr_label] for r in rows["pool"]])
        axes = fit_axes(acts["pool"], pool_labels, cfg.pcs, cfg.lr_c, derive_seed(st.seed, "pca"))
        labels = axis_labels(acts["probe"], axes)
        with atomic_dir(st.out("axes")) as tmp:
            save_file({**acts, "vectors": axes["vectors"], "mean": axes["mean"], "probe_labels": labels},
                      str(tmp / "axes.safetensors"))
            write_json(tmp / "axes.json", {"names": axes["names"], "layer": cfg.layer,
                                           "explained_variance_ratio": axes["explained_variance_ratio"].tolist()})
        balance = labels.mean(0)
        semantic = np.array([r[cfg.lr_label] for r in rows["probe"]])
        evr = axes["explained_variance_ratio"]
        centred = acts["pool"] - axes["mean"]
        variance_share = ((centred @ axes["vectors"].T) ** 2).mean(0) / (centred ** 2).sum(1).mean()
        st.log_metrics({
            **{f"balance_{name}": float(b) for name, b in zip(axes["names"], balance)},
            "min_balance": float(balance.min()), "max_balance": float(balance.max()),
            # how far the LR axis is the dataset label on unseen sentences (the "semantic" axis of paper §4)
            "lr_axis_label_agreement": float((labels[:, 0] == semantic).mean()),
            **{f"evr_PC{k}": float(evr[k - 1]) for k in cfg.pcs},
            # the pool variance along the LR axis (paper §4: reportability follows the variance a direction explains)
            "lr_axis_variance_share": float(variance_share[0]),
            "hidden_size": int(acts["pool"].shape[1]), "activation_rms": rms})


if __name__ == "__main__":
    main()
