"""DVC round trip on a throwaway git repository: `dvc repro` one paper at `ci`, `dvc push`, a fresh clone,
`dvc pull`, and Snakemake then has nothing to do; a changed hyperparameter shows in `dvc params diff` and its
effect in `dvc metrics diff` between two commits."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, make_workdir

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent
PAPER = "meco"
STAGE = f"{PAPER}-ci"


def sh(cwd: Path, *cmd: str, timeout: int = 600) -> str:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "PYTHONPATH": str(cwd / "src"),
           "MLFLOW_TRACKING_URI": f"sqlite:///{cwd / 'mlflow.db'}", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """A git+DVC repository holding the workflow, with `dvc repro meco-ci` committed and pushed."""
    root = tmp_path_factory.mktemp("dvc")
    repo = make_workdir(root / "origin")
    for name in (".dvc", ".dvcignore", ".gitignore", "dvc.yaml", "pyproject.toml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("tmp", "cache", "config.local"))
        elif src.exists():
            shutil.copy2(src, repo / name)
    sh(repo, "git", "init", "-q", "-b", "main")
    sh(repo, "dvc", "remote", "modify", "local", "url", str(root / "storage"))
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "workflow")
    sh(repo, "dvc", "repro", STAGE)
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", f"{STAGE} results")
    sh(repo, "dvc", "push")
    return repo


def test_fresh_clone_pull_leaves_nothing_to_do(origin, tmp_path):
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(origin), str(clone))
    assert not (clone / "results" / "ci" / PAPER / "claims.json").exists()
    sh(clone, "lmrepro", "pull", STAGE)
    assert json.loads((clone / "results" / "ci" / PAPER / "claims.json").read_text()) == \
        json.loads((origin / "results" / "ci" / PAPER / "claims.json").read_text())
    out = sh(clone, "snakemake", "-n", "--config", "scale=ci", "--", PAPER)
    assert "Nothing to be done" in out, out[-2000:]


def test_params_and_metrics_diff_between_commits(origin):
    config = origin / "config" / "papers" / f"{PAPER}.yaml"
    text = config.read_text()
    assert "pretrain: {steps: 10, " in text  # the ci overlay's pretraining length
    config.write_text(text.replace("pretrain: {steps: 10, ", "pretrain: {steps: 30, "))
    sh(origin, "dvc", "repro", STAGE)
    sh(origin, "git", "add", "-A")
    sh(origin, "git", "commit", "-q", "-m", "longer ci pretraining")
    params = json.loads(sh(origin, "dvc", "params", "diff", "HEAD~1", "--json"))
    changed = params[f"config/papers/{PAPER}.yaml"]
    assert changed == {"scales.ci.params.pretrain.steps": {"old": 10, "new": 30, "diff": 20}}, changed
    metrics = json.loads(sh(origin, "dvc", "metrics", "diff", "HEAD~1", "--json"))[f"results/ci/{PAPER}/metrics.json"]
    loss = metrics["metrics.pretrain_meco_stage1.final_loss.mean"]
    assert loss["new"] < loss["old"], loss  # 3x the steps: a lower final training loss
    shown = json.loads(sh(origin, "dvc", "metrics", "show", "--json"))
    current = next(iter(shown.values()))["data"][f"results/ci/{PAPER}/metrics.json"]["data"]["metrics"]
    assert {"claim.A1-steer.observed", "claim.A1-steer.holds"} <= set(current)  # verdicts are DVC metrics too
