"""The warm worker runs a stage exactly as an in-process call would, and reports failures."""
import os
import subprocess
import sys

import pytest

from lmrepro.common import worker

PROBE = "lmrepro.common.io"  # importable, runs nothing as __main__


def run_cli(args, env):
    return subprocess.run([sys.executable, "-m", "lmrepro.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def running_worker(tmp_path):
    path = f"/tmp/lmrepro-test-{os.getpid()}.sock"
    pid = worker.start(path, parent_pid=os.getpid())
    yield path
    worker.stop(path)


def test_worker_runs_stage_and_returns_status(running_worker, tmp_path):
    env = {**os.environ, "LMREPRO_WORKER": running_worker, "LMREPRO_TRACKING": "0"}
    ok = run_cli(["stage", PROBE], env)
    assert ok.returncode == 0, ok.stderr
    bad = run_cli(["stage", "meco.gen_corpus", "--scale", "nope"], env)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr  # the child's stderr reached our pipe
    missing = run_cli(["stage", "meco.gen_corpus", "--scale", "ci", "--seed", "0", "--out", "data=x"], env)
    assert missing.returncode != 0 and "--out metrics=PATH is required" in missing.stderr


def test_worker_and_direct_give_identical_outputs(running_worker, tmp_path):
    outs = {}
    for mode in ("direct", "worker"):
        env = {**os.environ, "LMREPRO_TRACKING": "0"}
        if mode == "worker":
            env["LMREPRO_WORKER"] = running_worker
        else:
            env.pop("LMREPRO_WORKER", None)
        d = tmp_path / mode
        proc = run_cli(["stage", "meco.gen_corpus", "--scale", "ci", "--seed", "3", "--out", f"data={d}/corpus",
                        "--out", f"metrics={d}/m.json"], env)
        assert proc.returncode == 0, proc.stderr
        outs[mode] = (d / "corpus" / "stage1.jsonl").read_bytes()
    assert outs["direct"] == outs["worker"]


def test_spawn_path_runs_a_fresh_interpreter_with_identical_outputs(running_worker, tmp_path):
    """A job that may use CUDA is not forked: the worker spawns it (said on its stderr), outputs unchanged."""
    outs = {}
    for mode in ("fork", "spawn"):
        env = {**os.environ, "LMREPRO_TRACKING": "0", "LMREPRO_WORKER": running_worker,
               "LMREPRO_SPAWN": "1" if mode == "spawn" else "0"}
        d = tmp_path / mode
        proc = run_cli(["stage", "meco.gen_corpus", "--scale", "ci", "--seed", "3", "--out", f"data={d}/corpus",
                        "--out", f"metrics={d}/m.json"], env)
        assert proc.returncode == 0, proc.stderr
        assert ("fresh interpreter" in proc.stderr) == (mode == "spawn"), proc.stderr
        outs[mode] = (d / "corpus" / "stage1.jsonl").read_bytes()
    assert outs["fork"] == outs["spawn"]
    failed = run_cli(["stage", "meco.gen_corpus", "--scale", "nope"],
                     {**os.environ, "LMREPRO_WORKER": running_worker, "LMREPRO_SPAWN": "1"})
    assert failed.returncode == 2 and "invalid choice" in failed.stderr


def test_needs_spawn_when_a_cuda_device_is_visible(monkeypatch):
    monkeypatch.setattr(os.path, "exists", lambda p: p == "/dev/nvidia0")
    assert worker.needs_spawn({}) and worker.needs_spawn({"CUDA_VISIBLE_DEVICES": "1"})
    assert not worker.needs_spawn({"CUDA_VISIBLE_DEVICES": ""}) and not worker.needs_spawn({"CUDA_VISIBLE_DEVICES": "-1"})
    monkeypatch.setattr(os.path, "exists", lambda p: False)
    assert not worker.needs_spawn({}) and worker.needs_spawn({"LMREPRO_SPAWN": "1"})
