"""Straight-line Karel programs on a small walled grid, their I/O specifications and execution traces (used by:
karel_meaning).

A world is a `size` x `size` grid (rows and columns 0..size-1, row 0 at the top) surrounded by walls, with
optional interior walls. The robot has a cell, a facing direction (north/east/south/west) and an unlimited bag of
markers; cells hold marker counts. Statements (no loops, no conditionals, as in the paper's study):

    move         one cell forward; into a wall or off the grid it does nothing
    turn_left    facing rotates counter-clockwise;  turn_right: clockwise
    pick_marker  takes one marker from the cell; on an empty cell it does nothing
    put_marker   adds one marker to the cell

These are the semantics of the PyPI `karel` package 1.3.0 (carpedm20/karel, which the paper's repository forks):
its `move` returns False and stays put when the front is not clear, `pick_marker` passes on an empty cell, and
the hero's bag is unlimited. tests/test_worlds_programs.py runs both interpreters on the same 200 random
programs and grids and requires identical final states.

Structure guaranteed (tested there):
- `execute` returns the state after every statement; a row's `trace[-1]` is its example's `output`, and
  re-executing the program on `input` reproduces the trace;
- programs are drawn with the paper generator's statement weights (move 5, turns 3 each, markers 2 each,
  restricted to `actions`) and lengths uniform in `length`;
- `ALT_SEMANTICS` re-map what each action does while the program text stays the same (C3's control): "opposite"
  swaps left/right and pick/put, "perm" sends move -> turn_left -> turn_right -> move;
- a pure function of (config, seed): the same seed gives byte-identical rows; a small corpus takes well under 2 s.

Row schema (JSONL, one program): {"id", "size", "walls": [[r, c], ...], "program": [action, ...], "examples":
[{"input": STATE, "output": STATE, "trace": [STATE per statement]}]} with STATE = {"row", "col", "facing"
(0..3 = N, E, S, W), "markers": [[r, c, count], ...] sorted}.
Paper scale: the same generator at the paper's sizes (8x8, lengths 1-10, 5 examples); the paper trains on data
it generated locally too (no dataset id).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

DIRECTIONS = ("N", "E", "S", "W")  # clockwise, so turn_right is +1 and turn_left is -1 (mod 4)
OFFSETS = ((-1, 0), (0, 1), (1, 0), (0, -1))  # (d_row, d_col) for N, E, S, W
ACTIONS = ("move", "turn_left", "turn_right", "pick_marker", "put_marker")
STATEMENT_WEIGHTS = {"move": 5, "turn_left": 3, "turn_right": 3, "pick_marker": 2, "put_marker": 2}
ALT_SEMANTICS = {
    "opposite": {"turn_left": "turn_right", "turn_right": "turn_left", "pick_marker": "put_marker",
                 "put_marker": "pick_marker"},
    "perm": {"move": "turn_left", "turn_left": "turn_right", "turn_right": "move"},
}


@dataclass
class ProgramsConfig:
    size: int = 5                      # spec (small): a 5x5 grid; paper: 8x8
    wall_ratio: float = 0.0            # share of interior cells that are walls
    marker_ratio: float = 0.0          # share of free cells holding one marker at the start
    actions: tuple[str, ...] = ("move", "turn_left", "turn_right")  # spec (small): markers optional
    length: tuple[int, int] = (4, 8)   # statements per program, uniform (paper: 1-10, 1-5 filtered from training)
    n_examples: int = 3                # I/O pairs per specification (paper: 5)

    def check(self, where: str = "programs") -> None:
        if self.size < 2:
            raise ValueError(f"{where}.size must be >= 2, got {self.size}")
        if not 0.0 <= self.wall_ratio < 0.5 or not 0.0 <= self.marker_ratio <= 1.0:
            raise ValueError(f"{where}: wall_ratio must be in [0, 0.5) and marker_ratio in [0, 1]")
        unknown = set(self.actions) - set(ACTIONS)
        if unknown or not self.actions:
            raise ValueError(f"{where}.actions must be a non-empty subset of {ACTIONS}, got {self.actions}")
        if not 1 <= self.length[0] <= self.length[1]:
            raise ValueError(f"{where}.length must be (min, max) with 1 <= min <= max, got {self.length}")
        if self.n_examples < 1:
            raise ValueError(f"{where}.n_examples must be >= 1")


def free(size: int, walls: set[tuple[int, int]], row: int, col: int) -> bool:
    return 0 <= row < size and 0 <= col < size and (row, col) not in walls


def step(size: int, walls: set[tuple[int, int]], state: dict, action: str) -> dict:
    """The state after one statement (a new dict; `state` is not modified)."""
    row, col, facing = state["row"], state["col"], state["facing"]
    markers = {(r, c): n for r, c, n in state["markers"]}
    if action == "move":
        d_row, d_col = OFFSETS[facing]
        if free(size, walls, row + d_row, col + d_col):
            row, col = row + d_row, col + d_col
    elif action == "turn_left":
        facing = (facing - 1) % 4
    elif action == "turn_right":
        facing = (facing + 1) % 4
    elif action == "pick_marker":
        if markers.get((row, col), 0) > 0:
            markers[(row, col)] -= 1
    elif action == "put_marker":
        markers[(row, col)] = markers.get((row, col), 0) + 1
    else:
        raise ValueError(f"unknown action {action!r}; expected one of {ACTIONS}")
    return {"row": row, "col": col, "facing": facing,
            "markers": sorted([r, c, n] for (r, c), n in markers.items() if n > 0)}


def execute(size: int, walls: set[tuple[int, int]], state: dict, program: list[str],
            semantics: str | None = None) -> list[dict]:
    """The state after each statement. `semantics` names an `ALT_SEMANTICS` map (None: the true semantics)."""
    remap = ALT_SEMANTICS[semantics] if semantics else {}
    trace = []
    for action in program:
        state = step(size, walls, state, remap.get(action, action))
        trace.append(state)
    return trace


def sample_program(rng: random.Random, cfg: ProgramsConfig) -> list[str]:
    actions = list(cfg.actions)
    weights = [STATEMENT_WEIGHTS[a] for a in actions]
    return rng.choices(actions, weights=weights, k=rng.randint(*cfg.length))


def sample_walls(rng: random.Random, cfg: ProgramsConfig) -> set[tuple[int, int]]:
    cells = [(r, c) for r in range(cfg.size) for c in range(cfg.size)]
    return set(rng.sample(cells, round(cfg.wall_ratio * len(cells))))


def sample_state(rng: random.Random, cfg: ProgramsConfig, walls: set[tuple[int, int]]) -> dict:
    cells = [(r, c) for r in range(cfg.size) for c in range(cfg.size) if (r, c) not in walls]
    row, col = rng.choice(cells)
    markers = sorted([r, c, 1] for r, c in cells if rng.random() < cfg.marker_ratio)
    return {"row": row, "col": col, "facing": rng.randrange(4), "markers": markers}


def generate(cfg: ProgramsConfig, seed: int, n: int, start_id: int = 0) -> list[dict]:
    """`n` rows: a program, one wall layout, and `n_examples` random inputs with their outputs and traces."""
    cfg.check()
    rng = random.Random(f"programs-{seed}-{start_id}")
    rows = []
    for i in range(n):
        walls = sample_walls(rng, cfg)
        program = sample_program(rng, cfg)
        examples = []
        for _ in range(cfg.n_examples):
            start = sample_state(rng, cfg, walls)
            trace = execute(cfg.size, walls, start, program)
            examples.append({"input": start, "output": trace[-1], "trace": trace})
        rows.append({"id": start_id + i, "size": cfg.size, "walls": sorted(map(list, walls)), "program": program,
                     "examples": examples})
    return rows


def satisfies(row: dict, program: list[str]) -> bool:
    """Generative accuracy's test: `program` maps every example's input to its output (any program text)."""
    walls = {tuple(w) for w in row["walls"]}
    if any(a not in ACTIONS for a in program):  # a syntax error fails
        return False
    return all(([ex["input"]] + execute(row["size"], walls, ex["input"], program))[-1] == ex["output"]
               for ex in row["examples"])


KAREL_CHANNEL = (0, 3, 1, 2)  # karel's state channels are N, S, W, E; ours are N, E, S, W
KAREL_FACING = {(0, -1): 0, (1, 0): 1, (0, 1): 2, (-1, 0): 3}


def karel_package_final_state(size: int, walls: list, start: dict, program: list[str]) -> dict:
    """The final state of `program` run by the PyPI `karel` package 1.3.0 (the peer interpreter): our grid inside
    its border of walls, hero at x = col + 1, y = row + 1."""
    import warnings
    from collections import Counter

    import numpy as np
    from karel.karel import Karel

    grid = np.zeros((size + 2, size + 2, 16), dtype=np.int8)
    grid[0, :, 4] = grid[-1, :, 4] = grid[:, 0, 4] = grid[:, -1, 4] = 1
    for r, c in walls:
        grid[r + 1, c + 1, 4] = 1
    grid[start["row"] + 1, start["col"] + 1, KAREL_CHANNEL[start["facing"]]] = 1
    for r, c, n in start["markers"]:
        grid[r + 1, c + 1, 5 + n] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # karel 1.3.0 builds its grid with np.chararray
        world = Karel(state=grid)
    for action in program:
        getattr(world, action)()
    x, y = world.hero.position
    markers = sorted([int(my) - 1, int(mx) - 1, n] for (mx, my), n in Counter(world.markers).items())
    return {"row": int(y) - 1, "col": int(x) - 1, "facing": KAREL_FACING[tuple(world.hero.facing)],
            "markers": markers}


def render_state(state: dict) -> list[str]:
    """Compact state tokens (spec: "r c D"), e.g. ["r2", "c4", "E"]; markers are not rendered."""
    return [f"r{state['row']}", f"c{state['col']}", DIRECTIONS[state["facing"]]]


def render_spec(row: dict) -> list[str]:
    """The specification tokens: "IN r c D OUT r c D" per example (walls are not rendered)."""
    return [t for ex in row["examples"] for t in ["IN", *render_state(ex["input"]), "OUT", *render_state(ex["output"])]]


def vocabulary(cfg: ProgramsConfig) -> list[str]:
    return ["IN", "OUT", "PROG", "END", *DIRECTIONS, *(f"r{i}" for i in range(cfg.size)),
            *(f"c{i}" for i in range(cfg.size)), *ACTIONS]
