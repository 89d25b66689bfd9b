"""eval_offline: held-out action MSE and token accuracy of each policy (spec DAG: eval_offline; paper: offline
action MSE on held-out data, RT-H ~20% below RT-2).

    ci:    lmrepro stage rth.eval_offline --scale ci --seed 0 --in flat=... --in rth=... --in rth_joint=...
               --in rth_onehot=... --in episodes=... --in motions=... --out metrics=...
    small: the same with --scale small

On every held-out demo frame each policy decodes greedily as at test time (RT-H: Q_high, then Q_low on its own
motion). Metrics: MSE of the de-tokenised actions against the demo's actions in the normalised [-1, 1] action space
(`mse_<policy>`), action-token accuracy (`token_acc_<policy>`), motion accuracy of the policies that predict one
(`motion_acc_<policy>`), and RT-H's low level given the labelled motion (`mse_rth_given_motion`).
"""
from __future__ import annotations

import numpy as np

from lmrepro.common.models import load_model
from lmrepro.common.stage import Stage
from lmrepro.papers.rth.frames import load_codec, load_frames, load_world
from lmrepro.papers.rth.params import POLICIES
from lmrepro.papers.rth.policy import act
from lmrepro.papers.rth.tokens import bin_index, normalise_actions


def action_metrics(pred: np.ndarray, true: np.ndarray, n_bins: int) -> dict[str, float]:
    """MSE over all dims (normalised space) and the share of dims whose predicted bin equals the true bin."""
    return {"mse": float(np.mean((pred - true) ** 2)),
            "token_acc": float(np.mean(bin_index(pred, n_bins) == bin_index(true, n_bins)))}


def main() -> None:
    with Stage.from_argv("rth", "eval_offline") as st:
        world_cfg, token_cfg = st.params("world"), st.params("tokens")
        world = load_world(st.inp("episodes"))
        codec = load_codec(st.inp("rth"), world, world_cfg, token_cfg)
        frames = load_frames(st.inp("episodes"), st.inp("motions"), "heldout")
        prefixes = [codec.prefix(scene, task) for task, scene in zip(frames.tasks, frames.scenes)]
        true = normalise_actions(frames.actions, world_cfg.max_step)
        metrics = {"heldout_frames": len(frames)}
        for policy in POLICIES:
            model = load_model(st.inp(policy)).eval()
            pred, motions = act(model, codec, policy, prefixes)
            for name, value in action_metrics(pred, true, token_cfg.action_bins).items():
                metrics[f"{name}_{policy}"] = value
            if motions is not None:
                metrics[f"motion_acc_{policy}"] = float(np.mean([m == t for m, t in zip(motions, frames.motions)]))
            if policy == "rth":
                given, _ = act(model, codec, policy, prefixes, motions=frames.motions)
                metrics["mse_rth_given_motion"] = action_metrics(given, true, token_cfg.action_bins)["mse"]
        for policy in POLICIES[1:]:
            metrics[f"mse_ratio_{policy}_flat"] = metrics[f"mse_{policy}"] / metrics["mse_flat"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
