"""collect_corrections: a scripted oracle "human" corrects rollouts (paper Sec. 3.3; spec DAG:
collect_corrections_{lang,teleop}).

    ci:    lmrepro stage rth.collect_corrections --scale ci --seed 0 --in model=... --in episodes=...
               --out corrections=... --out metrics=... --set run.kind=lang
    small: the same with --scale small (run.kind: lang corrects RT-H, teleop corrects the flat policy)

The same `episodes` start scenes for both kinds (tasks in turn). Where the policy's action deviates from the
expert's, the oracle takes over for `span` steps: `lang` says the expert's motion and RT-H's low level acts on it;
`teleop` executes the expert's action. Both stop correcting after `max_steps` corrected steps. Each corrected step
is a row {task, state, motion | action} of corrections.jsonl.
"""
from __future__ import annotations

from lmrepro.common.io import write_jsonl
from lmrepro.common.models import load_model
from lmrepro.common.stage import Stage
from lmrepro.papers.rth.frames import load_codec, load_world
from lmrepro.papers.rth.params import CORRECTIONS
from lmrepro.papers.rth.policy import rollout
from lmrepro.worlds.motion import start_scenes


def main() -> None:
    with Stage.from_argv("rth", "collect_corrections") as st:
        run, world_cfg, token_cfg = st.params("run"), st.params("world"), st.params("tokens")
        cfg, labels = st.params("corrections"), st.params("labels")
        world = load_world(st.inp("episodes"))
        codec = load_codec(st.inp("model"), world, world_cfg, token_cfg)
        model = load_model(st.inp("model")).eval()
        scenes = start_scenes(world, world_cfg, st.seed, "corrections", cfg.episodes)
        result = rollout(model, codec, CORRECTIONS[run.kind], world, world_cfg, scenes, oracle=run.kind,
                         span=cfg.span, deviation=cfg.deviation, max_corrected=cfg.max_steps,
                         window=labels.window, threshold=labels.threshold)
        write_jsonl(st.out("corrections"), result["corrections"])
        st.log_metrics({"episodes": len(scenes), "corrected_steps": result["corrected_steps"],
                        "corrected_episodes": len({r["episode"] for r in result["corrections"]}),
                        "success_while_corrected": sum(result["success"]) / len(scenes)})


if __name__ == "__main__":
    main()
