"""RT-H's token formats on one word-level vocabulary: the observation prefix, the two queries, motions and actions.

    prefix   = [task word] [gripper x y z state] [dx dy dz] per object type   (the "image" and the task)
    Q_high   = prefix [what-skill]                        -> 4 motion tokens (x, y, z, gripper slots)
    Q_low    = prefix [what-action-given-skill] motion    -> 4 action tokens
    flat     = prefix [what-action]                       -> 4 action tokens     (RT-2)
    joint    = prefix [skill-then-action]                 -> 4 motion + 4 action tokens in one pass (RT-H-Joint)
    one-hot  = Q_high -> one motion-id token; Q_low conditions on that id                     (RT-H-OneHot)

The observation is gripper-centred, as a wrist camera sees it: the gripper's own position in uniform bins over the
table, then one slot per object type (in `object_types()` order; "no-object" x 3 where the scene lacks it) holding
the object's offset from the gripper in signed bins that are fine near zero (RELATIVE_EDGES), so that aligning over
an object needs no arithmetic between absolute coordinates and finding it needs no search. Actions are normalised
to [-1, 1] per dimension (arm deltas / max_step; grip 2g - 1) and binned uniformly, as RT-2's action tokenizer does
(tests/test_rth.py compares with openvla's ActionTokenizer on identical arrays).
"""
from __future__ import annotations

import numpy as np

from lmrepro.worlds.motion import Scene, object_types

Q_HIGH, Q_LOW, Q_FLAT, Q_JOINT = "what-skill", "what-action-given-skill", "what-action", "skill-then-action"
SLOT_WORDS = (("backward", "x-stay", "forward"), ("right", "y-stay", "left"), ("down", "z-stay", "up"),
              ("open", "grip-stay", "close"))
EMPTY = "no-object"
GRIP_STATE = ("gripper-open", "gripper-closed")
RELATIVE_EDGES = (0.01, 0.025, 0.045, 0.07, 0.1, 0.15, 0.2, 0.3, 0.45, 0.65)  # |offset| bin edges, each side
ALL_MOTIONS = [(x, y, z, g) for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1) for g in (-1, 0, 1)]


def vocabulary(task_names: list[str], state_bins: int, action_bins: int) -> list[str]:
    return [*task_names, Q_HIGH, Q_LOW, Q_FLAT, Q_JOINT, *[w for slot in SLOT_WORDS for w in slot], EMPTY,
            *GRIP_STATE, *object_types(), *[f"p{i}" for i in range(state_bins)],
            *[f"r{i}" for i in range(2 * len(RELATIVE_EDGES) + 1)],
            *[f"a{i}" for i in range(action_bins)], *[f"m{i}" for i in range(len(ALL_MOTIONS))]]


def bin_index(values: np.ndarray, n_bins: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """Uniform bins over [low, high] (values clipped): bin k covers [low + k w, low + (k+1) w)."""
    scaled = (np.clip(np.asarray(values, dtype=np.float64), low, high) - low) / (high - low) * n_bins
    return np.minimum(np.floor(scaled).astype(np.int64), n_bins - 1)


def relative_bin(offset: float) -> int:
    """Signed offset -> 0 .. 2 len(RELATIVE_EDGES): the middle bin holds |offset| < 0.01, then outwards."""
    k = int(np.searchsorted(RELATIVE_EDGES, abs(offset), side="right"))
    return len(RELATIVE_EDGES) + (k if offset >= 0 else -k)


def bin_centre(index: np.ndarray, n_bins: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    width = (high - low) / n_bins
    return low + (np.asarray(index, dtype=np.float64) + 0.5) * width


def normalise_actions(actions: np.ndarray, max_step: float) -> np.ndarray:
    """(dx, dy, dz, grip) -> [-1, 1]^4: arm deltas over max_step, grip command 0..1 as 2g - 1."""
    actions = np.asarray(actions, dtype=np.float64)
    return np.concatenate([actions[..., :3] / max_step, 2.0 * actions[..., 3:] - 1.0], axis=-1)


def denormalise_actions(norm: np.ndarray, max_step: float) -> np.ndarray:
    norm = np.asarray(norm, dtype=np.float64)
    return np.concatenate([norm[..., :3] * max_step, (norm[..., 3:] + 1.0) / 2.0], axis=-1)


class Codec:
    """Ids of every format, from the tokenizer saved with each policy (one vocabulary for all variants)."""

    def __init__(self, tokenizer, task_names: list[str], max_objects: int, state_bins: int, action_bins: int):
        self.tok, self.task_names, self.max_objects = tokenizer, list(task_names), max_objects
        self.state_bins, self.action_bins = state_bins, action_bins
        ids = tokenizer.convert_tokens_to_ids
        self.task_ids = ids(self.task_names)
        self.query = {name: ids(name) for name in (Q_HIGH, Q_LOW, Q_FLAT, Q_JOINT)}
        self.slot_ids = [ids(list(words)) for words in SLOT_WORDS]
        self.action_ids = ids([f"a{i}" for i in range(action_bins)])
        self.motion_id_ids = ids([f"m{i}" for i in range(len(ALL_MOTIONS))])
        self.pos_ids = ids([f"p{i}" for i in range(state_bins)])
        self.rel_ids = ids([f"r{i}" for i in range(2 * len(RELATIVE_EDGES) + 1)])
        self.types = object_types()
        self.empty, self.grip_ids = ids(EMPTY), ids(list(GRIP_STATE))
        if tokenizer.unk_token_id in [*self.task_ids, *self.action_ids, *self.pos_ids, *self.rel_ids, self.empty]:
            raise ValueError("the tokenizer lacks words of rth's vocabulary (was it built by rth.tokens.vocabulary?)")

    def position(self, value: float) -> int:
        return self.pos_ids[int(bin_index(value, self.state_bins, 0.0, 1.0))]

    def prefix(self, scene: Scene, task: int) -> list[int]:
        if len(scene.types) > self.max_objects:
            raise ValueError(f"scene has {len(scene.types)} objects, the format holds {self.max_objects}")
        ids = [self.task_ids[task], *[self.position(v) for v in scene.gripper], self.grip_ids[int(scene.closed)]]
        for kind in self.types:
            if kind in scene.types:
                pos = scene.pos[scene.types.index(kind)]
                ids += [self.rel_ids[relative_bin(p - g)] for p, g in zip(pos, scene.gripper)]
            else:
                ids += [self.empty] * 3
        return ids

    def motion_tokens(self, motion) -> list[int]:
        return [self.slot_ids[i][v + 1] for i, v in enumerate(motion)]

    def motion_from_tokens(self, ids: list[int]) -> tuple[int, ...]:
        return tuple(self.slot_ids[i].index(t) - 1 for i, t in enumerate(ids))

    def motion_id_token(self, motion) -> int:
        return self.motion_id_ids[ALL_MOTIONS.index(tuple(motion))]

    def motion_from_id_token(self, token: int) -> tuple[int, ...]:
        return ALL_MOTIONS[self.motion_id_ids.index(token)]

    def action_tokens(self, norm_action) -> list[int]:
        return [self.action_ids[int(b)] for b in bin_index(norm_action, self.action_bins)]

    def action_from_tokens(self, ids: list[int]) -> np.ndarray:
        return bin_centre([self.action_ids.index(t) for t in ids], self.action_bins)
