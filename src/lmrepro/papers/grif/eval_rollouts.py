"""eval_rollouts: language- and goal-mode success of every policy on fresh episodes, and the alignment check.

    lmrepro stage grif.eval_rollouts --scale small --seed 0 --in data=data/small/grif/seed0/gen_data \
        --in policies=results/small/grif/runs/seed0/policies --out metrics=results/small/grif/runs/seed0/eval.json
    (ci: --scale ci; paper: real-robot evaluation cannot be reproduced, the same command dry-runs)

Spec Small scale / Metric: success (reward > 0 within `evaluate.max_steps`, greedy actions) over the eval episodes
of split a (labeled-split combos), b (a held-out combo: the instruction only in unlabeled demos) and c (split a
rephrased). Language mode: z = f_l(instruction); goal mode: z = f_g(s0, g) with g the expert's final room.
Alignment sanity: top-1 retrieval of f_g(s0, g) by f_l(l) within batches of `evaluate.retrieval_batch` held-out
labeled pairs (split a), a row counting when the retrieved pair has its instruction.
Metrics: success_<mode>_<split>_<variant>, retrieval_<variant>, and the claims' differences.
"""
from __future__ import annotations

import torch
from safetensors.torch import load_file

from lmrepro.common.stage import Stage
from lmrepro.papers.grif.data import load_agent, load_eval
from lmrepro.papers.grif.method import VARIANT_LOSSES, agent_view, retrieval_top1
from lmrepro.papers.grif.params import VARIANTS, EvalConfig
from lmrepro.worlds import babyai


def greedy_policy(agent, tasks: torch.Tensor):
    """A `babyai.success_rate` policy: the argmax action given each live episode's room and its task vector."""

    def act(records: list[dict], missions: list[str]) -> list[int]:
        views = [r["full"] for r in records]
        view = agent_view(torch.tensor([v["grid"] for v in views]), torch.tensor([v["pose"] for v in views]),
                          torch.tensor([v["carries"] for v in views]))
        with torch.no_grad():
            return agent(view, tasks[[r["episode"] for r in records]]).argmax(-1).tolist()

    return act


with Stage.from_argv("grif", "eval_rollouts") as st:
    cfg: EvalConfig = st.params("evaluate")
    episodes, meta = load_eval(st.inp("data"))
    embeddings = load_file(str(st.inp("data") / "text.safetensors"))["embeddings"]
    split_rows = {s: torch.nonzero(episodes["split"] == i).squeeze(1) for i, s in enumerate(("a", "b"))}
    rows = {**split_rows, "c": split_rows["a"]}

    metrics = {}
    for variant in VARIANTS:
        agent = load_agent(st.inp("policies") / variant)
        with torch.no_grad():
            language = agent.task_from_text(embeddings[episodes["text"]])
            paraphrased = agent.task_from_text(embeddings[episodes["paraphrase"]])
            goal = agent.task_from_goal(episodes["start"], episodes["goal"])
        modes = {"lang": {"a": language, "b": language, "c": paraphrased}}
        if VARIANT_LOSSES[variant]["goal_bc"]:
            modes["goal"] = {"a": goal, "b": goal}
            a = split_rows["a"]
            scores = [retrieval_top1(language[a[i:i + cfg.retrieval_batch]], goal[a[i:i + cfg.retrieval_batch]],
                                     episodes["text"][a[i:i + cfg.retrieval_batch]])
                      for i in range(0, len(a), cfg.retrieval_batch)]
            metrics[f"retrieval_{variant}"] = sum(scores) / len(scores)
        for mode, splits in modes.items():
            for split, tasks in splits.items():
                chosen = rows[split]
                metrics[f"success_{mode}_{split}_{variant}"] = babyai.success_rate(
                    greedy_policy(agent, tasks[chosen]), meta["level"], episodes["env_seed"][chosen].tolist(),
                    max_steps=cfg.max_steps, full=True)

    def lang(split: str, variant: str) -> float:
        return metrics[f"success_lang_{split}_{variant}"]

    for split in ("a", "b", "c"):
        metrics[f"grif_minus_lcbc_{split}"] = lang(split, "grif") - lang(split, "lcbc")
        metrics[f"grif_minus_joint_{split}"] = lang(split, "grif") - lang(split, "joint_noalign")
        metrics[f"grif_minus_goalonly_{split}"] = lang(split, "grif") - lang(split, "grif_goalonly")
    overall = {v: (lang("a", v) + lang("b", v)) / 2 for v in VARIANTS}
    metrics.update({f"success_lang_ab_{v}": s for v, s in overall.items()})
    metrics["oracle_minus_grif"] = overall["oracle_lcbc"] - overall["grif"]
    metrics["gap_closed"] = ((overall["grif"] - overall["lcbc"]) / (overall["oracle_lcbc"] - overall["lcbc"])
                             if overall["oracle_lcbc"] != overall["lcbc"] else float("nan"))
    st.log_metrics(metrics)
