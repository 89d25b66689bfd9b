"""The programs world (karel_meaning): interpreter semantics on hand-built programs, parity with the PyPI `karel`
package on 200 random programs and grids, trace/spec consistency, the statement sampler, alternative semantics,
rendering, determinism and the 2 s budget."""
import json
import random
import time
from collections import Counter

import pytest

from lmrepro.worlds import programs as P

N, E, S, W = range(4)


def state(row, col, facing, markers=()):
    return {"row": row, "col": col, "facing": facing, "markers": sorted(list(m) for m in markers)}


def final(program, start, walls=(), size=5, semantics=None):
    return P.execute(size, set(walls), start, program, semantics)[-1]


# -- semantics on hand-built programs ------------------------------------------------------------------------------
def test_turns_rotate_and_compose():
    start = state(2, 2, N)
    assert final(["turn_right"], start)["facing"] == E
    assert final(["turn_left"], start)["facing"] == W
    assert final(["turn_left"] * 4, start) == start
    assert final(["turn_left", "turn_right"], start) == start
    assert final(["turn_right"] * 3, start) == final(["turn_left"], start)


def test_move_follows_the_facing_and_stops_at_edges_and_walls():
    assert final(["move"], state(2, 2, N)) == state(1, 2, N)  # row 0 is the top
    assert final(["move"], state(2, 2, E)) == state(2, 3, E)
    assert final(["move"], state(2, 2, S)) == state(3, 2, S)
    assert final(["move"], state(2, 2, W)) == state(2, 1, W)
    assert final(["move"] * 9, state(2, 2, E)) == state(2, 4, E)  # the border is a wall: no-op, no error
    assert final(["move"], state(0, 0, N)) == state(0, 0, N)
    assert final(["move", "move"], state(2, 0, E), walls=[(2, 2)]) == state(2, 1, E)  # an interior wall


def test_markers_pick_put_and_empty_pick_is_a_no_op():
    start = state(1, 1, E, [(1, 1, 1)])
    assert final(["pick_marker"], start)["markers"] == []
    assert final(["pick_marker", "pick_marker"], start)["markers"] == []  # nothing left: no-op
    assert final(["put_marker", "put_marker"], start)["markers"] == [[1, 1, 3]]
    assert final(["move", "put_marker"], start)["markers"] == [[1, 1, 1], [1, 2, 1]]
    with pytest.raises(ValueError, match="unknown action"):
        P.step(5, set(), start, "jump")


def test_alternative_semantics_remap_actions_not_text():
    start = state(2, 2, N, [(2, 2, 1)])
    assert final(["turn_left"], start, semantics="opposite")["facing"] == E
    assert final(["pick_marker"], start, semantics="opposite")["markers"] == [[2, 2, 2]]
    assert final(["move"], start, semantics="perm") == state(2, 2, W, [(2, 2, 1)])  # move -> turn_left
    assert final(["turn_left"], start, semantics="perm")["facing"] == E  # turn_left -> turn_right
    assert final(["turn_right"], start, semantics="perm") == state(1, 2, N, [(2, 2, 1)])  # turn_right -> move


# -- parity with the PyPI karel package ----------------------------------------------------------------------------
def test_parity_with_the_karel_package_on_200_random_programs():
    cfg = P.ProgramsConfig(size=5, wall_ratio=0.15, marker_ratio=0.2, actions=P.ACTIONS, length=(1, 12),
                           n_examples=1)
    rows = P.generate(cfg, seed=11, n=200)
    blocked = 0
    for row in rows:
        walls = {tuple(w) for w in row["walls"]}
        ex = row["examples"][0]
        assert P.karel_package_final_state(5, row["walls"], ex["input"], row["program"]) == ex["output"], row
        blocked += any(a["row"] == b["row"] and a["col"] == b["col"] and m == "move"
                       for a, b, m in zip([ex["input"], *ex["trace"]], ex["trace"], row["program"]))
    assert blocked > 20  # the wall / edge case is exercised, not only free moves


# -- generated rows ------------------------------------------------------------------------------------------------
def test_traces_and_outputs_are_consistent():
    cfg = P.ProgramsConfig(wall_ratio=0.1, marker_ratio=0.1, actions=P.ACTIONS)
    for row in P.generate(cfg, seed=1, n=100):
        assert cfg.length[0] <= len(row["program"]) <= cfg.length[1]
        walls = {tuple(w) for w in row["walls"]}
        assert len(row["examples"]) == cfg.n_examples
        for ex in row["examples"]:
            assert len(ex["trace"]) == len(row["program"]) and ex["trace"][-1] == ex["output"]
            assert P.execute(row["size"], walls, ex["input"], row["program"]) == ex["trace"]
            assert (ex["input"]["row"], ex["input"]["col"]) not in walls
        assert P.satisfies(row, row["program"])


def test_satisfies_checks_every_example_and_rejects_unknown_statements():
    row = {"size": 5, "walls": [], "examples": [{"input": state(2, 2, N), "output": state(1, 2, E)},
                                                {"input": state(4, 4, W), "output": state(4, 3, N)}]}
    assert P.satisfies(row, ["move", "turn_right"])
    assert not P.satisfies(row, ["turn_right", "move"])  # same statements, other order: (2, 3) != (1, 2)
    assert not P.satisfies(row, ["move", "turn_right", "turn_left", "turn_right", "move"])  # ex. 1 ends elsewhere
    assert not P.satisfies(row, ["move", "turn_right", "jump"])
    assert P.satisfies({"size": 5, "walls": [], "examples": [{"input": state(0, 0, N), "output": state(0, 0, N)}]},
                       ["move"])  # blocked move: a different program can satisfy the spec


def test_statement_weights_and_lengths():
    cfg = P.ProgramsConfig(actions=P.ACTIONS, length=(1, 10))
    rng = random.Random(0)
    programs = [P.sample_program(rng, cfg) for _ in range(6000)]
    lengths = Counter(len(p) for p in programs)
    assert set(lengths) == set(range(1, 11)) and max(lengths.values()) / min(lengths.values()) < 1.3
    counts = Counter(a for p in programs for a in p)
    total = sum(counts.values())
    for action, weight in P.STATEMENT_WEIGHTS.items():
        assert counts[action] / total == pytest.approx(weight / 15, abs=0.01)
    small = P.ProgramsConfig()  # the small-scale default: no marker statements
    assert {a for _ in range(200) for a in P.sample_program(rng, small)} == {"move", "turn_left", "turn_right"}


def test_rendering_uses_the_vocabulary():
    cfg = P.ProgramsConfig()
    row = P.generate(cfg, seed=3, n=1)[0]
    tokens = P.render_spec(row)
    assert len(tokens) == 8 * cfg.n_examples and tokens[0] == "IN" and tokens[4] == "OUT"
    assert set(tokens) | set(row["program"]) <= set(P.vocabulary(cfg))
    assert P.render_state(state(2, 4, E)) == ["r2", "c4", "E"]


def test_bad_config_is_rejected():
    with pytest.raises(ValueError, match="actions"):
        P.ProgramsConfig(actions=("move", "jump")).check()
    with pytest.raises(ValueError, match="length"):
        P.ProgramsConfig(length=(0, 3)).check()


def test_pure_function_of_seed_and_fast():
    cfg = P.ProgramsConfig()
    start = time.perf_counter()
    rows = P.generate(cfg, seed=5, n=2500)  # the small corpus: 2000 train + 500 held-out programs
    assert time.perf_counter() - start < 2.0
    assert json.dumps(rows) == json.dumps(P.generate(cfg, seed=5, n=2500))
    assert json.dumps(rows) != json.dumps(P.generate(cfg, seed=6, n=2500))
