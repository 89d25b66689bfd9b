# Helpers shared by every paper's rules: config resolution and validation, stage command lines, code inputs,
# resources per scale, hub snapshots, the report/summary rules, and the start-up hooks (MLflow store, worker).
import hashlib
import json
import os
import sys
from pathlib import Path

from snakemake.utils import validate

from lmrepro.common import budget
from lmrepro.common import config as cfglib
from lmrepro.common import registry

validate(config, "../workflow/schemas/config.schema.yaml")

# Jobs call `lmrepro` / `accelerate`: take them from the environment Snakemake itself runs in, activated or not.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

SCALE = config["scale"]
# Where clone rules fetch git repositories from; the stand-in check points it at local ones (file://DIR).
GIT_BASE = os.environ.get("LMREPRO_GIT_BASE", "https://github.com")
BASE_SEED = int(config["seed"])
ROOT = Path(workflow.basedir)
# Every paper config is validated now and built into its typed hyperparameters (lmrepro.papers.<slug>.params, a
# light module): a bad section, key or type fails the whole invocation, dry runs included, before any job runs.
PAPERS = {slug: cfglib.load_paper_config(cfglib.paper_config_path(slug, ROOT), SCALE) for slug in registry.papers(ROOT)}
TYPED_PARAMS = {slug: cfglib.build_params(slug, resolved) for slug, resolved in PAPERS.items()}
for _slug in config["papers"]:
    if _slug not in PAPERS:
        raise ValueError(f"config/config.yaml: papers lists {_slug!r}, which has no config/papers/{_slug}.yaml")
if SCALE == "paper":  # what a cluster run of the enabled papers costs, before anyone submits it
    print(budget.total_line({slug: budget.paper_budget(PAPERS[slug]) for slug in config["papers"]}), file=sys.stderr)


wildcard_constraints:
    scale="ci|small|paper",
    seed=r"\d+",


def seeds(slug):
    """The seeds a paper runs at this scale: seed, seed+1, ... (`seeds` in its config, `--config seed=N`)."""
    return [BASE_SEED + i for i in range(PAPERS[slug]["seeds"])]


def seed_of(slug, stage, wildcards):
    """The seed whose output of `stage` a job reads: the base seed for a stage that the paper config lists under
    `shared_across_seeds` (it runs once and every seed reads it), else the job's own seed."""
    return BASE_SEED if stage in PAPERS[slug].get("shared_across_seeds", []) else int(wildcards.seed)


def stage_output(slug, stage, pattern):
    """An input function: `stage`'s output `pattern` ({scale}, {seed}) at the seed this job reads it from."""
    return lambda wildcards: pattern.format(scale=wildcards.scale, seed=seed_of(slug, stage, wildcards))


def base_model(slug, hub_name, stage, pattern):
    """An input function for a base model: the hub snapshot `hub.models.<hub_name>` where this scale's config names
    one (`paper`), else our own LM, `stage`'s output `pattern` (`ci`/`small`: lmrepro.common.pretrain_lm).
    `hub_name` may contain {seed} (one released checkpoint per seed)."""

    def path(wildcards):
        name = hub_name.format(seed=wildcards.seed)
        if has_hub(slug, "models", name):
            return hub_model(slug, name)
        return pattern.format(scale=wildcards.scale, seed=seed_of(slug, stage, wildcards))

    return path


def lm_uses_hub(slug, hub_name):
    """True where this scale replaces our own pretraining by a hub snapshot (the pretraining rule does not run)."""
    return has_hub(slug, "models", hub_name.format(seed=BASE_SEED))


def cfg_hash(slug, *sections):
    """A param that changes exactly when the named config sections change, so only affected jobs rerun."""
    params = PAPERS[slug].get("params", {})
    blob = json.dumps({s: params.get(s) for s in sections}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def code(slug, *modules):
    """Source files a stage runs, its hyperparameter dataclasses included: edits to them rerun the stage's jobs
    (and what depends on them)."""
    return [f"src/lmrepro/papers/{slug}/{m}.py" for m in ("__init__", "params", *modules)]


def stage_args(wildcards, input, output, threads):
    """--scale/--seed/--in/--out arguments of `lmrepro stage`, from the rule's named inputs and outputs."""
    args = [f"--scale {wildcards.scale}", f"--threads {threads}"]
    if "seed" in wildcards.keys():
        args.append(f"--seed {wildcards.seed}")
    for name, value in input.items():
        if name != "code":
            paths = value if isinstance(value, str) else ",".join(value)
            args.append(f"--in {name}={paths}")
    for name, value in output.items():
        args.append(f"--out {name}={value}")
    return " ".join(args)


def launcher(slug, stage):
    """`lmrepro stage`, or `accelerate launch` over N processes when the stage asks for more than one GPU; a GPU
    stage runs under `lmrepro gpus N`, which gives each local job devices of its own (a no-op under SLURM)."""
    gpus = int(PAPERS[slug].get("resources", {}).get(stage, {}).get("gpu", 0))
    if gpus == 0:
        return "lmrepro stage"
    command = "lmrepro stage" if gpus == 1 else \
        f"accelerate launch --multi_gpu --num_processes {gpus} -m lmrepro.cli stage"
    return f"lmrepro gpus {gpus} -- {command}"


def res(slug, stage, key, default):
    """A resource for a stage at this scale, from `resources.<stage>.<key>` in the paper config."""
    return PAPERS[slug].get("resources", {}).get(stage, {}).get(key, default)


def hub_dir(repo_id, repo_type="model"):
    """Where a hub snapshot lives (shared by every paper naming the same id)."""
    return f"data/hub/{'datasets/' if repo_type == 'dataset' else ''}{repo_id}"


def hub_allow(wildcards):
    """`--allow GLOB` arguments for a snapshot whose hub entries name `allow` (the same globs in every paper)."""
    repo_id = f"{wildcards.owner}/{wildcards.name}"
    globs = {tuple(entry["allow"]) for paper in PAPERS.values() for kind in ("models", "datasets")
             for entry in paper.get("hub", {}).get(kind, {}).values() if entry["id"] == repo_id and "allow" in entry}
    if len(globs) > 1:
        raise ValueError(f"{repo_id}: papers name different `allow` globs for one snapshot: {sorted(globs)}")
    return " ".join(f"--allow '{glob}'" for glob in next(iter(globs), ()))


def has_hub(slug, kind, name):
    """True when this scale's config names a hub snapshot `hub.<kind>.<name>` (it then replaces a local rule)."""
    return name in PAPERS[slug].get("hub", {}).get(kind, {})


def hub_model(slug, name):
    return hub_dir(PAPERS[slug]["hub"]["models"][name]["id"])


def hub_dataset(slug, name):
    return hub_dir(PAPERS[slug]["hub"]["datasets"][name]["id"], "dataset")


def hub_inputs(slug, *names):
    """Hub snapshot directories named in this scale's `hub` config, as inputs `hub_<name>` (none at ci/small,
    where worlds replace them): unpack() them into a rule's inputs."""
    out = {}
    for kind in ("models", "datasets"):
        for name, entry in PAPERS[slug].get("hub", {}).get(kind, {}).items():
            if name in names:
                out[f"hub_{name}"] = hub_dir(entry["id"], "dataset" if kind == "datasets" else "model")
    return lambda wildcards: out


def hub_revision(wildcards):
    for paper in PAPERS.values():
        for kind in ("models", "datasets"):
            for entry in paper.get("hub", {}).get(kind, {}).values():
                if entry["id"] == f"{wildcards.owner}/{wildcards.name}":
                    return entry.get("revision", "main")
    return "main"


def claims_target(slug):
    return f"results/{SCALE}/{slug}/claims.json"


def summary_target():
    return f"results/{SCALE}/summary.md"


def report_outputs(slug):
    """Outputs of a paper's report rule; its plot and claims table are what `snakemake --report` shows."""
    base = f"results/{{scale}}/{slug}"
    labels = lambda figure: {"paper": slug, "figure": figure}
    return dict(
        claims=f"{base}/claims.json",
        metrics=f"{base}/metrics.json",
        curves=f"{base}/curves.csv",
        plot=report(f"{base}/plot.png", caption="../workflow/report/plot.rst", category="papers",
                    subcategory=slug, labels=labels("plot")),
        table=report(f"{base}/claims.html", caption="../workflow/report/claims.rst", category="papers",
                     subcategory=slug, labels=labels("claims")),
    )


def report_settings(slug):
    """A report rule's params: its claims and plot panels, so editing either reruns the report (nothing else)."""
    return lambda wildcards: json.dumps({k: PAPERS[slug].get(k) for k in ("claims", "report")}, sort_keys=True)


def report_inputs(slug, per_seed_stages):
    """Inputs of a paper's report rule: each seed's metrics.json of each named stage, named `seed<N>.<stage>`."""

    def inputs(wildcards):
        return {f"seed{s}.{stage}": pattern.format(scale=wildcards.scale, seed=s)
                for s in seeds(slug) for stage, pattern in per_seed_stages.items()}

    return inputs


# Shared nodes: hub snapshots (paper scale) and the cross-paper summary.
rule hub_snapshot_model:
    output:
        directory("data/hub/{owner}/{name}"),
    params:
        revision=hub_revision,
        allow=hub_allow,
    log:
        "logs/hub/{owner}/{name}.log",
    resources:
        runtime=240,
        mem_mb=8000,
    shell:
        "python -m lmrepro.common.hub --repo-type model --repo-id {wildcards.owner}/{wildcards.name} "
        "--revision {params.revision} {params.allow} --out {output} > {log} 2>&1"


rule hub_snapshot_dataset:
    output:
        directory("data/hub/datasets/{owner}/{name}"),
    params:
        revision=hub_revision,
        allow=hub_allow,
    log:
        "logs/hub/datasets/{owner}/{name}.log",
    resources:
        runtime=480,
        mem_mb=8000,
    shell:
        "python -m lmrepro.common.hub --repo-type dataset --repo-id {wildcards.owner}/{wildcards.name} "
        "--revision {params.revision} {params.allow} --out {output} > {log} 2>&1"


ruleorder: hub_snapshot_dataset > hub_snapshot_model


rule summary:
    input:
        lambda wc: [f"results/{wc.scale}/{slug}/claims.json" for slug in config["papers"]],
    output:
        "results/{scale}/summary.md",
    log:
        "logs/{scale}/summary.log",
    shell:
        "lmrepro summary --scale {wildcards.scale} --out {output} {input} > {log} 2>&1"


def _worker_socket():
    digest = hashlib.sha256(str(ROOT.resolve()).encode()).hexdigest()[:12]
    return f"/tmp/lmrepro-worker-{digest}-{os.getpid()}.sock"


onstart:
    from lmrepro.common import tracking

    for _slug, _params in TYPED_PARAMS.items():  # model config keys: this imports torch, so not at parse time
        cfglib.check_model_keys(_slug, _params)

    os.environ["MLFLOW_TRACKING_URI"] = tracking.init_store(tracking.default_tracking_uri())
    if workflow.local_exec and "LMREPRO_MATMUL_PEAK_FLOPS" not in os.environ:
        from lmrepro.common.perf import matmul_peak_flops  # once per workflow: jobs report FLOP/s vs this peak

        os.environ["LMREPRO_MATMUL_PEAK_FLOPS"] = str(matmul_peak_flops())
    if workflow.local_exec and config.get("warm_worker", True):
        from lmrepro.common import worker

        path = _worker_socket()
        worker.start(path, parent_pid=os.getpid())
        os.environ["LMREPRO_WORKER"] = path


onsuccess:
    if os.environ.get("LMREPRO_WORKER"):
        from lmrepro.common import worker

        worker.stop(os.environ["LMREPRO_WORKER"])


onerror:
    if os.environ.get("LMREPRO_WORKER"):
        from lmrepro.common import worker

        worker.stop(os.environ["LMREPRO_WORKER"])
