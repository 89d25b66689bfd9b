"""Tracking: an unreachable store never loses metrics.json; secrets never reach MLflow params."""
import json
import os
import subprocess
import sys

from lmrepro.common.tracking import scrub


def run_stage(tmp_path, uri):
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri}
    env.pop("LMREPRO_WORKER", None)
    return subprocess.run([sys.executable, "-m", "lmrepro.cli", "stage", "meco.gen_corpus", "--scale", "ci",
                           "--seed", "0", "--out", f"data={tmp_path}/corpus", "--out", f"metrics={tmp_path}/m.json"],
                          env=env, capture_output=True, text=True, timeout=300)


def test_unreachable_store_keeps_metrics_and_says_what_was_not_logged(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    proc = run_stage(tmp_path, f"sqlite:///{tmp_path}/a-file/mlflow.db")  # the store cannot be opened
    assert proc.returncode == 0, proc.stderr
    record = json.loads((tmp_path / "m.json").read_text())
    assert record["metrics"]["n_stage1_docs"] > 0
    assert "MLflow logging failed" in proc.stderr and "NOT logged" in proc.stderr


def test_logged_run_has_tags_params_and_metrics(tmp_path):
    from mlflow import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    proc = run_stage(tmp_path, uri)
    assert proc.returncode == 0, proc.stderr
    (run,) = MlflowClient(tracking_uri=uri).search_runs([MlflowClient(tracking_uri=uri)
                                                        .get_experiment_by_name("meco").experiment_id])
    assert run.info.run_name == "gen_corpus/ci/seed0"
    assert run.data.tags["stage"] == "gen_corpus" and run.data.tags["seed"] == "0"
    assert run.data.params["world.n_entities"] == "12" and run.data.metrics["n_stage1_docs"] == 64


def test_scrub_drops_secrets(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_fakeSECRET12345")
    params = {"model.hidden_size": 64, "hub.token": "x", "api_key": "y", "note": "hf_fakeSECRET12345"}
    assert scrub(params) == {"model.hidden_size": 64}
