"""`make bench`: every benchmark in one run, written to bench/results.json and bench/RESULTS.md.

    python bench/run.py                 the suite runs every enabled paper at `small`, one after another (~35 min)
    python bench/run.py --no-suite      everything but the suite
    python bench/run.py --papers climb,sentence_lm   re-measure these papers only: their suite entries in
                                        bench/results.json are replaced, the rest kept (each says when it was measured)
    python bench/run.py --quick --out DIR   every benchmark in seconds (fewer steps and repeats, the suite at `ci`
                                        on two papers): checks that the benchmarks still run (`make bench-quick`)

Budgets: the forty-paper `small` suite aims at 60 minutes on 2 cores, i.e. 90 s per paper on average; a single
paper at most 180 s (or 180 s per seed where its config says why).
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


PAPER_BUDGET_S = 180.0
MEAN_BUDGET_S = 90.0  # 60 minutes for 40 papers


def run_json(*args: str) -> dict | list:
    """Run a benchmark script; its stdout is one JSON document, its stderr (progress) goes to ours."""
    out = subprocess.run([sys.executable, *args], cwd=BENCH.parent, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(out.stdout[out.stdout.index("{") if out.stdout.lstrip().startswith("{")
                                 else out.stdout.index("["):])


def machine() -> str:
    import torch

    cpu = subprocess.run(["sh", "-c", "lscpu | grep 'Model name' | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    return (f"{cpu or platform.processor()}, {torch.get_num_threads()} torch threads of "
            f"{__import__('os').cpu_count()} cores; Python {platform.python_version()}, torch {torch.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-suite", action="store_true")
    parser.add_argument("--quick", action="store_true", help="seconds, not minutes: a smoke run of every benchmark")
    parser.add_argument("--out", type=Path, default=BENCH, help="where results.json and RESULTS.md go")
    parser.add_argument("--papers", help="comma-separated slugs: re-measure only these papers' suite entries")
    args = parser.parse_args()
    if args.papers:
        write(remeasure(json.loads((args.out / "results.json").read_text()), args.papers), args.out)
        return
    quick = ["--repeats", "1"] if args.quick else []
    throughput = run_json("bench/throughput.py", *(["--steps", "6", "--shape", "meco", *quick] if args.quick else []))
    suite = [] if args.no_suite else ["--suite", "--suite-scale", "ci" if args.quick else "small"]
    if args.quick:  # the suite's code is the same for every paper, and tests/test_e2e_ci runs each one at ci
        suite += ["--papers", ",".join(QUICK_PAPERS)]
    workflow = run_json("bench/workflow.py", *quick, *suite)
    overhead = run_json("bench/overhead.py", *quick)
    gpu = run_json("bench/gpu_mfu.py")
    suite_result = workflow.get("suite")
    results = {
        "machine": machine(),
        "trainer_vs_raw": min(t["trainer_vs_raw"] for t in throughput),
        "cpu_flops_vs_peak": min(t["cpu_flops_vs_peak"] for t in throughput),
        "dryrun_all_s": workflow["dryrun_all_s"],
        "noop_rerun_s": workflow["noop_rerun_s"],
        "per_job_overhead_s": overhead["light_job_worker_tracking_on_s"],
        "mlflow_share": suite_result["mlflow_share"] if suite_result else None,
        "dryrun_growth_2x": workflow["dryrun_growth_2x"],
        **(suite_totals(suite_result) if suite_result else dict.fromkeys(SUITE_KEYS)),
        "gpu_mfu": gpu.get("gpu_mfu"),
        "detail": {"throughput": throughput, "workflow": workflow, "overhead": overhead, "gpu": gpu},
    }
    write(results, args.out)


QUICK_PAPERS = ("word_class", "cross_dative")  # the two fastest at ci: the quick bench's suite
SUITE_KEYS = ("suite_scale", "suite_max_s", "suite_total_s", "suite_mean_s", "suite_wall_s")


def suite_totals(suite: dict) -> dict:
    return dict(zip(SUITE_KEYS, (suite["scale"], suite["max_s"], suite["total_s"],
                                 suite["total_s"] / len(suite["wall_s"]), suite["wall_s"])))


def remeasure(results: dict, papers: str) -> dict:
    """Run the suite for `papers` only and put their entries into an earlier full run's results."""
    suite = results["detail"]["workflow"].get("suite")
    if not suite:
        raise SystemExit("--papers needs an earlier full `make bench` run in results.json (it has no suite)")
    new = run_json("bench/workflow.py", "--suite", "--suite-only", "--suite-scale", suite["scale"],
                   "--papers", papers)["suite"]
    for key in ("wall_s", "stage_s", "claims", "measured"):
        suite.setdefault(key, {}).update(new[key])
    suite["total_s"], suite["max_s"] = sum(suite["wall_s"].values()), max(suite["wall_s"].values())
    return results | suite_totals(suite)


def write(results: dict, out: Path) -> None:
    throughput, gpu = results["detail"]["throughput"], results["detail"]["gpu"]
    suite_result = results["detail"]["workflow"].get("suite")
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    rows = [
        ("trainer_vs_raw", "our loop / plain PyTorch loop, tokens/s (worst shape)", ">= 0.95"),
        ("cpu_flops_vs_peak", "training FLOP/s (6N + 12 L d T) / fp32 matmul peak (worst shape)", ">= 0.5"),
        ("dryrun_all_s", "`snakemake -n` over all papers x 3 scales, s", "<= 5"),
        ("noop_rerun_s", "`snakemake` with nothing to do (ci), s", "-"),
        ("per_job_overhead_s", "a light job through the warm worker, incl. ~0.05 s of work and MLflow, s", "-"),
        ("mlflow_share", "MLflow logging time / stage time over all suite jobs", "<= 0.01"),
        ("dryrun_growth_2x", "dry-run time with every paper registered twice / once", "<= 2 (linear)"),
        ("suite_max_s", "slowest paper of the suite, wall s", f"<= {PAPER_BUDGET_S:.0f} (small)"),
        ("suite_mean_s", "mean wall per paper of the suite, s", f"<= {MEAN_BUDGET_S:.0f} (small)"),
        ("suite_total_s", "the whole suite, one paper after another, wall s", "40 papers: <= 3600 (small)"),
        ("gpu_mfu", "GPT-2-124M bf16 + SDPA + compile, model FLOPs / dense bf16 peak", ">= 0.5"),
    ]
    lines = ["# Benchmarks", "", f"Machine: {results['machine']}", "",
             "Generated by `make bench` (bench/run.py): one run, medians of repeats; a suite row re-measured alone "
             "(`--papers`) says when in its `measured` column.", "",
             "| key | what | value | goal |", "|---|---|---|---|"]
    for key, what, goal in rows:
        value = results[key]
        shown = "null (not measured)" if value is None else f"{value:.4g}"
        lines.append(f"| {key} | {what} | {shown} | {goal} |")
    lines += ["", "Per model shape:", "", "| shape | params | ours tok/s | raw tok/s | ratio | FLOP/s vs peak |",
              "|---|---|---|---|---|---|"]
    for t in throughput:
        lines.append(f"| {t['shape']} | {t['params']} | {t['ours_tokens_per_s']:.0f} | {t['raw_tokens_per_s']:.0f} | "
                     f"{t['trainer_vs_raw']:.3f} | {t['cpu_flops_vs_peak']:.2f} |")
    if suite_result:
        lines += ["", f"The suite at `{suite_result['scale']}`: each paper on its own, 2 cores "
                  f"(total {suite_result['total_s']:.0f} s). Stages: seconds summed over seeds and arms.", "",
                  "| paper | wall s | claims held | slowest stages (s) | measured |", "|---|---|---|---|---|"]
        for slug, wall in suite_result["wall_s"].items():
            claims = suite_result["claims"][slug].values()
            verdicts = [c["holds"] for c in claims if c["holds"] is not None]
            top = ", ".join(f"{k} {v:.0f}" for k, v in list(suite_result["stage_s"][slug].items())[:3])
            when = suite_result.get("measured", {}).get(slug, {})
            lines.append(f"| {slug} | {wall:.0f} | {sum(verdicts)}/{len(verdicts)} | {top} | "
                         f"{when.get('utc', '-')[:10]} {when.get('commit', '')} |")
    if results["gpu_mfu"] is None:
        lines += ["", f"GPU: {gpu.get('reason', 'not measured')}; run `python bench/gpu_mfu.py` on a CUDA machine."]
    (out / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
