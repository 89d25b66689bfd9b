"""Record every layer's activations on the balanced held-out windows (spec: DAG `extract_acts`).

    lmrepro stage word_class.extract_acts --scale small --seed 0 --in windows=.../windows \
        --in trained=.../ckpt/nwp --in untrained=.../ckpt/untrained \
        --out acts=results/small/word_class/runs/seed0/acts --out metrics=.../extract_acts.json

Output directory: {trained,untrained}_{layer}.safetensors (key "acts", float32, one row per test window, in
windows_test order) for layer in input, hidden1..K, logits; labels.safetensors (target_class, last_class) and
classes.json (class names by label id).
"""
from __future__ import annotations

import json

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

from lmrepro.common.io import atomic_dir
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.model import load_mlp

CKPTS = ("trained", "untrained")


def main() -> None:
    with Stage.from_argv("word_class", "extract_acts") as st:
        test = load_file(str(st.inp("windows") / "windows_test.safetensors"))
        ids = torch.from_numpy(test["inputs"])
        m = {}
        with atomic_dir(st.out("acts")) as tmp:
            for ckpt in CKPTS:
                with torch.no_grad():
                    acts = load_mlp(st.inp(ckpt)).forward_layers(ids)
                for layer, a in acts.items():
                    save_file({"acts": a.numpy().astype(np.float32)}, str(tmp / f"{ckpt}_{layer}.safetensors"))
                    m[f"dead_frac_{ckpt}_{layer}"] = float((a.std(0) == 0).float().mean())
            classes = json.loads((st.inp("windows") / "vocab.json").read_text())["classes"]
            save_file({"target_class": test["target_class"], "last_class": test["last_class"]},
                      str(tmp / "labels.safetensors"))
            (tmp / "classes.json").write_text(json.dumps(classes))
        st.log_metrics({"n_windows": int(ids.shape[0]), **m})


if __name__ == "__main__":
    main()
