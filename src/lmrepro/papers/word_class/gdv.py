"""GDV per layer for trained/untrained x {target, last-input, shuffled} labels (spec: DAG `gdv`, Analysis, A1-A3).

    lmrepro stage word_class.gdv --scale small --seed 0 --in acts=results/small/word_class/runs/seed0/acts \
        --out mds=.../mds.png --out metrics=results/small/word_class/runs/seed0/gdv.json

Label sets (each balanced to equal counts per class, pitfall "class imbalance"):
- target: the class of the word to be predicted (the test windows are balanced by construction);
- last_input: the class of the 9th input word (windows whose last word is outside the classes are dropped, then
  every class is subsampled to the rarest one's count; classes with < 2 windows are dropped);
- shuffled: the target labels in a seeded random order (the metric's null: GDV ~ 0).
Metrics: gdv_<ckpt>_<labels>_<layer> for every combination, and for the claims:
- trained_last_target: GDV(trained, last hidden, target) (A1: <= -0.10);
- last_trained_minus_untrained: that minus the untrained twin's (A1: <= -0.05);
- last_minus_input_trained: that minus the trained input layer's (spec: "below the input layer");
- max_abs_shuffled: the largest |GDV| over shuffled labels, every layer and both networks (A2: <= 0.02);
- last_minus_first_target: GDV(trained, last hidden, target) - GDV(trained, first hidden, target) (A3: < 0);
- target_minus_last_input_last: target GDV minus last-input GDV at the last hidden layer of the trained network
  (pitfall "confound": < 0 means the next word's class is the stronger organiser there).
mds.png: 2-D metric MDS of the trained network's input and last hidden layer, coloured by target class.
"""
from __future__ import annotations

import json

import numpy as np
from safetensors.numpy import load_file

from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.extract_acts import CKPTS
from lmrepro.papers.word_class.measures import gdv
from lmrepro.papers.word_class.params import AnalysisConfig


def balanced_subset(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices with equal counts per label (the rarest label's count); labels < 0 and labels seen once drop."""
    classes, counts = np.unique(labels[labels >= 0], return_counts=True)
    classes = classes[counts >= 2]
    n = counts[counts >= 2].min()
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(labels == c), n, replace=False) for c in classes]))


def layers_in(acts_dir) -> list[str]:
    names = {p.stem.split("_", 1)[1] for p in acts_dir.glob("trained_*.safetensors")}
    hidden = sorted((n for n in names if n.startswith("hidden")), key=lambda n: int(n[len("hidden"):]))
    return ["input", *hidden, "logits"]


def load_acts(acts_dir, ckpt: str, layer: str) -> np.ndarray:
    return load_file(str(acts_dir / f"{ckpt}_{layer}.safetensors"))["acts"]


def mds_plot(path, points: dict[str, np.ndarray], labels: np.ndarray, class_names: list[str], seed: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import MDS

    fig, axes = plt.subplots(1, len(points), figsize=(5 * len(points), 4.5))
    for ax, (title, x) in zip(np.atleast_1d(axes), points.items()):
        xy = MDS(n_components=2, n_init=1, init="random", max_iter=200, random_state=seed).fit_transform(x)
        for c, name in enumerate(class_names):
            ax.scatter(*xy[labels == c].T, s=8, label=name)
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main() -> None:
    with Stage.from_argv("word_class", "gdv") as st:
        cfg = st.params("analysis", AnalysisConfig)
        acts_dir = st.inp("acts")
        labels = load_file(str(acts_dir / "labels.safetensors"))
        target, last = labels["target_class"], labels["last_class"]
        rng = np.random.default_rng(derive_seed(st.seed, "gdv"))
        label_sets = {"target": (np.arange(len(target)), target),
                      "shuffled": (np.arange(len(target)), rng.permutation(target))}
        keep = balanced_subset(last, rng)
        label_sets["last_input"] = (keep, last[keep])
        layers = layers_in(acts_dir)
        m: dict[str, float] = {}
        acts = {(c, layer): load_acts(acts_dir, c, layer) for c in CKPTS for layer in layers}
        for (ckpt, layer), x in acts.items():
            for name, (idx, y) in label_sets.items():
                m[f"gdv_{ckpt}_{name}_{layer}"] = gdv(x[idx], y)
        first, last_hidden = layers[1], layers[-2]
        m["trained_last_target"] = m[f"gdv_trained_target_{last_hidden}"]
        m["last_trained_minus_untrained"] = m["trained_last_target"] - m[f"gdv_untrained_target_{last_hidden}"]
        m["last_minus_input_trained"] = m["trained_last_target"] - m["gdv_trained_target_input"]
        m["max_abs_shuffled"] = max(abs(v) for k, v in m.items() if "_shuffled_" in k)
        m["last_minus_first_target"] = m["trained_last_target"] - m[f"gdv_trained_target_{first}"]
        m["target_minus_last_input_last"] = m["trained_last_target"] - m[f"gdv_trained_last_input_{last_hidden}"]
        st.log_metrics(m)
        for ckpt in CKPTS:
            for name in label_sets:
                print(f"{ckpt:9s} {name:10s} " + "  ".join(f"{la} {m[f'gdv_{ckpt}_{name}_{la}']:+.3f}"
                                                         for la in layers))
        sub = np.sort(np.concatenate([rng.choice(np.flatnonzero(target == c), min(cfg.mds_per_class,
                                                 (target == c).sum()), replace=False) for c in np.unique(target)]))
        all_names = json.loads((acts_dir / "classes.json").read_text())
        class_names = [all_names[c] for c in np.unique(target)]
        mds_plot(st.out("mds"), {f"trained {la}": acts[("trained", la)][sub] for la in ("input", last_hidden)},
                 target[sub], class_names, derive_seed(st.seed, "mds"))


if __name__ == "__main__":
    main()
