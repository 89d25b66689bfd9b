"""A tabletop "motion world": a gripper point over a table of coloured objects, tasks named by constructed-language
words, a scripted expert, and a threshold labeler of language motions (rth).

    world = make_world(MotionWorldConfig(), seed)               # 24 tasks, each a short program over primitives
    demos = expert_demos(world, cfg, seed, "train", per_task=8)  # noisy expert episodes (states, actions)
    labels = label_motions(positions, closed, window=3, threshold=0.02)  # one motion (slots) per step

Frame: the robot's base frame, +x forward, +y left, +z up (one frame for the labeler, the expert and the oracle
corrections). The gripper moves by deltas of at most `max_step` per axis and a command in [0, 1] (> 0.5: close).
Objects lie on the table (z = 0) or on another object, or move with the closed gripper that grasped them.

Tasks are programs over primitives (reach an object, grasp, lift, carry to a place, descend, release, push):
`place` A on B, `corner` (carry A to one table corner), `lift` A and hold it high, `push` A in one base-frame
direction (gripper open and low) until it is past 0.8 of the table that way. Each task has one made-up name
(`lexicon.make_words`, distinct words), so two tasks share no word and what they share is their motions. The expert
is a state-feedback program of its task (its action is a function of the current scene), so it can be asked for the
right motion at any state of a rollout.

Motions are four slots in canonical order (x, y, z, gripper), each -1, 0 or +1, rendered as a phrase:
(1, 1, 0, 0) -> "move arm forward left", (0, 0, 0, 1) -> "close gripper", all zero -> "stay".

Structure guaranteed (tests/test_worlds_motion.py): the same seed gives the same tasks, scenes and demos; every
demo reaches its task's success condition; task names are distinct single words; a hand-made trajectory moving +x
then closing the gripper is labelled "move arm forward" then "close gripper"; the expert's motion at a state
equals the labeler's motion on the expert's own noise-free continuation.
"""
from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass, field

from lmrepro.worlds.lexicon import make_words

COLOURS = ("red", "blue", "green")
SHAPES = ("cube", "ball")
TEMPLATES = ("place", "corner", "lift", "push")
CORNERS = ((0.08, 0.08), (0.08, 0.92), (0.92, 0.08), (0.92, 0.92))
DIRECTIONS = ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))  # push: forward, backward, left, right
PUSH_LINE = 0.8         # a push succeeds once A is this far along its direction (0.2 for backward / right)
AXIS_WORDS = (("backward", "forward"), ("right", "left"), ("down", "up"))
GRIPPER_WORDS = ("open gripper", "close gripper")
OBJECT_HEIGHT = 0.04   # a stacked object rests this high on the one below
GRASP_ABOVE = 0.045    # the gripper grasps from this far above an object's base
GRASP_RADIUS = 0.04
ALIGN = 0.015          # the expert grasps / releases once this close to its target (each axis, and in xy)
PUSH_Z = 0.04          # below this height an open gripper pushes objects on the table
PUSH_RADIUS = 0.05


@dataclass
class MotionWorldConfig:
    n_tasks: int = field(default=24, metadata={"help": "spec Small scale: 24 tasks"})
    template_counts: tuple[int, ...] = field(default=(8, 6, 4, 6), metadata={
        "help": "tasks per template, in TEMPLATES order (place, corner, lift, push); sums to n_tasks"})
    min_objects: int = field(default=3, metadata={"help": "objects per scene, at least (spec: 3-5)"})
    max_objects: int = field(default=4, metadata={"help": "objects per scene, at most"})
    max_step: float = field(default=0.05, metadata={"help": "largest per-axis gripper move per step"})
    noise: float = field(default=0.01, metadata={"help": "sd of the expert's arm-delta noise in demos"})
    hover_z: float = field(default=0.25, metadata={"help": "carrying height"})
    lift_z: float = field(default=0.35, metadata={"help": "a lift task holds the object this high"})
    horizon: int = field(default=60, metadata={"help": "steps before an episode is cut (demos and rollouts)"})
    min_separation: float = field(default=0.15, metadata={"help": "objects start at least this far apart"})

    def check(self, where: str = "world") -> None:
        if len(self.template_counts) != len(TEMPLATES) or sum(self.template_counts) != self.n_tasks:
            raise ValueError(f"{where}.template_counts must have {len(TEMPLATES)} entries summing to n_tasks "
                             f"({self.n_tasks}), got {self.template_counts}")
        if not 2 <= self.min_objects <= self.max_objects <= len(COLOURS) * len(SHAPES):
            raise ValueError(f"{where}: need 2 <= min_objects <= max_objects <= {len(COLOURS) * len(SHAPES)}")
        if self.max_step <= 0 or self.noise < 0 or self.horizon < 1:
            raise ValueError(f"{where}: max_step must be > 0, noise >= 0 and horizon >= 1")


def object_types() -> list[str]:
    return [f"{c}_{s}" for c in COLOURS for s in SHAPES]


@dataclass
class Task:
    name: str             # a constructed-language word
    template: str         # one of TEMPLATES
    a: str                # the object acted on (an object type)
    b: str = ""           # place: the object to put A on
    corner: int = -1      # corner: index into CORNERS
    direction: int = -1   # push: index into DIRECTIONS


@dataclass
class World:
    tasks: list[Task]


def make_world(cfg: MotionWorldConfig, seed: int) -> World:
    """Tasks: for each template, distinct (object, reference) pairs; names are fresh words, one per task."""
    cfg.check()
    rng = random.Random(f"motion-world:{seed}")
    types = object_types()
    names = make_words(rng, cfg.n_tasks, syllables=(3, 3))
    tasks: list[Task] = []
    for template, count in zip(TEMPLATES, cfg.template_counts):
        seen: set[tuple] = set()
        while len(seen) < count:
            a, b = rng.sample(types, 2)
            key = (a, b if template == "place" else "", rng.randrange(len(CORNERS)) if template == "corner" else -1,
                   rng.randrange(len(DIRECTIONS)) if template == "push" else -1)
            if key not in seen:
                seen.add(key)
                tasks.append(Task(names[len(tasks)], template, *key))
    return World(tasks)


# -- scenes and physics ---------------------------------------------------------------------------------------

@dataclass
class Scene:
    gripper: list[float]          # [x, y, z]
    closed: bool
    types: list[str]              # object types, in canonical (object_types) order
    pos: list[list[float]]        # per object [x, y, z]
    held: int = -1                # index of the object in the closed gripper, -1 for none


def new_scene(cfg: MotionWorldConfig, task: Task, rng: random.Random) -> Scene:
    """The task's objects plus distractors (min_objects..max_objects), apart on the table; the gripper starts open
    above it."""
    types = object_types()
    needed = [task.a] + ([task.b] if task.b else [])
    n = rng.randint(max(cfg.min_objects, len(needed)), cfg.max_objects)
    chosen = needed + rng.sample([t for t in types if t not in needed], n - len(needed))
    chosen.sort(key=types.index)
    while True:
        pos = [[rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), 0.0] for _ in chosen]
        if all(math.dist(p[:2], q[:2]) >= cfg.min_separation for i, p in enumerate(pos) for q in pos[:i]):
            break
    gripper = [rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.15, 0.4)]
    return Scene(gripper, False, chosen, pos)


def step(scene: Scene, action: list[float], cfg: MotionWorldConfig) -> None:
    """Apply (dx, dy, dz, grip) in place: move (clipped), carry the held object, grasp / release, push."""
    old = list(scene.gripper)
    for i in range(3):
        scene.gripper[i] = min(1.0, max(0.0, scene.gripper[i] + max(-cfg.max_step, min(cfg.max_step, action[i]))))
    close = action[3] > 0.5
    if scene.held >= 0:
        scene.pos[scene.held] = [scene.gripper[0], scene.gripper[1], max(0.0, scene.gripper[2] - GRASP_ABOVE)]
    if close and not scene.closed:
        scene.closed = True
        candidates = [(math.dist(p[:2], scene.gripper[:2]), i) for i, p in enumerate(scene.pos)
                      if math.dist(p[:2], scene.gripper[:2]) < GRASP_RADIUS and 0 <= scene.gripper[2] - p[2] < 0.06]
        if candidates:
            scene.held = min(candidates)[1]
    elif not close and scene.closed:
        scene.closed = False
        if scene.held >= 0:
            i, scene.held = scene.held, -1
            below = [p[2] + OBJECT_HEIGHT for j, p in enumerate(scene.pos)
                     if j != i and math.dist(p[:2], scene.pos[i][:2]) < PUSH_RADIUS]
            scene.pos[i][2] = max(below, default=0.0)
    moved = math.dist(old[:2], scene.gripper[:2])
    if moved > 1e-9 and not scene.closed and scene.gripper[2] < PUSH_Z:
        m = ((scene.gripper[0] - old[0]) / moved, (scene.gripper[1] - old[1]) / moved)
        for p in scene.pos:  # slide a touched object along the motion until it is PUSH_RADIUS away
            q = (p[0] - scene.gripper[0], p[1] - scene.gripper[1])
            if p[2] == 0.0 and math.hypot(*q) < PUSH_RADIUS:
                qm = q[0] * m[0] + q[1] * m[1]
                shift = -qm + math.sqrt(max(0.0, qm * qm - q[0] ** 2 - q[1] ** 2 + PUSH_RADIUS ** 2))
                p[0], p[1] = p[0] + shift * m[0], p[1] + shift * m[1]


def success(scene: Scene, task: Task, cfg: MotionWorldConfig) -> bool:
    a = scene.pos[scene.types.index(task.a)]
    ia = scene.types.index(task.a)
    if task.template == "lift":
        return scene.held == ia and scene.gripper[2] >= cfg.lift_z - 0.02
    if task.template == "corner":
        return scene.held != ia and a[2] == 0.0 and math.dist(a[:2], CORNERS[task.corner]) < 0.08
    if task.template == "place":
        b = scene.pos[scene.types.index(task.b)]
        return scene.held != ia and a[2] > 0.0 and math.dist(a[:2], b[:2]) < PUSH_RADIUS
    d = DIRECTIONS[task.direction]
    along = a[0] * d[0] + a[1] * d[1]  # forward / left: x or y; backward / right: -x or -y
    return scene.held != ia and a[2] == 0.0 and along > (PUSH_LINE if sum(d) > 0 else PUSH_LINE - 1.0)


# -- the scripted expert --------------------------------------------------------------------------------------

def _move(scene: Scene, target: tuple[float, float, float], cfg: MotionWorldConfig) -> list[float]:
    return [max(-cfg.max_step, min(cfg.max_step, t - g)) for t, g in zip(target, scene.gripper)] + \
        [1.0 if scene.closed else 0.0]


def expert_action(scene: Scene, task: Task, cfg: MotionWorldConfig) -> list[float]:
    """The noise-free expert action (dx, dy, dz, grip) at this scene: a function of the scene and the task."""
    g = scene.gripper
    ia = scene.types.index(task.a)
    a = scene.pos[ia]
    if task.template == "push":
        u = DIRECTIONS[task.direction]
        if scene.closed:
            return [0.0, 0.0, 0.0, 0.0]
        behind = (a[0] - g[0]) * u[0] + (a[1] - g[1]) * u[1]
        if g[2] < PUSH_Z and math.dist(a[:2], g[:2]) < PUSH_RADIUS + 0.025 and behind > 0.03:
            return [u[0] * cfg.max_step, u[1] * cfg.max_step, max(-cfg.max_step, min(cfg.max_step, 0.02 - g[2])), 0.0]
        pre = (a[0] - u[0] * (PUSH_RADIUS + 0.015), a[1] - u[1] * (PUSH_RADIUS + 0.015))
        if math.dist(pre, g[:2]) > 0.03:
            return _move(scene, (*pre, cfg.hover_z), cfg)
        return _move(scene, (*pre, 0.02), cfg)
    if scene.held == ia:
        if task.template == "lift":
            return _move(scene, (g[0], g[1], cfg.lift_z), cfg)
        if task.template == "place":
            b = scene.pos[scene.types.index(task.b)]
            dest, release_z = b[:2], b[2] + OBJECT_HEIGHT + GRASP_ABOVE
        else:
            dest, release_z = CORNERS[task.corner], GRASP_ABOVE
        if math.dist(dest, g[:2]) > 0.03:
            return _move(scene, (dest[0], dest[1], cfg.hover_z), cfg)
        if g[2] > release_z + ALIGN or math.dist(dest, g[:2]) > ALIGN:
            return _move(scene, (dest[0], dest[1], release_z), cfg)
        return [0.0, 0.0, 0.0, 0.0]
    if scene.closed:
        return [0.0, 0.0, 0.0, 0.0]
    if math.dist(a[:2], g[:2]) > 0.03:
        return _move(scene, (a[0], a[1], cfg.hover_z), cfg)
    grasp_z = a[2] + GRASP_ABOVE
    if abs(g[2] - grasp_z) > ALIGN or math.dist(a[:2], g[:2]) > ALIGN:
        return _move(scene, (a[0], a[1], grasp_z), cfg)
    return [0.0, 0.0, 0.0, 1.0]


def noisy(action: list[float], cfg: MotionWorldConfig, rng: random.Random) -> list[float]:
    """The demonstrator's action: the expert's arm deltas plus Gaussian noise (clipped), the same grip command."""
    return [max(-cfg.max_step, min(cfg.max_step, v + rng.gauss(0.0, cfg.noise))) for v in action[:3]] + [action[3]]


def state_record(scene: Scene) -> dict:
    return {"gripper": list(scene.gripper), "closed": scene.closed, "types": list(scene.types),
            "pos": [list(p) for p in scene.pos], "held": scene.held}


def scene_from_record(row: dict) -> Scene:
    return Scene(list(row["gripper"]), bool(row["closed"]), list(row["types"]), [list(p) for p in row["pos"]],
                 int(row["held"]))


def expert_demos(world: World, cfg: MotionWorldConfig, seed: int, split: str, per_task: int) -> list[dict]:
    """`per_task` successful noisy expert episodes per task: {"task", "states" (T+1 scene records), "actions" (T)}.
    An episode that misses its goal within the horizon is redrawn (the draw count stays in the seed stream)."""
    rng = random.Random(f"motion-demos:{seed}:{split}")
    episodes = []
    for k, task in enumerate(world.tasks):
        made = 0
        while made < per_task:
            scene = new_scene(cfg, task, rng)
            states, actions = [state_record(scene)], []
            for _ in range(cfg.horizon):
                action = noisy(expert_action(scene, task, cfg), cfg, rng)
                step(scene, action, cfg)
                actions.append(action)
                states.append(state_record(scene))
                if success(scene, task, cfg):
                    break
            if success(scene, task, cfg):
                episodes.append({"task": k, "states": states, "actions": actions})
                made += 1
    return episodes


def start_scenes(world: World, cfg: MotionWorldConfig, seed: int, split: str, n: int) -> list[tuple[int, Scene]]:
    """`n` fresh start scenes for closed-loop rollouts, (task index, scene), the tasks in turn (i % n_tasks)."""
    rng = random.Random(f"motion-scenes:{seed}:{split}")
    return [(i % len(world.tasks), new_scene(cfg, world.tasks[i % len(world.tasks)], rng)) for i in range(n)]


# -- language motions -----------------------------------------------------------------------------------------

def label_motions(positions: list[list[float]], closed: list[bool], window: int = 3,
                  threshold: float = 0.02) -> list[tuple[int, int, int, int]]:
    """One motion per step t of a trajectory of T+1 gripper positions (base frame) and gripper states: a step that
    toggles the gripper is "close/open gripper"; otherwise each axis whose displacement from t to t + window (cut
    at the next gripper toggle and at the end) exceeds `threshold` gives its direction (the dead zone is "stay")."""
    if len(positions) != len(closed) or len(positions) < 2:
        raise ValueError(f"label_motions: need T+1 >= 2 positions and gripper states, got {len(positions)} and "
                         f"{len(closed)}")
    if window < 1 or threshold < 0:
        raise ValueError(f"label_motions: window must be >= 1 and threshold >= 0, got {window}, {threshold}")
    steps = len(positions) - 1
    toggles = [t for t in range(steps) if closed[t + 1] != closed[t]]
    labels = []
    for t in range(steps):
        if t in toggles:
            labels.append((0, 0, 0, 1 if closed[t + 1] else -1))
            continue
        end = min([t + window, steps] + [s for s in toggles if s > t])
        d = [positions[end][i] - positions[t][i] for i in range(3)]
        labels.append(tuple((1 if v > threshold else -1 if v < -threshold else 0) for v in d) + (0,))
    return labels


def phrase(motion: tuple[int, int, int, int]) -> str:
    """Canonical rendering: arm words in x, y, z order, then the gripper; all zero is "stay"."""
    arm = [AXIS_WORDS[i][(v + 1) // 2] for i, v in enumerate(motion[:3]) if v]
    parts = (["move arm " + " ".join(arm)] if arm else []) + ([GRIPPER_WORDS[(motion[3] + 1) // 2]]
                                                             if motion[3] else [])
    return " and ".join(parts) or "stay"


def expert_motion(scene: Scene, task: Task, cfg: MotionWorldConfig, window: int = 3,
                  threshold: float = 0.02) -> tuple[int, int, int, int]:
    """The oracle's motion at this scene: the labeler's motion of the expert's own noise-free continuation."""
    sim = copy.deepcopy(scene)
    positions, closed = [list(sim.gripper)], [sim.closed]
    for _ in range(window):
        step(sim, expert_action(sim, task, cfg), cfg)
        positions.append(list(sim.gripper))
        closed.append(sim.closed)
    return label_motions(positions, closed, window, threshold)[0]
