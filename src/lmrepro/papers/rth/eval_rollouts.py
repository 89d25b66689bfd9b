"""eval_rollouts: closed-loop success of every policy, and of RT-H with online language corrections (spec DAG:
eval_rollouts; paper: real-robot success, RT-H vs RT-2 and ablations; RT-H-Intervene vs RT-2-IWR).

    ci:    lmrepro stage rth.eval_rollouts --scale ci --seed 0 --in flat=... --in rth=... --in rth_joint=...
               --in rth_onehot=... --in rth_intervene=... --in flat_iwr=... --in episodes=... --out metrics=...
    small: the same with --scale small

All policies start from the same held-out scenes (`episodes_per_task` per task, batched across episodes, greedy
decoding). `success_rth_online` lets the oracle correct RT-H in language whenever it deviates (no budget): the
low level follows the supplied motions.
"""
from __future__ import annotations

from collections import defaultdict

from lmrepro.common.models import load_model
from lmrepro.common.stage import Stage
from lmrepro.papers.rth.frames import load_codec, load_world
from lmrepro.papers.rth.params import FINETUNED, POLICIES
from lmrepro.papers.rth.policy import rollout
from lmrepro.worlds.motion import start_scenes

BASE = {**{p: p for p in POLICIES}, **FINETUNED}


def main() -> None:
    with Stage.from_argv("rth", "eval_rollouts") as st:
        world_cfg, token_cfg, cfg = st.params("world"), st.params("tokens"), st.params("rollouts")
        corr, labels = st.params("corrections"), st.params("labels")
        world = load_world(st.inp("episodes"))
        codec = load_codec(st.inp("rth"), world, world_cfg, token_cfg)
        n = cfg.episodes_per_task * len(world.tasks)
        metrics: dict[str, float] = {"episodes": n}
        for name, policy in [*BASE.items(), ("rth_online", "rth")]:
            model = load_model(st.inp(name if name != "rth_online" else "rth")).eval()
            scenes = start_scenes(world, world_cfg, st.seed, "eval", n)  # fresh copies: rollouts move objects
            result = rollout(model, codec, policy, world, world_cfg, scenes,
                             oracle="lang" if name == "rth_online" else "", span=corr.span,
                             deviation=corr.deviation, window=labels.window, threshold=labels.threshold)
            metrics[f"success_{name}"] = sum(result["success"]) / n
            by_template = defaultdict(list)
            for (task, _), ok in zip(scenes, result["success"]):
                by_template[world.tasks[task].template].append(ok)
            for template, oks in sorted(by_template.items()):
                metrics[f"success_{name}_{template}"] = sum(oks) / len(oks)
            if name == "rth_online":
                metrics["online_corrected_steps"] = result["corrected_steps"]
        s = {k: metrics[f"success_{k}"] for k in [*BASE, "rth_online"]}
        metrics.update({"success_rth_minus_flat": s["rth"] - s["flat"],
                        "success_online_minus_rth": s["rth_online"] - s["rth"],
                        "success_intervene_minus_iwr": s["rth_intervene"] - s["flat_iwr"],
                        "success_intervene_minus_rth": s["rth_intervene"] - s["rth"],
                        "success_iwr_minus_flat": s["flat_iwr"] - s["flat"],
                        "success_onehot_minus_rth": s["rth_onehot"] - s["rth"],
                        "success_joint_minus_rth": s["rth_joint"] - s["rth"]})
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
