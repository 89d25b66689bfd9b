"""Shared fixtures: a throwaway copy of the workflow (so tests never touch the repository's results/ or store)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lmrepro.common.registry import papers

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
PAPERS = sorted(papers(REPO))
# Credentials planted in the environment of the shared ci run: no MLflow record, log or output may contain them.
PLANTED_SECRETS = {"HF_TOKEN": "hf_FAKE_planted_0123456789", "HUGGING_FACE_HUB_TOKEN": "hf_FAKE_planted_0123456789",
                   "WANDB_API_KEY": "wandb_FAKE_planted_9876543210abcdef"}


def make_workdir(dest: Path) -> Path:
    """A copy of what a workflow run reads (the package code runs from the installed lmrepro)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "rules", "config", "workflow", "profiles", "src"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True, timeout: int = 900,
                  env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**(env or os.environ), "MLFLOW_TRACKING_URI": f"sqlite:///{workdir / 'mlflow.db'}"}
    proc = subprocess.run([SNAKEMAKE, *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def planned_jobs(output: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run: rule -> count."""
    jobs, in_table = {}, False
    for line in output.splitlines():
        if line.startswith("job ") and "count" in line:
            in_table = True
            continue
        if in_table:
            parts = line.split()
            if not parts or parts[0].startswith("---"):
                continue
            if parts[0] == "total":
                break
            jobs[parts[0]] = int(parts[1])
    return jobs


@pytest.fixture(scope="session")
def ci_all(tmp_path_factory) -> Path:
    """Every paper at ci scale, run once per test session with credentials planted in its environment: the e2e
    checks (outputs, MLflow, report, determinism) and the reliability checks (safetensors, leaks) all read it."""
    workdir = make_workdir(tmp_path_factory.mktemp("ci_all"))
    env = {k: v for k, v in os.environ.items() if k != "LMREPRO_WORKER"} | PLANTED_SECRETS
    run_snakemake(workdir, "-c2", "--config", "scale=ci", "--", "all", env=env)
    return workdir


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return make_workdir(tmp_path)


@pytest.fixture(autouse=True)
def fresh_accelerate_state():
    """trl's trainers leave a process-wide AcceleratorState (bf16 where the CPU has it) that makes the next
    `Accelerator(mixed_precision="no")` in the same pytest process refuse to start; every test starts clean."""
    yield
    from accelerate.state import AcceleratorState

    AcceleratorState._reset_state(reset_partial_state=True)
