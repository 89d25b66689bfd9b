"""train: one policy from the demos (spec DAG: train_{flat,rth,rth_joint,rth_onehot}); equal steps, frames per
step, initial weights and optimiser for every policy.

    ci:    lmrepro stage rth.train --scale ci --seed 0 --in episodes=... --in motions=... --out model=...
               --out metrics=... --set run.policy=rth
    small: the same with --scale small (run.policy: flat | rth | rth_joint | rth_onehot)
    paper: (not wired: PaliGemma-3B stand-in for PaLI-X; dry-run only)

RT-H (paper Sec. 3.1) asks both queries of every sampled frame with the same weights (CE on each completion):
Q_high -> the frame's motion, Q_low (task, state, motion) -> its action; the flat RT-2 baseline asks one query
(task, state) -> action; RT-H-Joint emits motion then action in one pass; RT-H-OneHot replaces the motion by an
id token.
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.common.models import build_model, n_params, save_model
from lmrepro.common.preference import completion_batch
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.train import causal_lm_loss, train
from lmrepro.papers.rth.frames import load_codec, load_frames, load_world
from lmrepro.papers.rth.policy import examples
from lmrepro.papers.rth.tokens import normalise_actions


def frame_examples(codec, policy: str, frames, max_step: float) -> list[list[tuple[list[int], list[int]]]]:
    norm = normalise_actions(frames.actions, max_step)
    return [examples(codec, policy, codec.prefix(scene, task), motion, a)
            for task, scene, motion, a in zip(frames.tasks, frames.scenes, frames.motions, norm)]


def frame_batches(rows: list[list[tuple]], frames_per_step: int, pad_id: int, seed: int):
    """get_batch(step): `frames_per_step` frames drawn without replacement, all their queries; pure in (seed, step)."""
    def get_batch(step: int) -> dict[str, torch.Tensor]:
        rng = np.random.default_rng([seed, step])
        picked = rng.choice(len(rows), size=min(frames_per_step, len(rows)), replace=False)
        return completion_batch([pair for i in picked.tolist() for pair in rows[i]], pad_id)

    return get_batch


def main() -> None:
    with Stage.from_argv("rth", "train") as st:
        run, world_cfg, token_cfg = st.params("run"), st.params("world"), st.params("tokens")
        batch_cfg, train_cfg, spec = st.params("batch"), st.params("train"), st.params("model")
        world = load_world(st.inp("episodes"))
        codec = load_codec(st.inp("episodes") / "tokenizer", world, world_cfg, token_cfg)
        frames = load_frames(st.inp("episodes"), st.inp("motions"), "train")
        rows = frame_examples(codec, run.policy, frames, world_cfg.max_step)
        get_batch = frame_batches(rows, batch_cfg.frames, codec.tok.pad_token_id, derive_seed(st.seed, "batches"))
        torch.manual_seed(derive_seed(st.seed, "init"))  # the same initial weights for every policy
        model = build_model(spec, tokenizer=codec.tok)
        result = train(model, causal_lm_loss, get_batch, train_cfg, log=st.log_curve, desc=f"train {run.policy}")
        st.log_timing(result["timing"])
        save_model(model, st.out("model"), codec.tok)
        st.log_metrics({"final_loss": result["loss"], "params": n_params(model), "frames": len(frames),
                        "queries_per_frame": len(rows[0])})


if __name__ == "__main__":
    main()
