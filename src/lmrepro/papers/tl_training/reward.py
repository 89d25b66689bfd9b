"""IRM's graded reward (paper §3.3; the official repository's test_answer_for_reward, via the spec): a generated
call against the gold one, from `lmrepro.worlds.tools.call_errors` flags.

| call | reward |
|---|---|
| unparsable, or a tool not in the list | -2 |
| a listed tool, but the wrong one | -1.5 |
| hallucinated + redundant + missing parameters | -1.8 |
| hallucinated + (redundant or missing) | -1.3 |
| redundant + missing | -1.0 |
| hallucinated only | -0.8 |
| redundant or missing | -0.5 |
| right keys, a wrong value | -0.25 |
| exact | +1 |
"""
from __future__ import annotations

from lmrepro.worlds.tools import call_errors

SEVERE = (-2.0, -1.5)  # acceptance 3: the share of these must not rise under IRM


def reward_from_flags(flags: set[str]) -> float:
    if not flags:
        return 1.0
    if flags & {"unparsable", "unknown_tool"}:
        return -2.0
    if "wrong_tool" in flags:
        return -1.5
    hallucinated, redundant, missing = ("hallucinated" in flags, "redundant" in flags, "missing" in flags)
    if hallucinated and redundant and missing:
        return -1.8
    if hallucinated and (redundant or missing):
        return -1.3
    if redundant and missing:
        return -1.0
    if hallucinated:
        return -0.8
    if redundant or missing:
        return -0.5
    return -0.25  # wrong_value


def reward(call: str, gold: str, tools: list[str]) -> float:
    return reward_from_flags(call_errors(call, gold, tools))
