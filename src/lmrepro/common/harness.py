"""Standard benchmarks through lm-evaluation-harness (`lm-eval` on PyPI): the paper-scale evaluator of every paper
that reports MMLU, ARC, HellaSwag... rather than a scoring loop of our own.

    scores = task_scores("results/paper/meco/runs/seed0/meco", ["arc_easy", "arc_challenge"], num_fewshot=5)
    # {"arc_easy": {"acc": 0.61, "acc_norm": 0.58}, ...}

The tasks' prompts, few-shot sampling and metrics are lm-eval's own. `LMREPRO_LM_EVAL_TASKS=DIR` adds a directory
of task YAMLs that override tasks of the same name: the stand-in check points it at tasks that keep lm-eval's
prompts and metrics but read local files (lmrepro.common.standins.build_lm_eval_tasks).
"""
from __future__ import annotations

import os
from pathlib import Path


def task_scores(model_dir: str | Path, tasks: list[str], *, num_fewshot: int = 0, limit: int | None = None,
                batch_size: int = 8, dtype: str = "bfloat16", seed: int = 0) -> dict[str, dict[str, float]]:
    """lm-eval's `simple_evaluate` of the model saved at `model_dir` (save_pretrained) on `tasks`; per task, its
    metrics by name (the filter suffix dropped: "acc,none" -> "acc"; stderr entries left out)."""
    import lm_eval
    import torch
    from lm_eval.tasks import TaskManager

    if not tasks:
        raise ValueError("task_scores: no lm-eval tasks given")
    include = os.environ.get("LMREPRO_LM_EVAL_TASKS")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    results = lm_eval.simple_evaluate(
        model="hf", model_args=f"pretrained={model_dir},dtype={dtype if device == 'cuda' else 'float32'}",
        tasks=list(tasks), num_fewshot=num_fewshot, limit=limit, batch_size=batch_size, device=device,
        task_manager=TaskManager(include_path=include) if include else None, random_seed=seed,
        numpy_random_seed=seed, torch_random_seed=seed, fewshot_random_seed=seed, log_samples=False)
    out: dict[str, dict[str, float]] = {}
    for task in tasks:
        metrics = results["results"].get(task)
        if metrics is None:
            raise KeyError(f"lm-eval returned no results for task {task!r} (got {sorted(results['results'])})")
        out[task] = {key.split(",")[0]: float(value) for key, value in metrics.items()
                     if "," in key and "_stderr" not in key and isinstance(value, (int, float))}
    return out
