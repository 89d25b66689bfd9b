"""gen_episodes: the motion world's tasks and the scripted expert's noisy demos (spec DAG: episodes).

    ci:    lmrepro stage rth.gen_episodes --scale ci --seed 0 --out data=data/ci/rth/seed0/episodes --out metrics=...
    small: lmrepro stage rth.gen_episodes --scale small --seed 0 --out data=... --out metrics=...
    paper: (not wired: RT-1 Kitchen episodes from Open X-Embodiment; dry-run only)

Writes world.json (task names and programs), train.jsonl and heldout.jsonl (one episode per row: task index,
T+1 scene records, T actions) and the word-level tokenizer every policy shares.
"""
from __future__ import annotations

from dataclasses import asdict

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.rth.tokens import vocabulary
from lmrepro.worlds.motion import expert_demos, make_world


def main() -> None:
    with Stage.from_argv("rth", "gen_episodes") as st:
        world_cfg, data_cfg, token_cfg = st.params("world"), st.params("data"), st.params("tokens")
        world = make_world(world_cfg, st.seed)
        train = expert_demos(world, world_cfg, st.seed, "train", data_cfg.train_per_task)
        heldout = expert_demos(world, world_cfg, st.seed, "heldout", data_cfg.heldout_per_task)
        tokenizer = build_word_tokenizer(vocabulary([t.name for t in world.tasks], token_cfg.state_bins,
                                                    token_cfg.action_bins))
        with atomic_dir(st.out("data")) as tmp:
            write_json(tmp / "world.json", {"tasks": [asdict(t) for t in world.tasks]})
            write_jsonl(tmp / "train.jsonl", train)
            write_jsonl(tmp / "heldout.jsonl", heldout)
            tokenizer.save_pretrained(tmp / "tokenizer")
        lengths = [len(e["actions"]) for e in train]
        st.log_metrics({"tasks": len(world.tasks), "train_episodes": len(train), "heldout_episodes": len(heldout),
                        "train_frames": sum(lengths), "mean_episode_steps": sum(lengths) / len(lengths),
                        "vocab_size": len(tokenizer)})


if __name__ == "__main__":
    main()
