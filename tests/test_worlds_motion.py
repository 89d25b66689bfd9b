"""The motion world (rth): same seed same tasks/demos, distinct one-word task names, every demo succeeds, the
labeler's canonical order and frame convention on hand-made trajectories, the oracle motion equals the labeler's
motion of the expert's own continuation, and the physics of grasping and pushing."""
import json
import random

import pytest

from lmrepro.worlds import motion as M

CFG = M.MotionWorldConfig()


def test_same_seed_same_world_and_demos_other_seed_differs():
    def dump(seed):
        world = M.make_world(CFG, seed)
        small = M.World(world.tasks[:3])
        return json.dumps([[vars(t) for t in world.tasks], M.expert_demos(small, CFG, seed, "train", 1)])

    assert dump(1) == dump(1) and dump(1) != dump(2)


def test_tasks_have_distinct_single_word_names_and_the_template_counts():
    world = M.make_world(CFG, 0)
    names = [t.name for t in world.tasks]
    assert len(set(names)) == len(names) == 24 and all(n.isalpha() and " " not in n for n in names)
    assert [sum(t.template == k for t in world.tasks) for k in M.TEMPLATES] == list(CFG.template_counts)
    assert len({(t.template, t.a, t.b, t.corner, t.direction) for t in world.tasks}) == 24
    with pytest.raises(ValueError, match="template_counts"):
        M.make_world(M.MotionWorldConfig(n_tasks=5), 0)


def test_every_demo_reaches_its_goal_and_scenes_hold_the_task_objects():
    world = M.make_world(CFG, 3)
    demos = M.expert_demos(world, CFG, 3, "train", 2)
    assert len(demos) == 48 and {d["task"] for d in demos} == set(range(24))
    for demo in demos:
        task = world.tasks[demo["task"]]
        last = M.scene_from_record(demo["states"][-1])
        assert M.success(last, task, CFG) and len(demo["states"]) == len(demo["actions"]) + 1
        assert task.a in last.types and (not task.b or task.b in last.types)
        assert CFG.min_objects <= len(last.types) <= CFG.max_objects
        first = M.scene_from_record(demo["states"][0])
        assert not M.success(first, task, CFG)


def test_labeler_forward_then_close_gripper_in_the_base_frame():
    # +x is forward in the base frame: five steps of +0.05 in x, then the gripper closes without moving
    positions = [[0.2 + 0.05 * t, 0.5, 0.3] for t in range(6)] + [[0.45, 0.5, 0.3]]
    closed = [False] * 6 + [True]
    labels = M.label_motions(positions, closed, window=3, threshold=0.02)
    assert [M.phrase(m) for m in labels] == ["move arm forward"] * 5 + ["close gripper"]


def test_labeler_axes_order_dead_zone_and_stay():
    positions = [[0.5, 0.5, 0.5], [0.46, 0.54, 0.45], [0.42, 0.58, 0.4], [0.42, 0.58, 0.4], [0.425, 0.58, 0.4]]
    labels = M.label_motions(positions, [False] * 5, window=3, threshold=0.02)
    assert labels[0] == (-1, 1, -1, 0) and M.phrase(labels[0]) == "move arm backward left down"
    assert M.phrase(labels[3]) == "stay"  # 0.005 < threshold: the dead zone
    assert M.phrase((0, -1, 1, -1)) == "move arm right up and open gripper"
    with pytest.raises(ValueError):
        M.label_motions([[0, 0, 0]], [False])


def test_oracle_motion_is_the_labelers_motion_of_the_noise_free_expert():
    world = M.make_world(CFG, 0)
    rng = random.Random(0)
    checked = 0
    for k, scene in M.start_scenes(world, CFG, 0, "eval", 24):
        task = world.tasks[k]
        for _ in range(rng.randint(0, 15)):
            M.step(scene, M.expert_action(scene, task, CFG), CFG)
        sim = M.scene_from_record(M.state_record(scene))
        positions, closed = [list(sim.gripper)], [sim.closed]
        for _ in range(3):
            M.step(sim, M.expert_action(sim, task, CFG), CFG)
            positions.append(list(sim.gripper))
            closed.append(sim.closed)
        assert M.expert_motion(scene, task, CFG) == M.label_motions(positions, closed)[0]
        checked += 1
    assert checked == 24


def test_grasp_carries_the_object_and_an_open_low_gripper_pushes():
    scene = M.Scene([0.5, 0.5, 0.045], False, ["red_cube", "blue_ball"], [[0.5, 0.5, 0.0], [0.8, 0.8, 0.0]])
    M.step(scene, [0.0, 0.0, 0.0, 1.0], CFG)
    assert scene.closed and scene.held == 0
    M.step(scene, [0.05, 0.0, 0.05, 1.0], CFG)
    assert scene.pos[0][:2] == pytest.approx([0.55, 0.5]) and scene.pos[0][2] > 0.0
    push = M.Scene([0.3, 0.5, 0.02], False, ["red_cube"], [[0.37, 0.5, 0.0]])
    M.step(push, [0.05, 0.0, 0.0, 0.0], CFG)
    assert push.pos[0][0] == pytest.approx(0.35 + M.PUSH_RADIUS) and push.pos[0][1] == pytest.approx(0.5)
    high = M.Scene([0.3, 0.5, 0.2], False, ["red_cube"], [[0.37, 0.5, 0.0]])
    M.step(high, [0.05, 0.0, 0.0, 0.0], CFG)
    assert high.pos[0][0] == pytest.approx(0.37)  # above the push height nothing moves
