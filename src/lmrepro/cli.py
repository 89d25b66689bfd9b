"""`lmrepro` command line. Kept import-light: heavy modules load only inside the command that needs them.

    lmrepro stage <paper>.<stage> [stage args]   run one stage (via the warm worker when one is running)
    lmrepro summary --scale small                 write results/<scale>/summary.md from the claims files
    lmrepro dvc-yaml [--check]                    regenerate dvc.yaml from the paper registry
    lmrepro budget [meco ...]                     what the paper scale costs (GPUs, GPU-hours), per paper and total
    lmrepro pull [meco-small ...]                 dvc pull results; Snakemake then has nothing to rerun
    lmrepro gpus N -- <command>                   run a job on N GPUs of its own (CUDA_VISIBLE_DEVICES)
    lmrepro ui [--port 5000]                      open the MLflow UI on the default store
    lmrepro worker serve|start|stop PATH          the warm worker (Snakemake manages it)
"""
from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "stage":  # fast path: no argparse for the hot command
        if len(argv) < 2:
            print("usage: lmrepro stage <paper>.<stage> [args]", file=sys.stderr)
            return 2
        from lmrepro.common.worker import client_run

        return client_run(argv[1], argv[2:])
    if argv and argv[0] == "gpus":  # everything after `--` is the job's command line
        if len(argv) < 3 or not argv[1].isdigit() or "--" not in argv:
            print("usage: lmrepro gpus N -- <command> [args]", file=sys.stderr)
            return 2
        from lmrepro.common.gpus import run

        run(int(argv[1]), argv[argv.index("--") + 1:])
    parser = argparse.ArgumentParser(prog="lmrepro")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("summary")
    p.add_argument("--scale", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("claims", nargs="*")
    p = sub.add_parser("dvc-yaml")
    p.add_argument("--check", action="store_true", help="fail if dvc.yaml is out of date")
    p = sub.add_parser("budget")
    p.add_argument("papers", nargs="*", help="paper slugs (default: every enabled paper)")
    p = sub.add_parser("pull")
    p.add_argument("stages", nargs="*", help="DVC stages <paper>-<scale> (default: all in dvc.lock)")
    p = sub.add_parser("ui")
    p.add_argument("--port", default="5000")
    p = sub.add_parser("worker")
    p.add_argument("action", choices=["serve", "start", "stop"])
    p.add_argument("path")
    p.add_argument("--parent", type=int, default=None)
    args = parser.parse_args(argv)

    if args.cmd == "summary":
        from pathlib import Path

        from lmrepro.common.summary import render

        print(render(args.scale, [Path(c) for c in args.claims], Path(args.out)))
    elif args.cmd == "dvc-yaml":
        from lmrepro.common import registry

        return registry.write_dvc_yaml(check=args.check)
    elif args.cmd == "budget":
        from lmrepro.common import budget

        return budget.main(args.papers)
    elif args.cmd == "pull":
        from pathlib import Path

        from lmrepro.common import registry

        return registry.pull(args.stages, Path.cwd())
    elif args.cmd == "ui":
        from lmrepro.common.tracking import default_tracking_uri

        uri = default_tracking_uri()
        print(f"MLflow UI on {uri}: http://127.0.0.1:{args.port}", flush=True)
        os.execvp(sys.executable, [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
                                   "--host", "127.0.0.1", "--port", args.port])
    elif args.cmd == "worker":
        from lmrepro.common import worker

        if args.action == "serve":
            worker.serve(args.path, parent_pid=args.parent)
        elif args.action == "start":
            print(worker.start(args.path, args.parent or os.getppid()))
        else:
            worker.stop(args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
