"""Workflow benchmarks: dry-run time (and its growth with 2x the papers), a no-op rerun, per-job overhead, the
MLflow share of stage time, and the suite: every enabled paper (config/config.yaml `papers`) run on its own at a
scale, its wall time, where that time goes (seconds per stage, from the jobs' logs), and its claims' verdicts.

    python bench/workflow.py [--suite] [--suite-scale small] [--repeats 3]
    python bench/workflow.py --suite --suite-only --papers climb,sentence_lm     the suite for two papers only

Runs in throwaway copies of the workflow (tests/conftest.make_workdir), never in the checkout.
"""
from __future__ import annotations

import argparse
import json
import os
import re
from collections import defaultdict
import shutil
import statistics
import subprocess
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


def workdir_env(workdir: Path) -> dict:
    """The workdir's own sources first: the doubled workflow's twin papers exist only there (their params.py is
    imported when the Snakefile is parsed)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(workdir / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}


def dryrun_all(workdir: Path, papers: list[str]) -> tuple[float, int]:
    """(seconds, jobs planned) for `snakemake -n --forceall` over the papers at every scale."""
    seconds, jobs = 0.0, 0
    for scale in SCALES:
        t0 = time.perf_counter()
        proc = run_snakemake(workdir, "-n", "--forceall", "--config", f"scale={scale}", "--", *papers,
                             env=workdir_env(workdir))
        seconds += time.perf_counter() - t0
        jobs += sum(planned_jobs(proc.stdout).values())
    return seconds, jobs


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
        for old, new in ((f"rule {slug}_", f"rule {twin}_"), (f"/{slug}/", f"/{twin}/"),
                         (f"stage {slug}.", f"stage {twin}."), (f"--paper {slug} ", f"--paper {twin} "),
                         ("data/external/", f"data/external/{twin}/")):
            rules = rules.replace(old, new)
        # the slug as an argument or key ("kid", ...) / PAPERS["kid"], not as a list item (kid's arm "kid")
        rules = re.sub(rf'([(\[]\s*|^\s*)"{slug}"', rf'\1"{twin}"', rules, flags=re.M)
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


def stage_seconds(workdir: Path, scale: str, slug: str) -> dict[str, float]:
    """Seconds per job kind of one paper (its log's name: stage and arm), summed over seeds: where its time goes."""
    out: dict[str, float] = defaultdict(float)
    for log in (workdir / "logs" / scale / slug).rglob("*.log"):
        for m in re.finditer(r"done in ([\d.]+)s \(tracking", log.read_text(errors="replace")):
            out[log.stem] += float(m.group(1))
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def claims_summary(path: Path) -> dict:
    """Each claim's verdict and per-seed values, as the paper's claims.json has them."""
    doc = json.loads(path.read_text())
    return {c["id"]: {"holds": c["holds"], "per_seed": c["per_seed"]} for c in doc["claims"]}


def run_suite(workdir: Path, scale: str, papers: list[str]) -> dict:
    """Each paper on its own (`snakemake -c2 <slug>`), one after another, so its wall time is its own."""
    walls, stages, claims, measured = {}, {}, {}, {}
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    for slug in papers:
        print(f"[bench] {slug} at {scale} ...", file=sys.stderr, flush=True)
        walls[slug] = timed(lambda slug=slug: run_snakemake(workdir, "-c2", "--config", f"scale={scale}", "--", slug,
                                                             timeout=3600))
        stages[slug] = stage_seconds(workdir, scale, slug)
        claims[slug] = claims_summary(workdir / "results" / scale / slug / "claims.json")
        measured[slug] = {"utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": commit}
        print(f"[bench] {slug}: {walls[slug]:.0f} s", file=sys.stderr, flush=True)
    stage_s, tracking_s = stage_log_times(workdir, scale)
    return {"scale": scale, "wall_s": walls, "total_s": sum(walls.values()), "max_s": max(walls.values()),
            "stage_s": stages, "claims": claims, "measured": measured,
            "jobs_stage_s": stage_s, "jobs_tracking_s": tracking_s,
            "mlflow_share": tracking_s / stage_s if stage_s else None}


def enabled_papers() -> list[str]:
    import yaml

    return list(yaml.safe_load((REPO / "config" / "config.yaml").read_text())["papers"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also run every enabled paper at --suite-scale")
    parser.add_argument("--suite-scale", default="small", choices=SCALES[:2])
    parser.add_argument("--suite-only", action="store_true", help="only the suite (no dry-run/rerun benchmarks)")
    parser.add_argument("--papers", help="comma-separated slugs: the suite and the ci run cover these only "
                                         "(default: every enabled paper and the `all` target)")
    args = parser.parse_args()
    papers = args.papers.split(",") if args.papers else enabled_papers()
    unknown = sorted(set(papers) - set(PAPERS))
    if unknown:
        raise SystemExit(f"--papers: no such paper(s): {', '.join(unknown)}")
    tmp = Path(tempfile.mkdtemp(prefix="lmrepro-bench-"))
    if args.suite_only:
        print(json.dumps({"suite": run_suite(make_workdir(tmp / "suite"), args.suite_scale, papers)}, indent=2))
        return
    out: dict = {}
    single = make_workdir(tmp / "single")
    double = tmp / "double"
    double.mkdir()
    papers2 = doubled_workdir(double)
    one = [dryrun_all(single, PAPERS) for _ in range(args.repeats)]
    two = [dryrun_all(double, papers2) for _ in range(args.repeats)]
    out["dryrun_all_s"] = statistics.median(seconds for seconds, _ in one)
    out["dryrun_all_2x_s"] = statistics.median(seconds for seconds, _ in two)
    out["dryrun_growth_2x"] = out["dryrun_all_2x_s"] / out["dryrun_all_s"]
    out["dryrun_jobs"], out["dryrun_jobs_2x"] = one[0][1], two[0][1]

    if args.suite and args.suite_scale == "ci":  # the ci suite is the ci run: no second one
        out["suite"] = run_suite(single, "ci", papers)
    targets = papers if args.papers else ["all"]  # `all` adds the cross-paper summary
    run_snakemake(single, "-c2", "--config", "scale=ci", "--", *targets)
    out["ci_jobs_stage_s"], out["ci_jobs_tracking_s"] = stage_log_times(single, "ci")
    out["noop_rerun_s"] = statistics.median(
        timed(lambda: run_snakemake(single, "-c2", "--config", "scale=ci", "--", *targets))
        for _ in range(args.repeats))

    if args.suite and args.suite_scale != "ci":
        out["suite"] = run_suite(make_workdir(tmp / "suite"), args.suite_scale, papers)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
