"""LID's policies (paper §3-4; official `behavior_cloning/models/bc_model.py`, `GoalAttentionModel`) and the MLP-1
baseline, on BabyAI: inputs, models, the behaviour-cloning loss, acting, saving.

- Sequence policy (LID-pre / LID-scratch): one token sequence [goal ; history ; observation], the goal (the mission)
  first so that it sits at a fixed offset, the last K actions as words, then the egocentric view as text in the
  spec's compact form (`view_text`: carried object, the cell ahead, the nearest objects as 'red ball f2 l1'; the
  official code's object nodes are name + state + relation tokens too). One embedding table serves all three parts
  (the official code keeps a fine-tuned copy of GPT-2's wte per part, all equal at initialisation). A GPT-2
  backbone (pre-trained on the world text, or freshly initialised with the same config) reads it with a padding
  mask; its last hidden layer is mean-pooled over the real tokens (`masked_mean`) into the context c; the verb head
  Linear -> ReLU -> Linear scores the 7 actions. BabyAI's actions take no object argument, so the official pointer
  head over object nodes has no counterpart here.
- MLP-1 (paper Table 1's non-sequential baseline; spec: one-hot bag of instruction words + the flattened 7x7x3
  view, one-hot per channel, through an MLP with two hidden layers).
Both map a list of examples {mission, history, image} to action logits; the loss is cross-entropy on the
expert's action.
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import torch
from torch import nn

from lmrepro.common.io import atomic_dir
from lmrepro.common.models import pad_id
from lmrepro.common.padding import pad_rows
from lmrepro.worlds import babyai

N_ACTIONS = len(babyai.ACTIONS)
PAIR = re.compile(r"\b(" + "|".join(babyai.COLORS) + r") (key|ball|box)\b")
GRID_CHANNELS = (len(babyai.OBJECTS), len(babyai.COLORS), len(babyai.DOOR_STATES))
OBJECT_TYPES = ("key", "ball", "box", "door")
ARTICLE = re.compile(r"^(go to|pick up) a ")


def mission_pair(mission: str) -> tuple[str, str] | None:
    """The (colour, type) a mission names, or None for one without a colour ("pick up a ball")."""
    found = PAIR.search(mission)
    return (found.group(1), found.group(2)) if found else None


def view_text(image, max_objects: int) -> str:
    """The egocentric view as the spec's compact object list, nearest first: what the agent carries, what is in
    the cell ahead, then up to `max_objects` visible objects as 'red ball f2 l1' (2 ahead, 1 to the left)."""
    carried = image[babyai.AGENT_COLUMN][babyai.AGENT_ROW]
    front = image[babyai.AGENT_COLUMN][babyai.AGENT_ROW - 1]
    words = [f"carry {name_of(carried)}" if babyai.OBJECTS[carried[0]] in OBJECT_TYPES else "carry nothing",
             f"facing {name_of(front)}" if babyai.OBJECTS[front[0]] in OBJECT_TYPES
             else f"facing {babyai.OBJECTS[front[0]]}"]
    seen = []
    for x in range(babyai.VIEW):
        for y in range(babyai.AGENT_ROW + 1):
            if babyai.OBJECTS[image[x][y][0]] in OBJECT_TYPES and (x, y) != (babyai.AGENT_COLUMN, babyai.AGENT_ROW):
                ahead, right = babyai.AGENT_ROW - y, x - babyai.AGENT_COLUMN
                side = f"r{right}" if right > 0 else f"l{-right}" if right < 0 else "c0"
                seen.append((ahead + abs(right), f"{name_of(image[x][y])} f{ahead} {side}"))
    return " ".join(words + [text for _, text in sorted(seen)[:max_objects]])


def name_of(cell) -> str:
    obj, color, _ = cell
    return f"{babyai.COLORS[color]} {babyai.OBJECTS[obj]}"


def policy_text(mission: str, history: list[int], image, k: int, max_objects: int) -> str:
    """[goal ; history ; observation] as one string: 'go to the red ball | left forward | carry nothing ...'."""
    past = " ".join(babyai.ACTIONS[a] for a in history[-k:]) if k and history else "none"
    return f"{canonical_mission(mission)} | {past} | {view_text(image, max_objects)}"


def canonical_mission(mission: str) -> str:
    """The mission with 'a' read as 'the' ("go to a red ball" -> "go to the red ball"): BabyAI writes 'a' when the
    room holds several matching objects, and reaching any of them succeeds; hindsight goals, built from the view
    alone, cannot tell the two apart, so every arm reads the same form."""
    return ARTICLE.sub(r"\1 the ", mission)


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of hidden [B, T, D] over the positions where mask [B, T] is 1 (official code: masked average pooling)."""
    weights = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)


class SequencePolicy(nn.Module):
    """GPT-2 over [goal ; history ; view] tokens, masked mean pool, verb head (official GoalAttentionModel)."""

    kind = "sequence"

    def __init__(self, backbone, tokenizer, history: int, max_objects: int, max_len: int, head_hidden: int):
        super().__init__()
        self.backbone, self.tokenizer = backbone, tokenizer
        self.history, self.max_objects, self.max_len, self.head_hidden = history, max_objects, max_len, head_hidden
        width = backbone.config.hidden_size
        self.head = nn.Sequential(nn.Linear(width, head_hidden), nn.ReLU(), nn.Linear(head_hidden, N_ACTIONS))

    @property
    def config(self):  # the training loop reads the backbone's size for its FLOP count
        return self.backbone.config

    def featurize(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        texts = [policy_text(e["mission"], e["history"], e["image"], self.history, self.max_objects) for e in examples]
        rows = [ids[:self.max_len] for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]
        input_ids, attention_mask = pad_rows(rows, pad_id(self.tokenizer))
        return {"input_ids": input_ids, "attention_mask": attention_mask}

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(masked_mean(hidden, attention_mask))

    def settings(self) -> dict:
        return {"kind": self.kind, "history": self.history, "max_objects": self.max_objects, "max_len": self.max_len,
                "head_hidden": self.head_hidden}


class MLPPolicy(nn.Module):
    """MLP-1: bag of instruction words (the tokenizer's vocabulary) + one-hot 7x7 view -> 2 hidden layers -> 7."""

    kind = "mlp"

    def __init__(self, tokenizer, hidden: int):
        super().__init__()
        self.tokenizer, self.hidden = tokenizer, hidden
        n_in = len(tokenizer) + babyai.VIEW * babyai.VIEW * sum(GRID_CHANNELS)
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, N_ACTIONS))

    def featurize(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        return {"features": torch.stack([mlp_features(self.tokenizer, e["mission"], e["image"]) for e in examples])}

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)

    def settings(self) -> dict:
        return {"kind": self.kind, "hidden": self.hidden}


def mlp_features(tokenizer, mission: str, image) -> torch.Tensor:
    """[bag of mission words (0/1 per vocabulary id) ; per cell one-hot object, colour, state]."""
    words = torch.zeros(len(tokenizer))
    words[tokenizer(mission, add_special_tokens=False)["input_ids"]] = 1.0
    grid = torch.tensor(image, dtype=torch.long).view(-1, 3)
    onehots = [nn.functional.one_hot(grid[:, c].clamp(0, n - 1), n) for c, n in enumerate(GRID_CHANNELS)]
    return torch.cat([words, torch.cat(onehots, dim=1).flatten().float()])


def bc_loss(model, batch: dict) -> tuple[torch.Tensor, dict]:
    """Behaviour cloning: cross-entropy of the policy's action logits against the expert's action."""
    inputs = {k: v for k, v in batch.items() if k != "action"}
    logits = model(**inputs)
    loss = nn.functional.cross_entropy(logits, batch["action"])
    return loss, {"acc": (logits.argmax(-1) == batch["action"]).float().mean().detach()}


def transitions(episodes: list[dict]) -> list[dict]:
    """One BC example per step from the episode's `start` (default 0): the mission, the actions before it (from the
    episode's first step), the view, and the action taken."""
    out = []
    for ep in episodes:
        for t, step in enumerate(ep["steps"]):
            if t < ep.get("start", 0):
                continue
            out.append({"mission": ep["mission"], "history": [s["action"] for s in ep["steps"][:t]],
                        "image": step["image"], "action": step["action"]})
    return out


def bc_rows(policy, examples: list[dict]) -> dict[str, torch.Tensor]:
    """Featurised examples and their actions as one set of tensors (padded to the longest row)."""
    rows = policy.featurize(examples)
    rows["action"] = torch.tensor([e["action"] for e in examples], dtype=torch.long)
    return rows


def actor(policy, *, greedy: bool, epsilon: float = 0.0, seed: int = 0):
    """A batched `babyai.rollouts` policy: argmax (greedy) or a sample of the policy's distribution, replaced by a
    uniformly random action with probability `epsilon` (ADG's exploration noise); its draws come from `seed`."""
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)

    def act(records: list[dict], missions: list[str]) -> list[int]:
        examples = [{"mission": m, "history": r["history"], "image": r["image"]} for r, m in zip(records, missions)]
        policy.eval()
        with torch.no_grad():
            logits = policy(**policy.featurize(examples))
        chosen = logits.argmax(-1) if greedy else torch.multinomial(logits.softmax(-1), 1, generator=gen).squeeze(1)
        return [rng.randrange(N_ACTIONS) if epsilon and rng.random() < epsilon else int(a) for a in chosen]

    return act


def save_policy(policy, directory: str | Path) -> None:
    """safetensors weights (the backbone with save_pretrained), the policy's settings and its tokenizer."""
    from safetensors.torch import save_file

    with atomic_dir(directory) as tmp:
        policy.tokenizer.save_pretrained(tmp / "tokenizer")
        (tmp / "policy.json").write_text(json.dumps(policy.settings(), indent=1))
        if isinstance(policy, SequencePolicy):
            policy.backbone.save_pretrained(tmp / "backbone", safe_serialization=True)
            save_file({k: v.contiguous() for k, v in policy.head.state_dict().items()}, tmp / "head.safetensors")
        else:
            save_file({k: v.contiguous() for k, v in policy.net.state_dict().items()}, tmp / "mlp.safetensors")


def load_policy(directory: str | Path):
    from safetensors.torch import load_file
    from transformers import GPT2Model

    from lmrepro.common.models import load_tokenizer

    directory = Path(directory)
    if not (directory / "policy.json").is_file():
        raise FileNotFoundError(f"{directory} is not a saved LID policy (no policy.json)")
    settings = json.loads((directory / "policy.json").read_text())
    tokenizer = load_tokenizer(directory / "tokenizer")
    if settings["kind"] == "mlp":
        policy = MLPPolicy(tokenizer, settings["hidden"])
        policy.net.load_state_dict(load_file(directory / "mlp.safetensors"))
        return policy
    backbone = GPT2Model.from_pretrained(directory / "backbone", use_safetensors=True, local_files_only=True)
    policy = SequencePolicy(backbone, tokenizer, settings["history"], settings["max_objects"], settings["max_len"],
                            settings["head_hidden"])
    policy.head.load_state_dict(load_file(directory / "head.safetensors"))
    return policy


def build_policy(arm: str, cfg, tokenizer, *, lm_dir: str | Path | None = None, model_spec: dict | None = None):
    """lid_pre: the pre-trained LM's transformer as backbone; lid_scratch: the same config, freshly initialised
    (seeded by the caller); mlp1: the MLP-1 baseline. Heads are always fresh."""
    from lmrepro.common.models import build_model, load_model

    if arm == "mlp1":
        return MLPPolicy(tokenizer, cfg.mlp_hidden)
    if arm == "lid_pre":
        if lm_dir is None:
            raise ValueError("lid_pre needs the pre-trained LM (--in lm=DIR)")
        backbone = load_model(lm_dir).transformer
    elif arm == "lid_scratch":
        if model_spec is None:
            raise ValueError("lid_scratch needs the model spec")
        backbone = build_model(model_spec, tokenizer=tokenizer).transformer
    else:
        raise ValueError(f"unknown policy arm {arm!r} (lid_pre, lid_scratch, mlp1)")
    return SequencePolicy(backbone, tokenizer, cfg.history, cfg.max_objects, cfg.max_len, cfg.head_hidden)


def policy_batches(policy, examples: list[dict], batch_size: int, seed: int):
    """get_batch(step) over shuffled passes of the featurised examples (lmrepro.common.batches.shuffled_batches),
    each batch cut to its longest row."""
    from lmrepro.common.batches import shuffled_batches

    get_rows = shuffled_batches(bc_rows(policy, examples), batch_size, seed)

    def get_batch(step: int) -> dict:
        batch = get_rows(step)
        if "attention_mask" in batch:
            width = int(batch["attention_mask"].sum(1).max())
            batch = {k: v[:, :width] if v.dim() == 2 else v for k, v in batch.items()}
        return batch

    return get_batch
