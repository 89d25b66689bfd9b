"""Train the next-word MLP; save its untrained twin at init with the same seed (spec: DAG `train_nwp`).

    lmrepro stage word_class.train_nwp --scale small --seed 0 --in windows=data/small/word_class/seed0/windows \
        --out trained=results/small/word_class/runs/seed0/ckpt/nwp \
        --out untrained=results/small/word_class/runs/seed0/ckpt/untrained --out metrics=.../train_nwp.json

Cross-entropy over the vocabulary, Adam (spec: 1500 steps, batch 128, lr 2e-3). Batches are a pure function of
(seed, step). Metrics: held-out next-word loss/accuracy, and next-class accuracy (the predicted word has the
target's class) for the trained and the untrained network.
"""
from __future__ import annotations

import json

import numpy as np
import torch
from safetensors.numpy import load_file

from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.word_class.model import MLPConfig, NextWordMLP, save_mlp
from lmrepro.papers.word_class.params import NWPDataConfig


def nwp_loss(model, batch):
    logits = model(batch["ids"])
    return torch.nn.functional.cross_entropy(logits, batch["target"]), {}


@torch.no_grad()
def heldout_scores(model: NextWordMLP, test: dict, word_class: np.ndarray) -> dict:
    logits = model(torch.from_numpy(test["inputs"]))
    target = torch.from_numpy(test["target"])
    pred = logits.argmax(-1).numpy()
    return {"loss": float(torch.nn.functional.cross_entropy(logits, target)),
            "word_acc": float((pred == test["target"]).mean()),
            "class_acc": float((word_class[pred] == test["target_class"]).mean())}


def main() -> None:
    with Stage.from_argv("word_class", "train_nwp") as st:
        mcfg = st.params("model", MLPConfig)
        tcfg = st.params("train", TrainConfig)
        dcfg = st.params("nwp_data", NWPDataConfig)
        windows = st.inp("windows")
        meta = json.loads((windows / "vocab.json").read_text())
        train_w = load_file(str(windows / "windows_train.safetensors"))
        test = load_file(str(windows / "windows_test.safetensors"))
        inputs, target = torch.from_numpy(train_w["inputs"]), torch.from_numpy(train_w["target"])
        # the class of each vocabulary word, from the test windows' gold labels (for next-class accuracy only)
        word_class = np.full(len(meta["vocab"]), -1)
        word_class[test["target"]] = test["target_class"]

        torch.manual_seed(derive_seed(st.seed, "init"))
        model = NextWordMLP(mcfg, len(meta["vocab"]), inputs.shape[1])
        save_mlp(model, st.out("untrained"))
        before = heldout_scores(model.eval(), test, word_class)

        batch_seed = derive_seed(st.seed, "batches")

        def get_batch(step: int) -> dict:
            g = torch.Generator().manual_seed(batch_seed + step)
            idx = torch.randint(len(target), (dcfg.batch_size,), generator=g)
            return {"ids": inputs[idx], "target": target[idx]}

        state = train(model, nwp_loss, get_batch, tcfg, log=st.log_curve, desc="word_class.train_nwp")
        after = heldout_scores(model.eval(), test, word_class)
        save_mlp(model, st.out("trained"))
        st.log_metrics({"train_loss": state["loss"], **{f"trained_{k}": v for k, v in after.items()},
                        **{f"untrained_{k}": v for k, v in before.items()},
                        "n_params": sum(p.numel() for p in model.parameters())})
        st.log_timing(state["timing"])
        print(f"held-out: untrained {before}  trained {after}")


if __name__ == "__main__":
    main()
