"""A linear probe for the target word's class on each layer (spec: DAG `probe`, A4).

    lmrepro stage word_class.probe --scale small --seed 0 --in acts=results/small/word_class/runs/seed0/acts \
        --out metrics=results/small/word_class/runs/seed0/probe.json

scikit-learn logistic regression on standardised activations, trained on a seeded stratified half of the
balanced held-out windows and scored on the other half. Metrics: probe_acc_<ckpt>_<layer>, last_hidden_acc
(trained, A4: >= 0.8), majority_baseline (the most frequent class of the probe's training half, scored on the
test half; A4: <= 0.35).
"""
from __future__ import annotations

import numpy as np
from safetensors.numpy import load_file

from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.extract_acts import CKPTS
from lmrepro.papers.word_class.gdv import layers_in, load_acts
from lmrepro.papers.word_class.params import ProbeConfig


def probe_accuracy(x: np.ndarray, y: np.ndarray, cfg: ProbeConfig, seed: int) -> tuple[float, float]:
    """(probe accuracy, majority-class accuracy) on a stratified held-out split."""
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=cfg.test_frac, stratify=y, random_state=seed)
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=cfg.c, max_iter=cfg.max_iter))
    acc = clf.fit(x_tr, y_tr).score(x_te, y_te)
    majority = DummyClassifier(strategy="most_frequent").fit(x_tr, y_tr).score(x_te, y_te)
    return float(acc), float(majority)


def main() -> None:
    with Stage.from_argv("word_class", "probe") as st:
        cfg = st.params("probe", ProbeConfig)
        acts_dir = st.inp("acts")
        y = load_file(str(acts_dir / "labels.safetensors"))["target_class"]
        layers = layers_in(acts_dir)
        seed = derive_seed(st.seed, "probe") % 2**31
        m = {}
        for ckpt in CKPTS:
            for layer in layers:
                acc, majority = probe_accuracy(load_acts(acts_dir, ckpt, layer), y, cfg, seed)
                m[f"probe_acc_{ckpt}_{layer}"] = acc
        m["last_hidden_acc"] = m[f"probe_acc_trained_{layers[-2]}"]
        m["majority_baseline"] = majority
        st.log_metrics(m)
        print({k: round(v, 3) for k, v in m.items()})


if __name__ == "__main__":
    main()
