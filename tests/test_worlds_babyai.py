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


def test_rollouts_replay_the_expert_and_give_each_episode_its_action_history():
    seeds = list(range(100, 104))
    demos = babyai.bot_demos(LEVEL, seeds)
    plans = [[s["action"] for s in d["steps"]] for d in demos]

    def replay(records, missions):  # the unfinished episodes come in seed order, each with its own history
        now = len(records[0]["history"])
        live = [plan for plan in plans if len(plan) > now]
        assert [r["history"] for r in records] == [plan[:now] for plan in live]
        return [plan[now] for plan in live]

    episodes = babyai.rollouts(replay, LEVEL, seeds)
    assert [e["seed"] for e in episodes] == seeds and all(e["reward"] > 0 for e in episodes)
    assert [e["steps"] for e in episodes] == [d["steps"] for d in demos]
    assert [e["mission"] for e in episodes] == [d["mission"] for d in demos]
    assert all(len(e["final"]["image"]) == 7 and e["final"]["action"] is None for e in episodes)
    capped = babyai.rollouts(lambda recs, ms: [0] * len(recs), LEVEL, seeds, max_steps=3)
    assert all(len(e["steps"]) == 3 and e["reward"] == 0 for e in capped)


def test_full_view_shows_the_room_the_agent_and_what_it_carries():
    demo = babyai.bot_demos("BabyAI-PutNextLocalS5N3-v0", [3], full=True)[0]
    assert demo == babyai.bot_demos("BabyAI-PutNextLocalS5N3-v0", [3], full=True)[0]
    agent = babyai.OBJECTS.index("agent")
    for step in demo["steps"] + [{"full": demo["final_full"]}]:
        view = step["full"]
        x, y, direction = view["pose"]
        assert len(view["grid"]) == 5 and view["grid"][x][y] == [agent, 0, direction]
        assert sum(cell[0] == agent for column in view["grid"] for cell in column) == 1
    carried = [s["full"]["carries"] for s in demo["steps"]]
    assert carried[0] == [0, 0] and any(c[0] in (5, 6, 7) for c in carried)  # put-next picks an object up
    assert demo["final_full"]["carries"] == [0, 0] and demo["final_full"]["grid"] != demo["steps"][0]["full"]["grid"]


def test_success_rate_records_name_their_episode_and_carry_the_full_view():
    seen = []

    def policy(records, missions):
        seen.extend((r["episode"], "full" in r) for r in records)
        return [2] * len(records)

    babyai.success_rate(policy, LEVEL, [7, 8, 9], max_steps=1, full=True)
    assert seen == [(0, True), (1, True), (2, True)]
