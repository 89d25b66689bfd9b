"""gen_data: BabyAI bot demos, a small language-labeled subset, eval episodes per split, frozen text embeddings.

    lmrepro stage grif.gen_data --scale small --seed 0 \
        --out data=data/small/grif/seed0/gen_data --out metrics=data/small/grif/seed0/gen_data.json
    (ci: --scale ci, fewer demos and eval episodes; paper: BridgeData V2 is not wired, the same command dry-runs)

Spec DAG `gen_data` (Small scale / Data):
- `world.n_demos` expert demos of `world.level` (env seeds disjoint from the eval seeds), fully observed rooms;
- 25% of the (colour, type) object combos are held out of the labeled split only: `world.n_labeled` demos that
  name no held-out combo keep their mission, every other demo keeps only (s_t, a_t, s0, g = final room);
- eval episodes (fresh env seeds, with the bot's final room as the goal image for goal mode and for retrieval):
  split a names only labeled-split combos, split b names a held-out combo (its instruction is only ever seen as
  unlabeled transitions), split c is split a's episodes with the instruction rephrased by a template;
- every text (train missions, eval missions, paraphrases) embedded once by the frozen sentence encoder.
Outputs (directory): train.safetensors, eval.safetensors, text.safetensors, meta.json (texts, combos, splits).
"""
from __future__ import annotations

import json

import numpy as np
import torch
from safetensors.torch import save_file

from lmrepro.common import sentence_encoder
from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.grif.data import heldout_combos, mission_combos, paraphrase
from lmrepro.papers.grif.params import TextConfig, WorldConfig
from lmrepro.worlds import babyai

SPLITS = ("a", "b")  # split c reuses split a's episodes with paraphrased instructions


def room_arrays(views: list[dict]) -> dict[str, torch.Tensor]:
    return {"grid": torch.tensor([v["grid"] for v in views], dtype=torch.uint8),
            "pose": torch.tensor([v["pose"] for v in views], dtype=torch.long),
            "carries": torch.tensor([v["carries"] for v in views], dtype=torch.long)}


def episode_arrays(demos: list[dict], text_ids: list[int]) -> dict[str, torch.Tensor]:
    start = room_arrays([d["steps"][0]["full"] for d in demos])
    goal = room_arrays([d["final_full"] for d in demos])
    return {**{f"start_{k}": v for k, v in start.items()}, **{f"goal_{k}": v for k, v in goal.items()},
            "text": torch.tensor(text_ids, dtype=torch.long),
            "env_seed": torch.tensor([d["seed"] for d in demos], dtype=torch.long)}


with Stage.from_argv("grif", "gen_data") as st:
    world: WorldConfig = st.params("world")
    text_cfg: TextConfig = st.params("text")
    if world.eval_seed_offset <= world.n_demos:
        raise ValueError("world.eval_seed_offset must exceed n_demos: eval env seeds must be fresh")
    base = st.seed * 2 * world.eval_seed_offset  # this seed's env seeds: demos from base, eval from base + offset

    # data: expert demos and the labeled subset
    demos = babyai.bot_demos(world.level, range(base, base + world.n_demos), full=True)
    heldout = heldout_combos(world.heldout_frac, st.seed)
    touches_heldout = [bool(set(mission_combos(d["mission"])) & set(heldout)) for d in demos]
    eligible = [i for i, touch in enumerate(touches_heldout) if not touch]
    if len(eligible) < world.n_labeled:
        raise ValueError(f"only {len(eligible)} demos name no held-out combo; need n_labeled={world.n_labeled}")
    order = np.random.default_rng(derive_seed(st.seed, "labeled")).permutation(len(eligible))
    labeled = sorted(eligible[i] for i in order[:world.n_labeled])

    # eval episodes: fresh env seeds until each split has its episodes
    evals: dict[str, list[dict]] = {split: [] for split in SPLITS}
    next_seed, chunk = base + world.eval_seed_offset, 4 * world.eval_episodes
    while min(len(v) for v in evals.values()) < world.eval_episodes:
        for demo in babyai.bot_demos(world.level, range(next_seed, next_seed + chunk), full=True):
            split = "b" if set(mission_combos(demo["mission"])) & set(heldout) else "a"
            if len(evals[split]) < world.eval_episodes:
                evals[split].append(demo)
        next_seed += chunk
    rng = np.random.default_rng(derive_seed(st.seed, "paraphrase"))
    paraphrases = [paraphrase(d["mission"], world.paraphrases[int(rng.integers(len(world.paraphrases)))])
                   for d in evals["a"]]

    # texts: each distinct one embedded once by the frozen encoder
    texts = sorted({d["mission"] for d in demos} | {d["mission"] for v in evals.values() for d in v}
                   | set(paraphrases))
    text_id = {t: i for i, t in enumerate(texts)}
    embeddings = sentence_encoder.encode(texts, text_cfg.model)

    steps = [s for d in demos for s in d["steps"]]
    train = {**{f"step_{k}": v for k, v in room_arrays([s["full"] for s in steps]).items()},
             "step_action": torch.tensor([s["action"] for s in steps], dtype=torch.long),
             "step_episode": torch.tensor([i for i, d in enumerate(demos) for _ in d["steps"]], dtype=torch.long),
             **episode_arrays(demos, [text_id[d["mission"]] for d in demos]),
             "labeled": torch.tensor([i in set(labeled) for i in range(len(demos))], dtype=torch.bool)}
    eval_demos = evals["a"] + evals["b"]
    evaluation = {**episode_arrays(eval_demos, [text_id[d["mission"]] for d in eval_demos]),
                  "split": torch.tensor([SPLITS.index(s) for s in SPLITS for _ in evals[s]], dtype=torch.long),
                  "paraphrase": torch.tensor([text_id[p] for p in paraphrases], dtype=torch.long)}
    meta = {"level": world.level, "texts": texts, "heldout_combos": [list(c) for c in heldout],
            "splits": {"a": "names only labeled-split combos", "b": "names a held-out combo",
                       "c": "split a's episodes, instruction paraphrased"}}
    with atomic_dir(st.out("data")) as tmp:
        save_file(train, str(tmp / "train.safetensors"))
        save_file(evaluation, str(tmp / "eval.safetensors"))
        save_file({"embeddings": embeddings.contiguous()}, str(tmp / "text.safetensors"))
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True))

    labeled_steps = sum(len(demos[i]["steps"]) for i in labeled)
    st.log_metrics({"n_demos": len(demos), "n_transitions": len(steps), "n_labeled": len(labeled),
                    "n_labeled_transitions": labeled_steps, "labeled_share": len(labeled) / len(demos),
                    "heldout_combos": len(heldout), "demos_naming_heldout": sum(touches_heldout),
                    "mean_demo_length": len(steps) / len(demos), "n_texts": len(texts),
                    "eval_episodes_a": len(evals["a"]), "eval_episodes_b": len(evals["b"]),
                    "eval_seeds_drawn": next_seed - base - world.eval_seed_offset})
