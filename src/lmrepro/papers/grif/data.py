"""Put-next missions (object combos, paraphrases, the held-out combos), gen_data's outputs as the tensors the
trainer and the evaluator use, and the agents saved as safetensors."""
from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.papers.grif.method import GRIFAgent, agent_view, room_onehot
from lmrepro.papers.grif.params import AlignConfig, ModelConfig
from lmrepro.worlds.babyai import COLORS

OBJECT_TYPES = ("ball", "box", "key")
MISSION = re.compile(r"^put the (\w+) (\w+) next to the (\w+) (\w+)$")


def mission_combos(mission: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The (colour, type) of the object to move and of the reference object in a put-next mission."""
    match = MISSION.match(mission)
    if match is None:
        raise ValueError(f"not a put-next mission: {mission!r}")
    c1, t1, c2, t2 = match.groups()
    return (c1, t1), (c2, t2)


def paraphrase(mission: str, template: str) -> str:
    (c1, t1), (c2, t2) = mission_combos(mission)
    return template.format(a=f"{c1} {t1}", b=f"{c2} {t2}")


def heldout_combos(frac: float, seed: int) -> list[tuple[str, str]]:
    combos = [(c, t) for c in COLORS for t in OBJECT_TYPES]
    rng = np.random.default_rng(derive_seed(seed, "heldout_combos"))
    picked = rng.choice(len(combos), size=max(1, int(round(frac * len(combos)))), replace=False)
    return sorted(combos[i] for i in picked)


def rooms(arrays: dict[str, torch.Tensor], prefix: str) -> torch.Tensor:
    return room_onehot(arrays[f"{prefix}_grid"], arrays[f"{prefix}_pose"], arrays[f"{prefix}_carries"])


def load_demos(directory: Path) -> dict[str, torch.Tensor]:
    """Training tensors: per step the agent's view, action and episode; per episode the start and goal rooms (from
    above), the instruction's text id and whether it is labeled; the text embeddings."""
    for name in ("train.safetensors", "text.safetensors"):
        if not (directory / name).is_file():
            raise FileNotFoundError(f"{directory / name} is missing; rerun grif.gen_data")
    train = load_file(str(directory / "train.safetensors"))
    return {"view": agent_view(train["step_grid"], train["step_pose"], train["step_carries"]),
            "action": train["step_action"], "episode": train["step_episode"],
            "start": rooms(train, "start"), "goal": rooms(train, "goal"), "text": train["text"],
            "labeled": train["labeled"],
            "embeddings": load_file(str(directory / "text.safetensors"))["embeddings"]}


def load_eval(directory: Path) -> tuple[dict[str, torch.Tensor], dict]:
    arrays = load_file(str(directory / "eval.safetensors"))
    meta = json.loads((directory / "meta.json").read_text())
    return {**arrays, "start": rooms(arrays, "start"), "goal": rooms(arrays, "goal")}, meta


def save_agents(agents: dict[str, GRIFAgent], directory: Path, dims: dict[str, int], model: ModelConfig,
                align: AlignConfig) -> None:
    """One folder per variant (model.safetensors + config.json), all written atomically together."""
    with atomic_dir(directory) as tmp:
        for variant, agent in agents.items():
            (tmp / variant).mkdir()
            save_file({k: v.contiguous() for k, v in agent.state_dict().items()},
                      str(tmp / variant / "model.safetensors"))
            (tmp / variant / "config.json").write_text(json.dumps(
                {"model": asdict(model), "align": asdict(align), "goal_only": agent.goal_only, **dims},
                sort_keys=True))


def load_agent(directory: Path) -> GRIFAgent:
    if not (directory / "model.safetensors").is_file():
        raise FileNotFoundError(f"{directory} holds no model.safetensors; rerun grif.train_policies")
    meta = json.loads((directory / "config.json").read_text())
    agent = GRIFAgent(ModelConfig(**meta["model"]), AlignConfig(**meta["align"]), meta["text_dim"],
                      meta["room_dim"], meta["view_dim"], goal_only=meta["goal_only"])
    agent.load_state_dict(load_file(str(directory / "model.safetensors")))
    return agent.eval()
