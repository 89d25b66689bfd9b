"""The data every rth stage shares: the world's tasks, the demos' frames with their motion labels, the codec."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lmrepro.common.io import read_json, read_jsonl
from lmrepro.common.models import load_tokenizer
from lmrepro.papers.rth.tokens import Codec
from lmrepro.worlds.motion import Task, World, scene_from_record


def load_world(episodes_dir: Path) -> World:
    return World([Task(**t) for t in read_json(Path(episodes_dir) / "world.json")["tasks"]])


def load_codec(tokenizer_dir: Path, world: World, world_cfg, token_cfg) -> Codec:
    return Codec(load_tokenizer(tokenizer_dir), [t.name for t in world.tasks], world_cfg.max_objects,
                 token_cfg.state_bins, token_cfg.action_bins)


@dataclass
class Frames:
    """One row per demo step: its task, the scene before the step, the motion label and the action taken."""
    tasks: list[int]
    scenes: list
    motions: list[tuple[int, ...]]
    actions: np.ndarray  # [n, 4] raw (dx, dy, dz, grip)

    def __len__(self) -> int:
        return len(self.tasks)


def load_frames(episodes_dir: Path, motions_dir: Path, split: str) -> Frames:
    episodes = read_jsonl(Path(episodes_dir) / f"{split}.jsonl")
    labels = read_jsonl(Path(motions_dir) / f"{split}.jsonl")
    if len(episodes) != len(labels):
        raise ValueError(f"{split}: {len(episodes)} episodes but {len(labels)} motion rows; rerun label_motions")
    tasks, scenes, motions, actions = [], [], [], []
    for episode, label in zip(episodes, labels):
        if len(label["motions"]) != len(episode["actions"]):
            raise ValueError(f"{split}: an episode of {len(episode['actions'])} steps has "
                             f"{len(label['motions'])} motion labels")
        for state, motion, action in zip(episode["states"], label["motions"], episode["actions"]):
            tasks.append(episode["task"])
            scenes.append(scene_from_record(state))
            motions.append(tuple(motion))
            actions.append(action)
    return Frames(tasks, scenes, motions, np.asarray(actions, dtype=np.float64))
