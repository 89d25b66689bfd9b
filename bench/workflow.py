"""Workflow benchmarks: dry-run time (and its growth with 2x the papers), a no-op rerun, per-job overhead, the
MLflow share of stage time, and the wall time of every paper at `small`.

    python bench/workflow.py [--suite] [--repeats 3]

Runs in throwaway copies of the workflow (tests/conftest.make_workdir), never in the checkout.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.conftest import PAPERS, make_workdir, planned_jobs, run_snakemake  # noqa: E402

SCALES = ("ci", "small", "paper")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def dryrun_all(workdir: Path, papers: list[str]) -> float:
    return sum(timed(lambda s=s: run_snakemake(workdir, "-n", "--forceall", "--quiet", "--config", f"scale={s}",
                                               "--", *papers)) for s in SCALES)


def doubled_workdir(dest: Path) -> list[str]:
    """A copy of the workflow with every paper registered twice (slug and slug + 'x'): 2x the rules and jobs."""
    make_workdir(dest)
    snakefile = (dest / "Snakefile").read_text()
    config = (dest / "config" / "config.yaml").read_text()
    twins = []
    for slug in PAPERS:
        twin = f"{slug}x"
        twins.append(twin)
        rules = (dest / "rules" / f"{slug}.smk").read_text()
        for old, new in ((f"rule {slug}_", f"rule {twin}_"), (f'"{slug}"', f'"{twin}"'), (f"/{slug}/", f"/{twin}/"),
                         (f"stage {slug}.", f"stage {twin}."), (f"--paper {slug} ", f"--paper {twin} ")):
            rules = rules.replace(old, new)
        (dest / "rules" / f"{twin}.smk").write_text(rules)
        text = (dest / "config" / "papers" / f"{slug}.yaml").read_text()
        (dest / "config" / "papers" / f"{twin}.yaml").write_text(text.replace(f"paper: {slug}", f"paper: {twin}"))
        shutil.copytree(dest / "src" / "lmrepro" / "papers" / slug, dest / "src" / "lmrepro" / "papers" / twin)
        snakefile += f'\n\ninclude: "rules/{twin}.smk"\n\n\nrule {twin}:\n    input:\n        claims_target("{twin}"),\n'
        config = config.replace(f"  - {slug}\n", f"  - {slug}\n  - {twin}\n")
    (dest / "Snakefile").write_text(snakefile)
    (dest / "config" / "config.yaml").write_text(config)
    return [*PAPERS, *twins]


def stage_log_times(workdir: Path, scale: str) -> tuple[float, float]:
    """(sum of stage seconds, sum of MLflow tracking seconds) from the jobs' logs."""
    stage = tracking = 0.0
    for log in (workdir / "logs" / scale).rglob("*.log"):
        for m in re.finditer(r"done in ([\d.]+)s \(tracking ([\d.]+)s\)", log.read_text(errors="replace")):
            stage += float(m.group(1))
            tracking += float(m.group(2))
    return stage, tracking


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also run every paper at `small` (~8 min)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lmrepro-bench-"))
    out: dict = {}
    single = make_workdir(tmp / "single")
    double = tmp / "double"
    double.mkdir()
    papers2 = doubled_workdir(double)
    one = [dryrun_all(single, PAPERS) for _ in range(args.repeats)]
    two = [dryrun_all(double, papers2) for _ in range(args.repeats)]
    out["dryrun_all_s"] = statistics.median(one)
    out["dryrun_all_2x_s"] = statistics.median(two)
    out["dryrun_growth_2x"] = out["dryrun_all_2x_s"] / out["dryrun_all_s"]
    for name, workdir, papers in (("dryrun_jobs", single, PAPERS), ("dryrun_jobs_2x", double, papers2)):
        out[name] = sum(sum(planned_jobs(run_snakemake(workdir, "-n", "--forceall", "--config", f"scale={s}", "--",
                                                       *papers).stdout).values()) for s in SCALES)

    run_snakemake(single, "-c2", "--config", "scale=ci", "--", "all")
    out["ci_jobs_stage_s"], out["ci_jobs_tracking_s"] = stage_log_times(single, "ci")
    out["noop_rerun_s"] = statistics.median(
        timed(lambda: run_snakemake(single, "-c2", "--config", "scale=ci", "--", "all")) for _ in range(args.repeats))

    if args.suite:
        suite = make_workdir(tmp / "suite")
        walls = {}
        for slug in PAPERS:
            walls[slug] = timed(lambda slug=slug: run_snakemake(suite, "-c2", "--config", "scale=small", "--", slug,
                                                                 timeout=1800))
        out["suite_small_s"] = walls
        out["suite_small_max_s"] = max(walls.values())
        stage_s, tracking_s = stage_log_times(suite, "small")
        out["small_jobs_stage_s"], out["small_jobs_tracking_s"] = stage_s, tracking_s
        out["mlflow_share"] = tracking_s / stage_s
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
