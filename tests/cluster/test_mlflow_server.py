"""MLflow as a service: `mlflow server` (SQLite backend, an artifact root) started here; a ci workflow of two
papers with up to 8 jobs at once logs every job as exactly one run with all its metrics (none lost, none
duplicated), and the MLflow UI, rendered in headless chromium, shows the papers' experiments and runs with their
tags (screenshots kept in tests/artifacts/)."""
from __future__ import annotations

import ast
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from lmrepro.common.tracking import flatten, scrub
from tests import browser
from tests.conftest import make_workdir

pytestmark = pytest.mark.cluster
PAPERS = ("meco", "sami")  # 18 jobs: enough to keep 8 slots busy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow_server")
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
                             f"sqlite:///{root / 'mlflow.db'}", "--artifacts-destination", str(root / "artifacts"),
                             "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mlflow server did not start:\n{(root / 'server.log').read_text()[-3000:]}")
                time.sleep(1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def workflow(server, tmp_path_factory):
    workdir = make_workdir(tmp_path_factory.mktemp("wd"))
    env = {**os.environ, "MLFLOW_TRACKING_URI": server}
    proc = subprocess.run([str(Path(sys.executable).with_name("snakemake")), "-c8", "--config", "scale=ci", "--",
                           *PAPERS], cwd=workdir, env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return workdir, proc.stdout + proc.stderr


def _canonical(value: str) -> str:
    """A logged param's text with tuples as lists (metrics.json stores them as JSON lists)."""
    try:
        return json.dumps(ast.literal_eval(value))  # json.dumps writes tuples as lists
    except (ValueError, SyntaxError):
        return value


def _records(workdir: Path) -> list[dict]:
    out = []
    for path in sorted(workdir.glob("**/ci/**/*.json")):
        record = json.loads(path.read_text())
        if isinstance(record, dict) and {"stage", "metrics", "curves", "data_hash"} <= set(record):
            out.append(record)
    return out


def test_jobs_ran_in_parallel(workflow):
    workdir, _ = workflow
    log = sorted((workdir / ".snakemake" / "log").glob("*.log"))[-1].read_text()
    running, peak = 0, 0
    for line in log.splitlines():  # Snakemake logs a job's start ("rule x:") and its end ("Finished job")
        if line.startswith(("rule ", "localrule ")):
            running += 1
            peak = max(peak, running)
        elif line.startswith("Finished job"):
            running -= 1
    assert peak >= 4, f"at most {peak} jobs ran at once"


def test_every_job_is_exactly_one_run_with_all_its_metrics(server, workflow):
    from mlflow import MlflowClient

    workdir, _ = workflow
    client = MlflowClient(server)
    records = _records(workdir)
    runs = []
    for slug in PAPERS:
        experiment = client.get_experiment_by_name(slug)
        assert experiment is not None, f"no experiment {slug}"
        runs += client.search_runs([experiment.experiment_id], max_results=1000)
    assert len(runs) == len(records), (len(runs), len(records))

    def run_key(paper, stage, seed, data_hash, params):  # a job: its stage, seed, inputs and hyperparameters
        return paper, stage, seed, data_hash, frozenset((k, _canonical(v)) for k, v in params.items())

    keys = Counter(run_key(r.data.tags["paper"], r.data.tags["stage"], r.data.tags["seed"], r.data.tags["data_hash"],
                           r.data.params) for r in runs)
    assert max(keys.values()) == 1, [k[:4] for k, n in keys.items() if n > 1]  # none duplicated
    index = {run_key(r.data.tags["paper"], r.data.tags["stage"], r.data.tags["seed"], r.data.tags["data_hash"],
                     r.data.params): r for r in runs}
    for record in records:
        seed = "all" if record["seed"] is None else str(record["seed"])
        params = {k: str(v)[:6000] for k, v in scrub(flatten(record["params"])).items()}
        key = run_key(record["paper"], record["stage"], seed, record["data_hash"], params)
        assert key in index, (key[:4], [(r.data.tags, set(r.data.params.items()) ^ set(params.items())) for r in runs
                                        if r.data.tags["stage"] == record["stage"]])  # none lost
        run = index[key]
        assert run.info.status == "FINISHED"
        expected = {k: float(v) for k, v in flatten(record["metrics"]).items()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)}
        expected.update({name: float(points[-1][1]) for name, points in record["curves"].items()})
        logged = {k: v for k, v in run.data.metrics.items() if not k.startswith("time/")}
        assert logged == pytest.approx(expected), (record["paper"], record["stage"])
        for name, points in record["curves"].items():
            history = client.get_metric_history(run.info.run_id, name)
            logged_points = sorted((m.step, m.value) for m in history)
            assert [s for s, _ in logged_points] == [int(s) for s, _ in points]
            assert [v for _, v in logged_points] == pytest.approx([float(v) for _, v in points])


def test_mlflow_ui_shows_experiments_and_runs_with_tags(server, workflow):
    from mlflow import MlflowClient

    client = MlflowClient(server)
    experiment = client.get_experiment_by_name(PAPERS[0])
    home = browser.render(f"{server}/#/experiments", screenshot=browser.ARTIFACTS / "mlflow-experiments.png",
                          budget_ms=15000)
    for slug in PAPERS:
        assert slug in home, f"experiment {slug} not listed in the UI"
    page = browser.render(f"{server}/#/experiments/{experiment.experiment_id}/runs",
                          screenshot=browser.ARTIFACTS / "mlflow-runs.png", budget_ms=15000)
    run = client.search_runs([experiment.experiment_id], max_results=1)[0]
    assert run.info.run_name in page, "runs not listed"
    detail = browser.render(f"{server}/#/experiments/{experiment.experiment_id}/runs/{run.info.run_id}",
                            screenshot=browser.ARTIFACTS / "mlflow-run.png", budget_ms=15000)
    for tag in ("paper", "stage", "scale", "seed", "git_commit", "data_hash"):
        assert tag in detail, f"tag {tag} not shown on the run page"
    assert run.data.tags["data_hash"] in detail
