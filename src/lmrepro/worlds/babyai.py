"""BabyAI levels (PyPI minigrid) for papers that learn policies from expert demonstrations (grif, lid).

    demos = bot_demos("BabyAI-GoToLocal-v0", seeds=range(100))          # expert trajectories, zero-reward ones dropped
    describe(demos[0]["steps"][0]["image"])                             # the egocentric 7x7 view as text
    success_rate(policy, "BabyAI-GoToLocal-v0", seeds=range(10_000, 10_050))
    rollouts(policy, "BabyAI-GoToLocal-v0", seeds=range(10))           # whole episodes; the policy sees each history

Every episode is a pure function of (level, seed): `env.reset(seed=seed)` draws the room and the mission, and the
expert (`minigrid.utils.baby_ai_bot.BabyAIBot`) is deterministic. BabyAI prints "Sampling rejected ..." on most
resets; those prints are silenced here so they never flood a stage log. Demos with zero reward are dropped (the
legacy PickupLoc bot bug, mila-iqia/babyai#80). Observations are minigrid's egocentric `image` (7 x 7 x 3 ints:
object, colour, state; the agent sits at column 3 of the bottom row, facing up), kept as nested lists so that
demos are plain JSON. With `full=True` every record also holds `full`, the whole room seen from above (`full_view`),
and a demo its final frame `final_full` (a goal image for goal-conditioned policies).
"""
from __future__ import annotations

import contextlib
import io
from typing import Callable, Iterable

# minigrid's encodings (minigrid.core.constants), restated so that the text view needs no import of minigrid
OBJECTS = ("unseen", "empty", "wall", "floor", "door", "key", "ball", "box", "goal", "lava", "agent")
COLORS = ("red", "green", "blue", "purple", "yellow", "grey")
DOOR_STATES = ("open", "closed", "locked")
ACTIONS = ("left", "right", "forward", "pickup", "drop", "toggle", "done")
VIEW = 7  # minigrid's default agent_view_size
AGENT_COLUMN, AGENT_ROW = VIEW // 2, VIEW - 1


@contextlib.contextmanager
def quiet():
    """Silence BabyAI's stdout chatter ("Sampling rejected: unreachable object ...")."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def make_env(level: str):
    import gymnasium as gym
    import minigrid  # noqa: F401  (registers the BabyAI levels with gymnasium)

    try:
        return gym.make(level)
    except gym.error.Error as err:
        raise ValueError(f"unknown BabyAI level {level!r}: {err}") from err


def full_view(env) -> dict:
    """The fully observed room (as minigrid's FullyObsWrapper encodes it): `grid` (width x height x 3 ints, indexed
    [x][y], the agent's cell holding (agent, red, direction)), the agent's `pose` [x, y, direction] and what it
    `carries` ([object, colour] ints; [0, 0] when nothing: a carried object is not on the grid)."""
    u = env.unwrapped
    grid = u.grid.encode()
    x, y = (int(v) for v in u.agent_pos)
    grid[x][y] = (OBJECTS.index("agent"), 0, int(u.agent_dir))
    carried = u.carrying
    carries = [OBJECTS.index(carried.type), COLORS.index(carried.color)] if carried is not None else [0, 0]
    return {"grid": grid.tolist(), "pose": [x, y, int(u.agent_dir)], "carries": carries}


def _step_record(obs, action: int | None = None, env=None) -> dict:
    record = {"image": obs["image"].tolist(), "direction": int(obs["direction"]), "action": action}
    if env is not None:
        record["full"] = full_view(env)
    return record


def bot_demo(env, seed: int, full: bool = False) -> dict:
    """One expert episode: mission, steps (observation and the bot's action), reward and length; with `full`, each
    step's `full_view` and the final one (`final_full`)."""
    from minigrid.utils.baby_ai_bot import BabyAIBot

    with quiet():
        obs, _ = env.reset(seed=seed)
        bot = BabyAIBot(env.unwrapped)
        steps, reward, done = [], 0.0, False
        while not done:
            action = int(bot.replan())
            steps.append(_step_record(obs, action, env if full else None))
            obs, r, terminated, truncated, _ = env.step(action)
            reward += float(r)
            done = terminated or truncated
    demo = {"seed": seed, "mission": obs["mission"], "steps": steps, "reward": reward}
    if full:
        demo["final_full"] = full_view(env)
    return demo


def bot_demos(level: str, seeds: Iterable[int], full: bool = False) -> list[dict]:
    """Expert demos for `seeds` (the ones with zero reward dropped), in seed order."""
    env = make_env(level)
    demos = [bot_demo(env, seed, full=True) if full else bot_demo(env, seed) for seed in seeds]
    return [d for d in demos if d["reward"] > 0]


def describe(image: list[list[list[int]]]) -> str:
    """The egocentric view as sentences, nearest object first: "a purple key 2 steps ahead and 1 to the left."
    (walls, floor and empty cells are left out; a door says its state)."""
    seen = []
    for x in range(VIEW):
        for y in range(VIEW):
            obj, color, state = image[x][y]
            name = OBJECTS[obj]
            if name in ("unseen", "empty", "wall", "floor", "agent"):
                continue
            ahead, right = AGENT_ROW - y, x - AGENT_COLUMN
            where = [f"{ahead} steps ahead"] if ahead else ["here"]
            if right:
                where.append(f"{abs(right)} to the {'right' if right > 0 else 'left'}")
            thing = f"a {DOOR_STATES[state]} {COLORS[color]} door" if name == "door" else f"a {COLORS[color]} {name}"
            seen.append((ahead + abs(right), f"{thing} {' and '.join(where)}."))
    return " ".join(text for _, text in sorted(seen)) or "nothing in view."


def success_rate(policy: Callable[[list[dict], list[str]], list[int]], level: str, seeds: Iterable[int],
                 max_steps: int | None = None, full: bool = False) -> float:
    """Share of episodes (one per seed) that end with reward > 0. All episodes step together, so `policy` gets a
    batch: the current observation records and missions of the unfinished episodes, and returns one action each.
    Each record says its `episode` (the index of its seed), so a policy can look up per-episode inputs (a goal
    image); with `full`, records hold the `full_view` too."""
    seeds = list(seeds)
    envs = [make_env(level) for _ in seeds]
    with quiet():
        obs = [env.reset(seed=seed)[0] for env, seed in zip(envs, seeds)]
    limit = max_steps or envs[0].unwrapped.max_steps
    rewards, live = [0.0] * len(envs), list(range(len(envs)))
    for _ in range(limit):
        if not live:
            break
        records = [{**_step_record(obs[i], env=envs[i] if full else None), "episode": i} for i in live]
        actions = policy(records, [obs[i]["mission"] for i in live])
        still = []
        for i, action in zip(live, actions):
            obs[i], r, terminated, truncated, _ = envs[i].step(int(action))
            rewards[i] += float(r)
            if not (terminated or truncated):
                still.append(i)
        live = still
    return sum(r > 0 for r in rewards) / len(rewards)


def rollouts(policy: Callable[[list[dict], list[str]], list[int]], level: str, seeds: Iterable[int],
             max_steps: int | None = None) -> list[dict]:
    """Run one episode per seed, all stepping together, and return them in seed order like `bot_demo`'s records
    (seed, mission, steps with the action taken, reward) plus `final`: the last observation's step record.
    `policy` gets the unfinished episodes' current step records, each with `history` (the episode's actions so
    far), and their missions, and returns one action each. Success is `reward > 0`."""
    seeds = list(seeds)
    envs = [make_env(level) for _ in seeds]
    with quiet():
        obs = [env.reset(seed=seed)[0] for env, seed in zip(envs, seeds)]
    episodes = [{"seed": seed, "mission": o["mission"], "steps": [], "reward": 0.0} for seed, o in zip(seeds, obs)]
    limit = max_steps or envs[0].unwrapped.max_steps
    live = list(range(len(envs)))
    for _ in range(limit):
        if not live:
            break
        records = [{**_step_record(obs[i]), "history": [s["action"] for s in episodes[i]["steps"]]} for i in live]
        actions = policy(records, [episodes[i]["mission"] for i in live])
        still = []
        for i, action in zip(live, actions):
            episodes[i]["steps"].append(_step_record(obs[i], int(action)))
            obs[i], r, terminated, truncated, _ = envs[i].step(int(action))
            episodes[i]["reward"] += float(r)
            if not (terminated or truncated):
                still.append(i)
        live = still
    for episode, o in zip(episodes, obs):
        episode["final"] = _step_record(o)
    return episodes
