"""The entry point every stage module uses: arguments, resolved config, seeding, metrics.json, tracking.

    with Stage.from_argv("meco", "pretrain") as st:
        cfg = st.params("pretrain", TrainConfig)  # or st.params("pretrain"): typed as meco's Params declares it
        ...
        st.log_metrics({"loss": 1.2}); st.log_curve("train/loss", step, value)

Command line (what a Snakemake rule runs):
    lmrepro stage meco.gen_corpus --scale small --seed 0 --out data=... --out metrics=...
        [--config config/papers/meco.yaml] [--set pretrain.steps=10]

On exit the stage writes `metrics.json` atomically (the source of truth), then logs one MLflow run from it. If the
stage raised, nothing is written and the exception propagates (so the job fails and Snakemake discards outputs).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from lmrepro.common import config as cfglib
from lmrepro.common import io, seeding, tracking
from lmrepro.common.params import ModelSpec


def _pairs(items: list[str], flag: str) -> dict[str, Path]:
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"{flag} {item!r}: expected name=path")
        name, path = item.split("=", 1)
        out[name] = Path(path)
    return out


class Stage:
    def __init__(self, paper: str, stage: str, scale: str, seed: int | None, cfg: dict,
                 inputs: dict[str, Path], outputs: dict[str, Path], threads: int | None, variant: str = ""):
        self.paper, self.stage, self.scale, self.seed = paper, stage, scale, seed
        self.variant = variant  # "arm=spt": the --set values that tell this job from its siblings
        self.cfg, self.inputs, self.outputs = cfg, inputs, outputs
        self.threads = threads
        self.metrics: dict[str, Any] = {}
        self.timing: dict[str, float] = {}
        self.curves: dict[str, list[tuple[int, float]]] = {}
        self.used_params: dict[str, Any] = {}
        self._t0 = time.time()

    @classmethod
    def from_argv(cls, paper: str | None, stage: str, argv: list[str] | None = None) -> "Stage":
        parser = argparse.ArgumentParser(prog=f"lmrepro stage {paper or '<paper>'}.{stage}")
        if paper is None:  # a shared stage (the report) names its paper on the command line
            parser.add_argument("--paper", required=True)
        parser.add_argument("--config", default=None, help="default: config/papers/<paper>.yaml")
        parser.add_argument("--scale", default="small", choices=cfglib.SCALES)
        parser.add_argument("--seed", type=int, default=None, help="omit for stages that aggregate all seeds")
        parser.add_argument("--in", dest="inputs", action="append", default=[], metavar="NAME=PATH")
        parser.add_argument("--out", dest="outputs", action="append", default=[], metavar="NAME=PATH")
        parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
        parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
        args = parser.parse_args(argv)
        paper = paper or args.paper
        if args.config is None:
            args.config = str(cfglib.paper_config_path(paper))
        cfg = cfglib.load_paper_config(args.config, args.scale)
        cfg["params"] = cfglib.apply_overrides(cfg.get("params", {}), args.overrides)
        inputs, outputs = _pairs(args.inputs, "--in"), _pairs(args.outputs, "--out")
        missing = [f"{k}={p}" for k, p in inputs.items() if not p.exists()]
        if missing:
            raise SystemExit(f"{paper}.{stage}: input(s) not found: {', '.join(missing)}")
        if "metrics" not in outputs:
            raise SystemExit(f"{paper}.{stage}: --out metrics=PATH is required")
        variant = ",".join(f"{key.rsplit('.', 1)[-1]}={value}"
                           for key, value in (o.split("=", 1) for o in args.overrides))
        return cls(paper, stage, args.scale, args.seed, cfg, inputs, outputs, args.threads, variant)

    # -- config -----------------------------------------------------------------------------------------------
    def params(self, section: str, cls: type | None = None) -> Any:
        """The typed hyperparameters of one section of the paper config (`params.<section>`), typed as the paper's
        `Params` declares it unless `cls` says otherwise; a section `Params` lacks is an error (it went unvalidated)."""
        paper = self.cfg.get("paper", self.paper)
        declared = cfglib.section_type(paper, section)  # raises for a section outside Params
        cls = cls or declared
        data = self.cfg.get("params", {}).get(section)
        where = f"{paper}.params.{section}"
        if cls in (dict, ModelSpec):  # a mapping passed through whole (build_model checks a transformers config)
            if not isinstance(data, dict):
                raise cfglib.ConfigError(f"{where}: expected a mapping, got {data!r}")
            self.used_params[section] = dict(data)
            return dict(data)
        obj = cfglib.from_dict(cls, data, where=where)
        self.used_params[section] = asdict(obj) if is_dataclass(obj) else obj
        return obj

    def inp(self, name: str) -> Path:
        if name not in self.inputs:
            raise SystemExit(f"{self.paper}.{self.stage}: missing --in {name}=PATH")
        return self.inputs[name]

    def out(self, name: str) -> Path:
        if name not in self.outputs:
            raise SystemExit(f"{self.paper}.{self.stage}: missing --out {name}=PATH")
        return self.outputs[name]

    # -- metrics ----------------------------------------------------------------------------------------------
    def log_metrics(self, metrics: dict[str, Any]) -> None:
        self.metrics.update(metrics)

    def log_timing(self, timing: dict[str, float]) -> None:
        """Wall-clock figures (seconds, throughput): logged to MLflow as `time/<name>`, kept out of metrics.json
        so that the same seed gives a byte-identical metrics.json."""
        self.timing.update(timing)

    def log_curve(self, name: str, step: int, value: float) -> None:
        self.curves.setdefault(name, []).append((int(step), float(value)))

    # -- lifecycle --------------------------------------------------------------------------------------------
    def __enter__(self) -> "Stage":
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # stages read local directories only; hub rules fetch
        if "transformers" in sys.modules:  # per-shard save bars only clutter the job logs
            sys.modules["transformers"].utils.logging.disable_progress_bar()
        if self.seed is not None:
            seeding.seed_everything(self.seed)
        if self.threads is not None:
            seeding.set_torch_threads(self.threads)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            return False
        record = {
            "paper": self.paper, "stage": self.stage, "scale": self.scale, "seed": self.seed,
            "params": self.used_params, "metrics": self.metrics,
            "curves": {k: [list(p) for p in v] for k, v in self.curves.items()},
            "data_hash": io.content_hash(list(self.inputs.values())),
        }
        io.write_json(self.out("metrics"), record)
        t_tracking = time.time()
        if os.environ.get("LMREPRO_TRACKING", "1") != "0":
            try:
                run_id = tracking.log_run(
                    paper=self.paper, stage=self.stage, scale=self.scale, seed=self.seed,
                    params=self.used_params, curves=self.curves,
                    metrics={**self.metrics, **{f"time/{k}": v for k, v in self.timing.items()},
                             "time/stage_s": time.time() - self._t0},
                    tags={"data_hash": record["data_hash"], **({"variant": self.variant} if self.variant else {})},
                    artifacts=[str(p) for p in self.outputs.values() if p.suffix in (".png", ".json")])
                print(f"[lmrepro] MLflow run {run_id} logged to {tracking.default_tracking_uri()}", file=sys.stderr)
            except Exception as err:  # tracking must never lose the job's results
                print(f"[lmrepro] WARNING: MLflow logging failed ({type(err).__name__}: {err}); NOT logged: "
                      f"{len(self.metrics)} metrics, {sum(map(len, self.curves.values()))} curve points, params "
                      f"of {self.paper}.{self.stage} seed {self.seed}. metrics.json is complete at "
                      f"{self.out('metrics')}", file=sys.stderr)
        now = time.time()
        print(f"[lmrepro] {self.paper}.{self.stage} done in {now - self._t0:.1f}s "
              f"(tracking {now - t_tracking:.2f}s)", file=sys.stderr)
        return False
