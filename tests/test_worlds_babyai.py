"""worlds.babyai: seeded BabyAI demos from minigrid's expert bot, the egocentric view as text, batched evaluation."""
import random

import pytest

from lmrepro.worlds import babyai

LEVEL = "BabyAI-GoToLocal-v0"


def test_demos_are_a_pure_function_of_the_seed_and_solve_their_mission(capsys):
    first, again = babyai.bot_demos(LEVEL, range(5)), babyai.bot_demos(LEVEL, range(5))
    assert first == again and len(first) == 5
    assert capsys.readouterr().out == ""  # BabyAI's "Sampling rejected" prints are silenced
    for demo in first:
        assert demo["reward"] > 0 and demo["mission"].startswith("go to")
        assert all(len(s["image"]) == 7 and 0 <= s["action"] < len(babyai.ACTIONS) for s in demo["steps"])


def test_zero_reward_demos_are_dropped(monkeypatch):
    real = babyai.bot_demo
    monkeypatch.setattr(babyai, "bot_demo", lambda env, seed: {**real(env, seed), "reward": float(seed % 2)})
    assert [d["seed"] for d in babyai.bot_demos(LEVEL, range(4))] == [1, 3]


def test_describe_places_objects_relative_to_the_agent():
    image = [[[1, 0, 0] for _ in range(7)] for _ in range(7)]  # image[x][y]; the agent at x=3, y=6 facing y=0
    image[1][4] = [5, 3, 0]  # purple key, 2 ahead, 2 left
    image[3][5] = [6, 0, 0]  # red ball straight ahead
    image[6][6] = [4, 4, 2]  # locked yellow door, 3 to the right
    assert babyai.describe(image) == ("a red ball 1 steps ahead. a locked yellow door here and 3 to the right. "
                                      "a purple key 2 steps ahead and 2 to the left.")
    assert babyai.describe([[[2, 0, 0]] * 7] * 7) == "nothing in view."


def test_success_rate_is_one_for_replayed_expert_actions_and_low_for_random_ones():
    seeds = list(range(100, 106))
    plans = [[s["action"] for s in d["steps"]] for d in babyai.bot_demos(LEVEL, seeds)]  # seed order
    t = iter(range(10_000))

    def replay(records, missions):  # the unfinished episodes come in seed order: those whose plan goes on
        now = next(t)
        return [plan[now] for plan in plans if len(plan) > now]

    assert babyai.success_rate(replay, LEVEL, seeds) == 1.0
    rng = random.Random(0)
    assert babyai.success_rate(lambda recs, ms: [rng.randrange(3) for _ in recs], LEVEL, seeds, max_steps=8) < 0.5


def test_unknown_level_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown BabyAI level"):
        babyai.make_env("BabyAI-NoSuchLevel-v0")
