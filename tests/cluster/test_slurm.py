"""The workflow on a real (single-node) SLURM cluster: `snakemake --profile profiles/slurm --config scale=ci` for
two papers submits every job with sbatch, SLURM accounts for each (sacct: COMPLETED), every MLflow run carries
its SLURM job id, and the results equal a local run's with the same seed, byte for byte.

Needs root and Debian's slurm-wlm slurmdbd munge mariadb-server (`.ci/run` installs them); `make cluster-test`."""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests import evidence
from tests.cluster.slurm import PACKAGES, PARTITION, LocalSlurm, missing_tools
from tests.conftest import make_workdir, run_snakemake

pytestmark = pytest.mark.cluster
PAPERS = ("meco", "sami")
# The repository's slurm profile as a user runs it, plus what this one-node test cluster needs: its partition,
# no account, quick status polling (the plugin waits 40 s before its first check by default) and kept job logs.
SLURM_ARGS = ("--profile", "profiles/slurm", "--default-resources", f"slurm_partition={PARTITION}", "runtime=10",
              "mem_mb=1000", "gpu=0", "--slurm-no-account", "--slurm-init-seconds-before-status-checks", "2",
              "--seconds-between-status-checks", "2", "--slurm-keep-successful-logs", "--jobs", "2",
              "--latency-wait", "5")


@pytest.fixture(scope="module")
def cluster():
    if missing_tools():
        why = f"SLURM packages missing: {missing_tools()} (apt-get install -y {' '.join(PACKAGES)})"
        if os.environ.get("CI"):  # .ci/run installs them: there a missing package is a failure, not a skip
            raise AssertionError(why)
        pytest.skip(why)
    running = LocalSlurm(Path(tempfile.mkdtemp(prefix="lmrepro-slurm-", dir="/tmp")))
    running.root.chmod(0o755)
    try:
        yield running.start()
    finally:
        running.stop(remove=True)


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory, ci_all):
    """The two papers through SLURM, and the session's local run of every paper at ci (same seed) to compare."""
    on_slurm = make_workdir(tmp_path_factory.mktemp("on_slurm"))
    proc = run_snakemake(on_slurm, *SLURM_ARGS, "--config", "scale=ci", "--", *PAPERS, env=cluster.env,
                         timeout=1200)
    return on_slurm, ci_all, proc.stdout + proc.stderr


def _records(workdir: Path) -> dict[str, bytes]:
    """Every JSON file the jobs wrote (metrics.json records, claims, model and tokenizer configs)."""
    return {str(p.relative_to(workdir)): p.read_bytes()
            for root in ("results", "data") for p in sorted((workdir / root / "ci").rglob("*.json"))}


def test_every_job_was_a_completed_slurm_job(runs, cluster):
    on_slurm, _, log = runs
    submitted = dict(re.findall(r"Job (\d+) has been submitted with SLURM jobid (\d+)", log))
    planned = len(re.findall(r"^rule \w+:", log, flags=re.M)) + len(re.findall(r"^localrule \w+:", log, flags=re.M))
    jobs_with_work = [r for r in re.findall(r"^rule (\w+):", log, flags=re.M)]
    assert submitted and len(submitted) == len(jobs_with_work), (len(submitted), jobs_with_work, planned)
    sacct = subprocess.run(["sacct", "-a", "-n", "-X", "-P", "-S", "now-2hours", "-o", "JobID,JobName,State"],
                           env=cluster.env, capture_output=True, text=True, check=True).stdout
    states = {line.split("|")[0]: line.split("|")[2] for line in sacct.splitlines() if line}
    for slurm_id in submitted.values():
        assert states.get(slurm_id) == "COMPLETED", (slurm_id, states.get(slurm_id))
    ours = [line for line in sacct.splitlines() if line.split("|")[0] in set(submitted.values())]
    evidence.record("slurm-sacct", f"{len(ours)} SLURM jobs, all COMPLETED (sacct JobID|JobName|State):\n"
                    + "\n".join(ours))
    logs = list((on_slurm / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert {p.stem for p in logs} >= set(submitted.values())  # one kept log per SLURM job, named by its id


def test_every_mlflow_run_names_its_slurm_job(runs):
    from mlflow.tracking import MlflowClient

    on_slurm, _, log = runs
    submitted = set(re.findall(r"has been submitted with SLURM jobid (\d+)", log))
    client = MlflowClient(f"sqlite:///{on_slurm / 'mlflow.db'}")
    tagged = set()
    for paper in PAPERS:
        experiment = client.get_experiment_by_name(paper)
        for run in client.search_runs([experiment.experiment_id]):
            assert run.data.tags.get("slurm_job_id") in submitted, run.info.run_name
            tagged.add(run.data.tags["slurm_job_id"])
    assert tagged == submitted  # every SLURM job logged exactly its own run


def test_results_equal_a_local_run_with_the_same_seed(runs):
    on_slurm, local, _ = runs
    slurm_records, local_records = _records(on_slurm), _records(local)
    assert len(slurm_records) > 20
    assert {k for k in slurm_records if slurm_records[k] != local_records.get(k)} == set()
