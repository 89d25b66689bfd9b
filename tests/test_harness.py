"""lmrepro.common.harness: lm-eval's own tasks (prompts, metrics) on a saved model, offline, the task data served
locally by the stand-in task overrides (LMREPRO_LM_EVAL_TASKS)."""
import pytest

from lmrepro.common import standins as S
from lmrepro.common.harness import task_scores


def test_task_scores_runs_lm_eval_tasks_on_a_saved_model(tmp_path, monkeypatch):
    S.build_model("meta-llama/Meta-Llama-3-8B", "llama", tmp_path / "model",
                  special_tokens={"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"})
    monkeypatch.setenv("LMREPRO_LM_EVAL_TASKS", str(S.build_lm_eval_tasks(["arc_easy"], tmp_path / "tasks", n=6)))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "datasets-cache"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    scores = task_scores(tmp_path / "model", ["arc_easy"], num_fewshot=1, limit=4, batch_size=2)
    assert set(scores) == {"arc_easy"} and {"acc", "acc_norm"} <= set(scores["arc_easy"])
    assert all(0.0 <= v <= 1.0 for v in scores["arc_easy"].values())
    again = task_scores(tmp_path / "model", ["arc_easy"], num_fewshot=1, limit=4, batch_size=2)
    assert again == scores  # seeded few-shot sampling: the same numbers


def test_unknown_standin_task_and_empty_task_list_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no stand-in for lm-eval task"):
        S.build_lm_eval_tasks(["hellaswag"], tmp_path)
    with pytest.raises(ValueError, match="no lm-eval tasks"):
        task_scores(tmp_path, [])
