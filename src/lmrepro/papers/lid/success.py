"""Task success of a policy on the prepared evaluation episodes (spec Metric: success over the in-distribution and
the novel-combination missions of each level, env seeds disjoint from the demos'), greedy actions, all episodes of a
split stepping together (`babyai.rollouts`)."""
from __future__ import annotations

from lmrepro.papers.lid.policy import actor
from lmrepro.worlds import babyai

SPLITS = ("in_dist", "novel")


def level_name(level: str) -> str:
    """'BabyAI-GoToLocal-v0' -> 'GoToLocal' (metric names)."""
    return level.split("-")[1]


def success_rates(policy, split: dict, max_steps: int) -> dict[str, float]:
    """success_<split>_<level> for every level and split of `split` (prep's split.json), and their level means."""
    metrics: dict[str, float] = {}
    for name in SPLITS:
        per_level = []
        for level, info in split["levels"].items():
            episodes = babyai.rollouts(actor(policy, greedy=True), level, info["eval"][name], max_steps)
            rate = sum(e["reward"] > 0 for e in episodes) / len(episodes)
            metrics[f"success_{name}_{level_name(level)}"] = rate
            per_level.append(rate)
        metrics[f"success_{name}"] = sum(per_level) / len(per_level)
    return metrics
