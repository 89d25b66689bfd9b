"""MLflow logging through one helper.

One experiment per paper, one run per job named `<stage>/<scale>/seed<N>`, tags paper/scale/stage/seed/git
commit/data hash. The run is logged when the stage ends, from the same record that goes into metrics.json, with
curves sent as batched step metrics; a tracking failure is reported and never loses metrics.json (written first).
"""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from lmrepro import REPO_ROOT

# Offline by design: MLflow's usage telemetry would try to reach the network from every job.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
# A tracking server that is down must not hold a finished job for minutes of retries (defaults: 7, 120 s).
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")

_SECRET_KEY = re.compile(r"(token|secret|password|passwd|api[_-]?key|credential)", re.I)


def default_tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{REPO_ROOT / 'mlflow.db'}"


def artifact_root(uri: str) -> str | None:
    """For a local SQLite store, artifacts go beside it (mlartifacts/); servers manage their own."""
    if uri.startswith("sqlite:///"):
        return (Path(uri[len("sqlite:///"):]).parent / "mlartifacts").as_uri()
    return None


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def scrub(params: dict) -> dict:
    """Drop anything that looks like a credential, and any value equal to a secret in the environment."""
    secrets = {v for k, v in os.environ.items() if _SECRET_KEY.search(k) and len(v) >= 8}
    return {k: v for k, v in params.items() if not _SECRET_KEY.search(k) and str(v) not in secrets}


def flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def init_store(uri: str | None = None) -> str:
    """Create the store (tables, migrations) once, before parallel jobs could race to do it."""
    import mlflow

    uri = uri or default_tracking_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.MlflowClient().search_experiments(max_results=1)
    return uri


def warm_store(uri: str) -> None:
    """Build and verify the store once in the warm worker, so that forked jobs reuse the cached store object
    (schema check done: ~0.5 s saved per job) but open their own database connections (pool disposed)."""
    from mlflow import MlflowClient

    store = MlflowClient(tracking_uri=uri)._tracking_client.store
    store.search_experiments(max_results=1)
    engine = getattr(store, "engine", None)
    if engine is not None:
        engine.dispose()


def log_run(*, paper: str, stage: str, scale: str, seed: int | None, params: dict, metrics: dict,
            curves: dict[str, list[tuple[int, float]]], tags: dict | None = None,
            artifacts: list[str] | None = None, uri: str | None = None) -> str:
    """Log one finished job as one MLflow run; returns the run id. Raises on tracking failure."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    uri = uri or default_tracking_uri()
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(paper)
    if experiment is None:
        try:
            experiment_id = client.create_experiment(paper, artifact_location=artifact_root(uri))
        except Exception:  # another job created it first
            experiment_id = client.get_experiment_by_name(paper).experiment_id
    else:
        experiment_id = experiment.experiment_id
    seed_name = "all" if seed is None else f"seed{seed}"
    all_tags = {"paper": paper, "stage": stage, "scale": scale, "seed": "all" if seed is None else str(seed),
                "git_commit": git_commit(), **(tags or {})}
    if os.environ.get("SLURM_JOB_ID"):  # a cluster job: which SLURM job produced this run (sacct -j <id>)
        all_tags["slurm_job_id"] = os.environ["SLURM_JOB_ID"]
    run = client.create_run(experiment_id, run_name=f"{stage}/{scale}/{seed_name}", tags=all_tags)
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    flat = scrub(flatten(params))
    param_list = [Param(k, str(v)[:6000]) for k, v in flat.items()]
    metric_list = [Metric(k, float(v), now, 0) for k, v in flatten(metrics).items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
    for name, points in curves.items():
        metric_list += [Metric(name, float(value), now, int(step)) for step, value in points]
    for i in range(0, len(param_list), 100):
        client.log_batch(run_id, params=param_list[i:i + 100])
    for i in range(0, len(metric_list), 1000):
        client.log_batch(run_id, metrics=metric_list[i:i + 1000])
    for path in artifacts or []:
        if Path(path).is_file():
            client.log_artifact(run_id, path)
    client.set_terminated(run_id, "FINISHED")
    return run_id
