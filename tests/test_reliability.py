"""Reliability: bad input is rejected early and by name, a killed training job resumes to the same result, and
nothing unsafe is loaded or leaked.

1. Bad input: malformed global and paper configs are rejected before any job runs (no results/, data/, logs/ or
   MLflow store appears) with a message naming the key and file; hyperparameters the schema leaves untyped are
   rejected by the stage's dataclass when the stage starts; a missing `--in` path and a corrupt checkpoint are
   named in the error.
2. Interruption: meco's pretraining (the shared LM stage) SIGKILLed mid-way leaves no final output, and a rerun resumes from its last
   checkpoint and ends with the same metrics and weights as an uninterrupted run; a SIGKILLed Snakemake run plans
   the killed job again and its rerun resumes.
3. Security: models are safetensors (the optimizer file loads with weights_only=True), the source tree has no
   unsafe loading, and planted credentials in the environment reach no MLflow record, log or result file.

Slow parts share conftest's session run of every paper at ci scale (the e2e tests read it too) and a killed meco
run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import PLANTED_SECRETS, REPO, SNAKEMAKE, make_workdir, planned_jobs

SECRETS = tuple(set(PLANTED_SECRETS.values()))
MECO_CFG = REPO / "config" / "papers" / "meco.yaml"


# -- helpers ----------------------------------------------------------------------------------------------------
def _env(workdir: Path | None = None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LMREPRO_WORKER"}
    if workdir is not None:
        env["MLFLOW_TRACKING_URI"] = f"sqlite:///{workdir / 'mlflow.db'}"
    env.update(extra)
    return env


def _snakemake(workdir: Path, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([SNAKEMAKE, *args], cwd=workdir, env=env or _env(workdir), capture_output=True,
                          text=True, timeout=timeout)


def _stage(stage: str, *args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """`lmrepro stage meco.<stage>` in its own interpreter (no warm worker, no MLflow); "pretrain" is meco's use of
    the shared LM stage."""
    module = ["lmrepro.common.pretrain_lm", "--paper", "meco"] if stage == "pretrain" else [f"meco.{stage}"]
    return subprocess.run([sys.executable, "-m", "lmrepro.cli", "stage", *module, *args], cwd=cwd,
                          env=_env(LMREPRO_TRACKING="0", HF_HUB_OFFLINE="1"), capture_output=True, text=True,
                          timeout=timeout)


def _fresh_workdir(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    return make_workdir(dest)


def _edit_yaml(path: Path, mutate) -> None:
    doc = yaml.safe_load(path.read_text())
    mutate(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (from /proc), children before grandchildren."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for_checkpoint(proc: subprocess.Popen, resume_dir: Path, min_step: int, timeout: float = 180.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        state = resume_dir / "trainer_state.json"
        try:
            if json.loads(state.read_text())["step"] >= min_step:
                return
        except (OSError, ValueError, KeyError):
            pass
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (rc {proc.returncode}) before a checkpoint at step >= {min_step} "
                                 f"appeared in {resume_dir}; it cannot be interrupted mid-way")
        time.sleep(0.01)
    raise AssertionError(f"no checkpoint at step >= {min_step} in {resume_dir} after {timeout} s")


# -- module-scoped runs -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ci_run(ci_all) -> Path:
    """Every paper at ci scale, with credentials planted in the environment (conftest's session run)."""
    return ci_all


@pytest.fixture(scope="module")
def meco_inputs(ci_run) -> dict[str, Path]:
    """The corpus and packed rows that meco.gen_corpus and meco.pack wrote in the ci run."""
    data = ci_run / "data" / "ci" / "meco" / "seed0"
    inputs = {"corpus": data / "corpus", "rows": data / "plain.safetensors"}
    assert all(p.exists() for p in inputs.values()), inputs
    return inputs


# == 1. bad input ===============================================================================================
# (id, extra `--config` items, pattern the message must contain)
GLOBAL_CASES = [
    ("unknown-scale", ["scale=huge"], r"'huge' is not one of.*\n(?:.*\n)*.*\['scale'\]"),
    ("negative-seed", ["seed=-1"], r"-1 is less than the minimum of 0(?:.*\n)*.*\['seed'\]"),
    ("seed-not-int", ["seed=abc"], r"'abc' is not of type 'integer'(?:.*\n)*.*\['seed'\]"),
    ("unknown-paper", ["papers=[meco,nosuch]"], r"papers lists 'nosuch'.*config/papers/nosuch\.yaml"),
    ("unknown-top-key", ["bogus_key=1"], r"'bogus_key' was unexpected"),
    ("worker-not-bool", ["warm_worker=maybe"], r"'maybe' is not of type 'boolean'(?:.*\n)*.*\['warm_worker'\]"),
]


def _set(path: str, value):
    def mutate(doc):
        node = doc
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        node[keys[-1]] = value
    return mutate


def _drop(path: str):
    def mutate(doc):
        node = doc
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[keys[-1]]
    return mutate


# (id, mutation of config/papers/meco.yaml, pattern naming the key; the file name is checked for every case)
PAPER_CASES = [
    ("unknown-top-key", _set("colour", "blue"), r"<top level>: Additional properties .*'colour' was unexpected"),
    ("claim-no-threshold", _drop("claims.0.threshold"), r"claims\.0: 'threshold' is a required property"),
    ("claim-bad-op", _set("claims.1.op", "=>"), r"claims\.1\.op: '=>' is not one of"),
    ("claim-bad-agg", _set("claims.2.agg", "median"), r"claims\.2\.agg: 'median' is not one of"),
    ("claim-k-of-n-no-k", _set("claims.0.agg", "k_of_n"),
     r"claims\.0: 'k' is a required property \(claim A1-steer\)"),
    ("seeds-zero", _set("seeds", 0), r"seeds: 0 is less than the minimum of 1"),
    ("params-not-mapping", _set("params.pretrain", [800, 0.01]), r"params\.pretrain: \[800, 0\.01\] is not of type 'object'"),
    ("hub-id-no-slash", _set("scales.paper.hub.models.tokenizer.id", "Meta-Llama-3-8B"),
     r"scales\.paper\.hub\.models\.tokenizer\.id: 'Meta-Llama-3-8B' does not match"),
    ("overlay-unknown-key", _set("scales.ci.parms", {"pretrain": {"steps": 1}}),
     r"scales\.ci: Additional properties .*'parms' was unexpected"),
    ("overlay-seeds-string", _set("scales.ci.seeds", "one"), r"scales\.ci\.seeds: 'one' is not of type 'integer'"),
    ("resources-negative-runtime", _set("resources.pretrain.runtime", -5),
     r"resources\.pretrain\.runtime: -5 is less than the minimum of 1"),
    ("resources-unknown-key", _set("resources.pretrain.gpus", 2), r"resources\.pretrain: Additional properties .*'gpus'"),
    ("scale-overlay-missing", _drop("scales.small"), r"scales: 'small' is a required property"),
]


def _assert_nothing_ran(workdir: Path) -> None:
    for name in ("results", "data", "logs", "mlflow.db"):
        assert not (workdir / name).exists(), f"{name} was created: a job (or the start-up hook) ran"


@pytest.mark.parametrize("items,pattern", [c[1:] for c in GLOBAL_CASES], ids=[c[0] for c in GLOBAL_CASES])
def test_bad_global_config_is_rejected_before_any_job(tmp_path, items, pattern):
    workdir = _fresh_workdir(tmp_path / "wd")
    # A real run (not -n): were the value accepted, jobs would start and create results/.
    proc = _snakemake(workdir, "-c", "1", "meco", "--config", "scale=ci", *items, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    assert re.search(pattern, output), f"message does not name the key ({pattern}):\n{output[-3000:]}"
    _assert_nothing_ran(workdir)


@pytest.mark.parametrize("mutate,pattern", [c[1:] for c in PAPER_CASES], ids=[c[0] for c in PAPER_CASES])
def test_bad_paper_config_is_rejected_before_any_job(tmp_path, mutate, pattern):
    workdir = _fresh_workdir(tmp_path / "wd")
    cfg = workdir / "config" / "papers" / "meco.yaml"
    _edit_yaml(cfg, mutate)
    proc = _snakemake(workdir, "-c", "1", "meco", "--config", "scale=ci", timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    assert f"{cfg} is invalid" in output, f"message does not name {cfg}:\n{output[-3000:]}"
    assert re.search(pattern, output), f"message does not name the key ({pattern}):\n{output[-3000:]}"
    _assert_nothing_ran(workdir)


def test_invalid_yaml_is_rejected_before_any_job(tmp_path):
    workdir = _fresh_workdir(tmp_path / "wd")
    cfg = workdir / "config" / "papers" / "sami.yaml"  # another paper's file fails a `meco` run too
    cfg.write_text(cfg.read_text() + "\nparams: {pretrain: [unclosed\n")
    proc = _snakemake(workdir, "-c", "1", "meco", "--config", "scale=ci", timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"{cfg} is not valid YAML" in output, output[-3000:]
    _assert_nothing_ran(workdir)


# Hyperparameters inside `params.<section>` are typed by each stage's dataclass (the schema only requires a
# mapping), so these are rejected when the stage starts, before any training, naming the dotted key.
STAGE_CASES = [
    ("steps-not-int", _set("scales.ci.params.pretrain.steps", "many"),
     r"meco\.params\.pretrain\.steps: expected int, got str 'many'"),
    ("steps-negative", _set("scales.ci.params.pretrain.steps", -1), r"meco\.params\.pretrain\.steps must be >= 0, got -1"),
    ("unknown-train-key", _set("params.pretrain.stepz", 5), r"unknown key\(s\) meco\.params\.pretrain\.stepz"),
    ("unknown-model-family", _set("params.model.family", "gpt5"), r"model\.family 'gpt5'"),
]


@pytest.mark.parametrize("mutate,pattern", [c[1:] for c in STAGE_CASES], ids=[c[0] for c in STAGE_CASES])
def test_bad_hyperparameter_fails_the_stage_by_name(tmp_path, meco_inputs, mutate, pattern):
    cfg = tmp_path / "meco.yaml"
    shutil.copy(MECO_CFG, cfg)
    _edit_yaml(cfg, mutate)
    out = tmp_path / "out"
    proc = _stage("pretrain", "--config", str(cfg), "--scale", "ci", "--seed", "0", "--threads", "1",
                  "--in", f"data={meco_inputs['corpus']}", "--in", f"rows={meco_inputs['rows']}",
                  "--out", f"model={out / 'model'}", "--out", f"metrics={out / 'metrics.json'}", cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    assert re.search(pattern, output), f"message does not name the key ({pattern}):\n{output[-3000:]}"
    assert not (out / "model").exists() and not (out / "metrics.json").exists()
    assert "meco pretrain_lm" not in output, "training started before the config was checked"


def test_missing_input_path_is_named(tmp_path, meco_inputs):
    missing = tmp_path / "nowhere" / "plain.safetensors"
    out = tmp_path / "out"
    proc = _stage("pretrain", "--scale", "ci", "--seed", "0", "--config", str(MECO_CFG),
                  "--in", f"data={meco_inputs['corpus']}", "--in", f"rows={missing}",
                  "--out", f"model={out / 'model'}", "--out", f"metrics={out / 'metrics.json'}", cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-3000:]
    assert f"rows={missing}" in output and "not found" in output, output[-3000:]
    assert not out.exists()


@pytest.fixture
def saved_model(ci_run, tmp_path) -> Path:
    """A copy of a trained ci model directory (weights, optimizer state, tokenizer)."""
    return Path(shutil.copytree(ci_run / "results" / "ci" / "meco" / "runs" / "seed0" / "baseline",
                                tmp_path / "model"))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size - 100)


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(1000))


@pytest.mark.parametrize("damage", [_garbage, _truncate], ids=["garbage", "truncated"])
def test_corrupt_weights_are_named_by_load_model(saved_model, damage):
    from lmrepro.common.models import load_model

    weights = saved_model / "model.safetensors"
    damage(weights)
    with pytest.raises(Exception) as info:
        load_model(saved_model)
    assert str(weights) in str(info.value), f"{type(info.value).__name__}: {info.value}"


@pytest.mark.parametrize("name", ["model.safetensors", "trainer_state.pt"])
def test_corrupt_checkpoint_is_named_by_load_state(saved_model, name):
    from lmrepro.common import models, train

    _garbage(saved_model / name)
    spec = json.loads((saved_model / "config.json").read_text())
    model = models.build_model({"family": "llama", **{k: spec[k] for k in (
        "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "vocab_size", "tie_word_embeddings")}})
    optimizer, scheduler = train.make_optimizer(model, train.TrainConfig(steps=10, lr=1e-3))
    with pytest.raises(RuntimeError) as info:
        train.load_state(saved_model, model, optimizer, scheduler)
    # load_state names the checkpoint directory (not yet the file: see the report) and says what to do.
    assert str(saved_model) in str(info.value) and "corrupt" in str(info.value), str(info.value)


# == 2. interruption ============================================================================================
STEPS, CKPT_EVERY = 1600, 100


def _pretrain_cmd(inputs: dict[str, Path], out: Path) -> list[str]:
    return [sys.executable, "-m", "lmrepro.cli", "stage", "lmrepro.common.pretrain_lm", "--paper", "meco",
            "--config", str(MECO_CFG), "--scale", "ci", "--seed", "0", "--threads", "1",
            "--in", f"data={inputs['corpus']}", "--in", f"rows={inputs['rows']}",
            "--out", f"model={out / 'model'}", "--out", f"metrics={out / 'metrics.json'}",
            "--set", "run.arm=baseline", "--set", f"pretrain.steps={STEPS}",
            "--set", f"pretrain.ckpt_every={CKPT_EVERY}"]


def test_killed_training_resumes_to_the_same_result(tmp_path, meco_inputs):
    from safetensors.torch import load_file
    import torch

    env = _env(LMREPRO_TRACKING="0", HF_HUB_OFFLINE="1")
    ref, run = tmp_path / "reference", tmp_path / "interrupted"
    proc = subprocess.run(_pretrain_cmd(meco_inputs, ref), cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]

    resume_dir = run / "model.resume"
    with open(tmp_path / "killed.log", "w") as log:
        proc = subprocess.Popen(_pretrain_cmd(meco_inputs, run), cwd=tmp_path, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        try:
            _wait_for_checkpoint(proc, resume_dir, STEPS // 2)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    killed_at = json.loads((resume_dir / "trainer_state.json").read_text())["step"]
    assert STEPS // 2 <= killed_at < STEPS
    assert not (run / "model").exists(), "a killed run left its final model directory: partial taken as complete"
    assert not (run / "metrics.json").exists()

    proc = subprocess.run(_pretrain_cmd(meco_inputs, run), cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert re.search(rf"resuming meco pretrain_lm \[arm=baseline[^]]*\] from {re.escape(str(resume_dir))} at step {killed_at}\b", output), output[-3000:]
    assert not resume_dir.exists(), "the resume checkpoint was not removed once the final model was saved"

    want, got = (json.loads((d / "metrics.json").read_text()) for d in (ref, run))
    assert got["metrics"] == want["metrics"]
    assert got["params"] == want["params"]
    # The resumed run logs only the steps after the checkpoint; they must be the reference's points.
    tail = [p for p in want["curves"]["train/loss"] if p[0] > killed_at]
    resumed = got["curves"]["train/loss"]
    assert [p[0] for p in resumed] == [p[0] for p in tail]
    assert [p[1] for p in resumed] == pytest.approx([p[1] for p in tail], abs=1e-6)

    w_want, w_got = (load_file(d / "model" / "model.safetensors") for d in (ref, run))
    assert w_got.keys() == w_want.keys()
    for name in w_want:
        assert torch.allclose(w_got[name], w_want[name], atol=1e-6), name
    o_want, o_got = (torch.load(d / "model" / "trainer_state.pt", weights_only=True) for d in (ref, run))
    assert o_got["scheduler"] == o_want["scheduler"]
    for pid, state in o_want["optimizer"]["state"].items():
        for key, value in state.items():
            assert torch.allclose(o_got["optimizer"]["state"][pid][key], value, atol=1e-6), (pid, key)


@pytest.mark.e2e
def test_killed_snakemake_run_plans_the_job_again_and_resumes(tmp_path):
    workdir = _fresh_workdir(tmp_path / "wd")
    _edit_yaml(workdir / "config" / "papers" / "meco.yaml",
               _set("scales.ci.params.pretrain", {"steps": STEPS, "log_every": 10, "ckpt_every": CKPT_EVERY}))
    target = "results/ci/meco/runs/seed0/baseline"
    resume_dir = workdir / f"{target}.resume"
    with open(tmp_path / "snakemake.log", "w") as log:
        proc = subprocess.Popen([SNAKEMAKE, "-c", "1", target, "--config", "scale=ci"], cwd=workdir,
                                env=_env(workdir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_checkpoint(proc, resume_dir, CKPT_EVERY * 3)
        finally:  # SIGKILL the whole tree (Snakemake, job shells, warm worker and its job): a crash, no cleanup
            tree = [proc.pid, *_descendants(proc.pid)]
            for pid in tree:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait(timeout=30)
    deadline = time.time() + 10
    while any(_running(pid) for pid in tree[1:]) and time.time() < deadline:
        time.sleep(0.1)
    assert not (workdir / target).exists(), "the killed job's output directory exists"

    dry = _snakemake(workdir, "-n", target, "--config", "scale=ci", timeout=120)
    assert dry.returncode == 0, dry.stdout[-3000:] + dry.stderr[-3000:]
    assert planned_jobs(dry.stdout) == {"meco_pretrain": 1}, dry.stdout[-3000:]

    # Snakemake's lock outlives a SIGKILL; `--unlock` is the documented recovery (it removes no outputs).
    unlock = _snakemake(workdir, "--unlock", "--config", "scale=ci", timeout=120)
    assert unlock.returncode == 0, unlock.stderr[-3000:]
    rerun = _snakemake(workdir, "-c", "1", target, "--config", "scale=ci", timeout=300)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    log_text = (workdir / "logs" / "ci" / "meco" / "seed0" / "pretrain_baseline.log").read_text()
    assert re.search(r"resuming meco pretrain_lm \[arm=baseline\] from \S+ at step [1-9]\d*", log_text), log_text[-3000:]
    assert (workdir / target / "model.safetensors").is_file() and not resume_dir.exists()


# == 3. security ================================================================================================
PICKLE_SUFFIXES = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".h5", ".msgpack", ".npy", ".npz"}


@pytest.mark.e2e
def test_saved_models_are_safetensors(ci_run):
    from safetensors import safe_open
    import torch

    model_dirs = sorted({p.parent for p in (ci_run / "results").rglob("config.json")
                         if (p.parent / "generation_config.json").exists() or any(p.parent.glob("*.safetensors"))})
    assert len(model_dirs) >= 10, f"expected the ci run's models, found {model_dirs}"
    for d in model_dirs:
        assert (d / "model.safetensors").is_file(), f"{d} has no model.safetensors"
        with safe_open(str(d / "model.safetensors"), framework="pt") as fh:
            assert list(fh.keys())
    suspicious = [p for root in ("results", "data") for p in (ci_run / root).rglob("*")
                  if p.is_file() and p.suffix in PICKLE_SUFFIXES and p.name != "trainer_state.pt"]
    assert not suspicious, f"non-safetensors weight files: {suspicious}"
    states = list((ci_run / "results").rglob("trainer_state.pt"))
    assert states
    for path in states:
        state = torch.load(path, weights_only=True)
        assert {"optimizer", "scheduler", "torch_rng"} <= set(state), path


def _is_pickle(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(2)
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


@pytest.mark.e2e
def test_no_pickled_artifacts_are_written_or_loaded(ci_run):
    pickled = [p for root in ("results", "data") for p in (ci_run / root).rglob("*") if p.is_file() and _is_pickle(p)]
    loaders = [f"{p.relative_to(REPO)}:{i}" for p in (REPO / "src").rglob("*.py")
               for i, line in enumerate(p.read_text().splitlines(), 1)
               if re.search(r"\b(Word2Vec|KeyedVectors|FastText|Doc2Vec)\.load\(|joblib\.load\(|dill\.load", line)]
    assert not pickled and not loaders, f"pickle files: {pickled}; pickle loaders: {loaders}"


UNSAFE_PATTERNS = [r"trust_remote_code\s*=\s*True", r"weights_only\s*=\s*False", r"\bpickle\.loads?\(",
                   r"allow_pickle\s*=\s*True", r"\bcloudpickle\b", r"\bmarshal\.loads?\(", r"(?<![.\w])eval\(",
                   r"(?<![.\w])exec\("]


def test_source_has_no_unsafe_loading():
    sources = sorted((REPO / "src").rglob("*.py"))
    assert len(sources) > 20
    hits = [f"{p.relative_to(REPO)}:{i}: {line.strip()}" for p in sources
            for i, line in enumerate(p.read_text().splitlines(), 1)
            if any(re.search(pat, line) for pat in UNSAFE_PATTERNS)]
    # Every torch.load call states weights_only=True (the default changed across torch versions).
    hits += [f"{p.relative_to(REPO)}:{i}: {line.strip()}" for p in sources
             for i, line in enumerate(p.read_text().splitlines(), 1)
             if "torch.load(" in line and "weights_only=True" not in line]
    assert not hits, "unsafe loading in src/:\n" + "\n".join(hits)


@pytest.mark.e2e
def test_planted_credentials_are_not_logged(ci_run):
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=f"sqlite:///{ci_run / 'mlflow.db'}")
    experiments = client.search_experiments()
    runs = [r for e in experiments for r in client.search_runs([e.experiment_id], max_results=1000)]
    assert {e.name for e in experiments} >= {"meco", "sami", "wechsel"} and len(runs) >= 20, len(runs)
    n_params = 0
    for run in runs:
        data = run.data
        n_params += len(data.params)
        fields = [run.info.run_name, *data.params, *map(str, data.params.values()), *data.tags,
                  *map(str, data.tags.values()), *data.metrics]
        for secret in SECRETS:
            leaked = [f for f in fields if secret in f]
            assert not leaked, f"MLflow run {run.info.run_name} records {leaked}"
    assert n_params > 50  # the scan saw the hyperparameters
    # Raw bytes too: the SQLite store, logs, results, data, artifacts, Snakemake's own logs and metadata.
    files = [ci_run / "mlflow.db"] + [p for root in ("logs", "results", "data", "mlartifacts", ".snakemake")
                                      for p in (ci_run / root).rglob("*") if p.is_file()]
    assert any((ci_run / "logs").rglob("*.log")) and any((ci_run / "mlartifacts").rglob("*.json"))
    for path in files:
        blob = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in blob, f"{secret} appears in {path}"
