"""Local multi-GPU scheduling without GPUs (device ids faked with LMREPRO_GPU_IDS): `lmrepro gpus N` gives every
job N devices of its own, and under `snakemake --resources gpu=4` GPU jobs run side by side, never sharing a
device."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lmrepro.common import gpus

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
LMREPRO = str(Path(sys.executable).with_name("lmrepro"))


def test_acquire_gives_disjoint_devices_and_waits_for_release(tmp_path):
    ids = ["0", "1", "2", "3"]
    first, fds1 = gpus.acquire(2, ids, tmp_path)
    second, fds2 = gpus.acquire(2, ids, tmp_path)
    assert set(first).isdisjoint(second) and len(set(first + second)) == 4
    with pytest.raises(SystemExit, match="no 1 free GPU"):
        gpus.acquire(1, ids, tmp_path, timeout_s=0.5)
    for fd in fds1:
        os.close(fd)
    again, _ = gpus.acquire(2, ids, tmp_path, timeout_s=1)
    assert sorted(again) == sorted(first)
    with pytest.raises(SystemExit, match="asks for 5 GPU"):
        gpus.acquire(5, ids, tmp_path)


def test_device_ids_from_the_environment(monkeypatch):
    monkeypatch.setenv("LMREPRO_GPU_IDS", "4,5")
    assert gpus.device_ids() == ["4", "5"]
    monkeypatch.delenv("LMREPRO_GPU_IDS")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,3")
    assert gpus.device_ids() == ["1", "3"]


def test_under_slurm_the_scheduler_owns_the_devices(tmp_path):
    env = {**os.environ, "SLURM_JOB_ID": "7", "CUDA_VISIBLE_DEVICES": "6", "LMREPRO_GPU_LOCKS": str(tmp_path)}
    out = subprocess.run([LMREPRO, "gpus", "2", "--", "sh", "-c", "echo $CUDA_VISIBLE_DEVICES"], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "6" and not list(tmp_path.iterdir())


SNAKEFILE = """
rule all:
    input: expand("out/{job}.txt", job=JOBS)

rule gpu_job:
    output: "out/{job}.txt"
    resources: gpu=lambda wc: int(wc.job.split("_")[1])
    shell: "lmrepro gpus {resources.gpu} -- sh -c 'echo $CUDA_VISIBLE_DEVICES; date +%s.%N; sleep 1.5; date +%s.%N' > {output}"
"""


def test_snakemake_runs_gpu_jobs_side_by_side_on_their_own_devices(tmp_path):
    jobs = [f"j{i}_{n}" for i, n in enumerate([1, 2, 1, 1, 2, 1, 1, 2])]
    (tmp_path / "Snakefile").write_text(f"JOBS = {jobs!r}\n" + SNAKEFILE)
    env = {**os.environ, "LMREPRO_GPU_IDS": "0,1,2,3", "LMREPRO_GPU_LOCKS": str(tmp_path / "locks"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run([SNAKEMAKE, "-c8", "--resources", "gpu=4", "--quiet", "all"], cwd=tmp_path, env=env, check=True,
                   capture_output=True, timeout=300)
    spans = []
    for job in jobs:
        devices, start, end = (tmp_path / "out" / f"{job}.txt").read_text().split()
        devices = devices.split(",")
        assert len(devices) == len(set(devices)) == int(job.split("_")[1]), (job, devices)
        spans.append((float(start), float(end), set(devices)))
    overlapping = 0
    for i, (s1, e1, d1) in enumerate(spans):
        for s2, e2, d2 in spans[i + 1:]:
            if s1 < e2 and s2 < e1:  # ran at the same time: never on a shared device
                overlapping += 1
                assert d1.isdisjoint(d2), (d1, d2)
    assert overlapping >= 3, "GPU jobs did not run side by side"
