"""Per-job orchestration overhead: what one Snakemake job costs beyond its own compute.

    python bench/overhead.py [--repeats 5]

Measures, as medians over repeats, a light stage (meco.gen_corpus at `ci`, ~0.1 s of work) run
(a) in a fresh interpreter (as on a cluster), (b) through the warm worker (local runs), each with MLflow tracking
on and off; and the cold import of torch + a transformers model class + MLflow. Prints a JSON record.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lmrepro.common import worker


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lmrepro-bench-"))
    base_env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp / 'mlflow.db'}"}
    base_env.pop("LMREPRO_WORKER", None)
    from lmrepro.common.tracking import init_store

    init_store(base_env["MLFLOW_TRACKING_URI"])
    lmrepro = str(Path(sys.executable).with_name("lmrepro"))
    sock = str(tmp / "w.sock")
    worker.start(sock, parent_pid=os.getpid())
    results = {}
    try:
        cold = [timed([sys.executable, "-c", "import torch, mlflow, accelerate, lmrepro.common.stage, "
                       "transformers.models.llama.modeling_llama"], base_env) for _ in range(args.repeats)]
        results["cold_import_s"] = statistics.median(cold)
        for mode in ("direct", "worker"):
            for tracking in ("1", "0"):
                env = {**base_env, "LMREPRO_TRACKING": tracking}
                if mode == "worker":
                    env["LMREPRO_WORKER"] = sock
                times = []
                for i in range(args.repeats):
                    out = tmp / f"{mode}{tracking}_{i}"
                    times.append(timed([lmrepro, "stage", "meco.gen_corpus", "--scale", "ci", "--seed", "0",
                                        "--out", f"data={out}/corpus", "--out", f"metrics={out}/m.json"], env))
                results[f"light_job_{mode}_tracking{'_on' if tracking == '1' else '_off'}_s"] = statistics.median(times)
    finally:
        worker.stop(sock)
    results["tracking_s_worker"] = results["light_job_worker_tracking_on_s"] - results["light_job_worker_tracking_off_s"]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
