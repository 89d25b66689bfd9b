"""Record every layer's activations on the balanced held-out windows (spec: DAG `extract_acts`).

    lmrepro stage word_class.extract_acts --scale small --seed 0 --in windows=.../windows \
        --in trained=.../ckpt/nwp --in untrained=.../ckpt/untrained \
        --out acts=results/small/word_class/runs/seed0/acts --out metrics=.../extract_acts.json

Output directory: {trained,untrained}_{layer}.npy (float32, one row per test window, in windows_test.npz order)
for layer in input, hidden1..K, logits; labels.npz (target_class, last_class, class_names).
"""
from __future__ import annotations

import json

import numpy as np
import torch

from lmrepro.common.io import atomic_dir
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.model import load_mlp

CKPTS = ("trained", "untrained")


def main() -> None:
    with Stage.from_argv("word_class", "extract_acts") as st:
        test = np.load(st.inp("windows") / "windows_test.npz")
        ids = torch.from_numpy(test["inputs"])
        m = {}
        with atomic_dir(st.out("acts")) as tmp:
            for ckpt in CKPTS:
                with torch.no_grad():
                    acts = load_mlp(st.inp(ckpt)).forward_layers(ids)
                for layer, a in acts.items():
                    np.save(tmp / f"{ckpt}_{layer}.npy", a.numpy().astype(np.float32))
                    m[f"dead_frac_{ckpt}_{layer}"] = float((a.std(0) == 0).float().mean())
            classes = json.loads((st.inp("windows") / "vocab.json").read_text())["classes"]
            np.savez(tmp / "labels.npz", target_class=test["target_class"], last_class=test["last_class"],
                     class_names=np.array(classes))
        st.log_metrics({"n_windows": int(ids.shape[0]), **m})


if __name__ == "__main__":
    main()
