"""RT-H and its baselines as policies: training examples per query, constrained greedy decoding, batched rollouts
with an oracle that corrects in language (RT-H) or by teleoperation (IWR).

- `examples(codec, policy, prefix, motion, norm_action)`: the (prompt, completion) pairs one frame gives a policy:
  RT-H both queries (Q_high -> motion, Q_low(motion) -> action; paper Sec. 3.1), flat one (RT-2), joint one pass
  (motion then action), one-hot both queries with a motion-id token, `high` Q_high alone (language corrections).
- `act(model, codec, policy, prefixes, motions=None)`: normalised actions and the motions behind them; given
  `motions`, RT-H skips Q_high and the low level follows them (the intervention interface).
- `rollout(...)`: closed-loop episodes, batched across episodes, until success or the horizon; with an oracle,
  a deviation from the expert (an arm delta off by more than `deviation`, or the other gripper command) starts
  `span` corrected steps: the expert's motion replaces Q_high (lang) or the expert's action replaces the
  policy's (teleop); each corrected step is logged with its scene.
"""
from __future__ import annotations

import numpy as np
import torch

from lmrepro.papers.rth.tokens import Q_FLAT, Q_HIGH, Q_JOINT, Q_LOW, Codec, denormalise_actions
from lmrepro.worlds.motion import expert_action, expert_motion, state_record, step, success


def examples(codec: Codec, policy: str, prefix: list[int], motion, norm_action) -> list[tuple[list[int], list[int]]]:
    q = codec.query
    action = codec.action_tokens(norm_action) if norm_action is not None else []
    if policy == "flat":
        return [(prefix + [q[Q_FLAT]], action)]
    if policy == "high":
        return [(prefix + [q[Q_HIGH]], codec.motion_tokens(motion))]
    if policy == "rth":
        m = codec.motion_tokens(motion)
        return [(prefix + [q[Q_HIGH]], m), (prefix + [q[Q_LOW], *m], action)]
    if policy == "rth_joint":
        return [(prefix + [q[Q_JOINT]], codec.motion_tokens(motion) + action)]
    if policy == "rth_onehot":
        m = [codec.motion_id_token(motion)]
        return [(prefix + [q[Q_HIGH]], m), (prefix + [q[Q_LOW], *m], action)]
    raise ValueError(f"unknown policy {policy!r}")


@torch.no_grad()
def greedy_slots(model, prompts: list[list[int]], allowed: list[list[int]], chunk: int = 512) -> torch.Tensor:
    """[len(prompts), len(allowed)]: greedy tokens, slot i restricted to the ids allowed[i]; prompts of equal
    length (every format here has a fixed length), decoded with the KV cache, `chunk` rows at a time."""
    if not prompts:
        return torch.zeros((0, len(allowed)), dtype=torch.long)
    if len({len(p) for p in prompts}) != 1:
        raise ValueError("greedy_slots: prompts must have equal length")
    vocab = model.config.vocab_size
    masks = []
    for ids in allowed:
        mask = torch.full((vocab,), float("-inf"))
        mask[ids] = 0.0
        masks.append(mask)
    out = []
    for start in range(0, len(prompts), chunk):
        ids = torch.tensor(prompts[start:start + chunk], dtype=torch.long)
        result = model(input_ids=ids, use_cache=True)
        cache, logits, picked = result.cache, result.logits[:, -1].float(), []
        for i, mask in enumerate(masks):
            token = (logits + mask).argmax(-1)
            picked.append(token)
            if i + 1 < len(masks):
                result = model(input_ids=token[:, None], cache=cache, use_cache=True)
                cache, logits = result.cache, result.logits[:, -1].float()
        out.append(torch.stack(picked, dim=1))
    return torch.cat(out)


def act(model, codec: Codec, policy: str, prefixes: list[list[int]], motions: list | None = None):
    """(normalised actions [n, 4], motions or None): one control step of `policy` for each prefix."""
    q, action_slots = codec.query, [codec.action_ids] * 4
    if policy == "flat":
        tokens = greedy_slots(model, [p + [q[Q_FLAT]] for p in prefixes], action_slots)
        return np.stack([codec.action_from_tokens(t) for t in tokens.tolist()]), None
    if policy == "rth_joint":
        tokens = greedy_slots(model, [p + [q[Q_JOINT]] for p in prefixes], codec.slot_ids + action_slots).tolist()
        return (np.stack([codec.action_from_tokens(t[4:]) for t in tokens]),
                [codec.motion_from_tokens(t[:4]) for t in tokens])
    if policy not in ("rth", "rth_onehot"):
        raise ValueError(f"unknown policy {policy!r}")
    onehot = policy == "rth_onehot"
    if motions is None:
        allowed = [codec.motion_id_ids] if onehot else codec.slot_ids
        high = greedy_slots(model, [p + [q[Q_HIGH]] for p in prefixes], allowed).tolist()
        motions = [codec.motion_from_id_token(t[0]) if onehot else codec.motion_from_tokens(t) for t in high]
    cond = [[codec.motion_id_token(m)] if onehot else codec.motion_tokens(m) for m in motions]
    tokens = greedy_slots(model, [p + [q[Q_LOW], *c] for p, c in zip(prefixes, cond)], action_slots)
    return np.stack([codec.action_from_tokens(t) for t in tokens.tolist()]), list(motions)


def deviates(action: np.ndarray, expert: list[float], tolerance: float) -> bool:
    return bool(np.max(np.abs(action[:3] - np.asarray(expert[:3]))) > tolerance) or \
        (action[3] > 0.5) != (expert[3] > 0.5)


def rollout(model, codec: Codec, policy: str, world, world_cfg, scenes, *, oracle: str = "", span: int = 5,
            deviation: float = 0.025, max_corrected: int | None = None, window: int = 3,
            threshold: float = 0.02) -> dict:
    """Run every (task, scene) to success or the horizon, all episodes in one batch per step.
    oracle: "" (autonomous), "lang" (expert motions replace Q_high) or "teleop" (expert actions replace the
    policy's). Returns {"success": [bool], "steps": [int], "corrections": [rows], "corrected_steps": int}."""
    if oracle not in ("", "lang", "teleop"):
        raise ValueError(f"oracle must be '', 'lang' or 'teleop', got {oracle!r}")
    if oracle == "lang" and policy not in ("rth", "rth_onehot"):
        raise ValueError(f"language corrections need a policy with a motion query, not {policy!r}")
    n = len(scenes)
    done, steps, left = [False] * n, [0] * n, [0] * n  # left: corrected steps remaining in the current window
    corrections, budget = [], (max_corrected if max_corrected is not None else float("inf"))
    for _ in range(world_cfg.horizon):
        active = [i for i in range(n) if not done[i]]
        if not active:
            break
        prefixes = [codec.prefix(scenes[i][1], scenes[i][0]) for i in active]
        norm, motions = act(model, codec, policy, prefixes)
        actions = denormalise_actions(norm, world_cfg.max_step)
        if oracle:
            experts = {i: expert_action(scenes[i][1], world.tasks[scenes[i][0]], world_cfg) for i in active}
            fixed = []
            for j, i in enumerate(active):
                if left[i] == 0 and budget > 0 and deviates(actions[j], experts[i], deviation):
                    left[i] = span
                if left[i] > 0 and budget > 0:
                    fixed.append(j)
                    left[i] -= 1
                    budget -= 1
                else:
                    left[i] = 0
            for j in fixed:
                i = active[j]
                task, scene = world.tasks[scenes[i][0]], scenes[i][1]
                row = {"episode": i, "task": scenes[i][0], "state": state_record(scene)}
                if oracle == "lang":
                    row["motion"] = list(expert_motion(scene, task, world_cfg, window, threshold))
                else:
                    row["action"] = list(experts[i])
                    actions[j] = np.asarray(experts[i])
                corrections.append(row)
            if oracle == "lang" and fixed:
                low, _ = act(model, codec, policy, [prefixes[j] for j in fixed],
                             motions=[tuple(corrections[-len(fixed) + k]["motion"]) for k in range(len(fixed))])
                actions[fixed] = denormalise_actions(low, world_cfg.max_step)
        for j, i in enumerate(active):
            task, scene = world.tasks[scenes[i][0]], scenes[i][1]
            step(scene, actions[j].tolist(), world_cfg)
            steps[i] += 1
            if success(scene, task, world_cfg):
                done[i] = True
    return {"success": done, "steps": steps, "corrections": corrections, "corrected_steps": len(corrections)}
