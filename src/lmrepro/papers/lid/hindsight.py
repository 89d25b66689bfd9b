"""ADG's hindsight relabelling (paper §4.2: "relabel failed episodes with the goals they did achieve"), on BabyAI.

An episode achieves "go to the <colour> <type>" at the first observation whose cell in front of the agent holds that
object (BabyAI's GoTo success test), and "pick up the <colour> <type>" at the first observation in which the agent
carries it (minigrid draws the carried object on the agent's own cell of the egocentric view). Each achieved goal
gives one sub-trajectory: the actions up to that observation, relabelled with the goal in exactly the instruction
grammar of the test missions (spec pitfall). Goals on held-out (colour, type) pairs are dropped: they must never
be training goals. Only the last `keep_last` steps of a sub-trajectory are trained on (`start`; their history
still holds the earlier actions): in an exploration episode those are the steps that reached the goal, the earlier
ones a random walk (the paper keeps the "useful" parts of relabelled episodes).
"""
from __future__ import annotations

from lmrepro.worlds import babyai

GOAL_TYPES = ("key", "ball", "box")


def achieved_goals(episode: dict) -> list[tuple[str, int]]:
    """(goal mission, t) for each goal first achieved at observation t >= 1 (after t actions), in order of t."""
    views = [s["image"] for s in episode["steps"]] + [episode["final"]["image"]]
    first: dict[str, int] = {}
    for t in range(1, len(views)):
        front = views[t][babyai.AGENT_COLUMN][babyai.AGENT_ROW - 1]
        carried = views[t][babyai.AGENT_COLUMN][babyai.AGENT_ROW]
        for verb, (obj, color, _) in (("go to", front), ("pick up", carried)):
            if babyai.OBJECTS[obj] in GOAL_TYPES:
                first.setdefault(f"{verb} the {babyai.COLORS[color]} {babyai.OBJECTS[obj]}", t)
    return sorted(first.items(), key=lambda item: item[1])


def relabel(episode: dict, heldout: set[tuple[str, str]], keep_last: int) -> list[dict]:
    """The episode's sub-trajectories, one per achieved goal outside `heldout`, each with that goal as mission and
    its last `keep_last` steps to train on (0: all)."""
    out = []
    for goal, t in achieved_goals(episode):
        color, kind = goal.split()[-2:]
        if (color, kind) not in heldout:
            out.append({"seed": episode["seed"], "mission": goal, "steps": episode["steps"][:t],
                        "start": useful_start(t, keep_last), "relabelled": True})
    return out


def useful_start(length: int, keep_last: int) -> int:
    """Index of the first step trained on when the last `keep_last` of `length` steps are kept (0: all)."""
    return max(0, length - keep_last) if keep_last else 0
