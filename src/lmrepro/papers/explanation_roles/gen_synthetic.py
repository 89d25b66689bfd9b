"""The synthetic task's world variants (spec DAG: gen_synthetic): one folder per variant an arm trains on, with
train.jsonl / test.jsonl rows {s, e, label, idx, selector} and tasks.json (task index -> (m, n, r, d)).

    D=data/small/explanation_roles/seed0  (ci: data/ci/explanation_roles/seed0, with --scale ci)
    lmrepro stage explanation_roles.gen_synthetic --scale small --seed 0 --out data=$D/synth \
        --out metrics=$D/gen_synthetic.json
    (paper: the same generator at the official sizes; the real datasets' prep is not wired)
"""
from __future__ import annotations

from dataclasses import asdict

from lmrepro.common.config import from_dict
from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.worlds.explanations import ExplanationTaskConfig, build_world


def main() -> None:
    with Stage.from_argv("explanation_roles", "gen_synthetic") as st:
        world = st.params("world")
        variants = st.params("variants")
        metrics = {}
        with atomic_dir(st.out("data")) as tmp:
            for name in variants.variants():
                cfg = from_dict(ExplanationTaskConfig, {**asdict(world), **variants.overrides[name]},
                                where=f"variants.overrides.{name}")
                synth = build_world(cfg, st.seed)
                (tmp / name).mkdir()
                write_jsonl(tmp / name / "train.jsonl", synth["train"])
                write_jsonl(tmp / name / "test.jsonl", synth["test"])
                write_json(tmp / name / "tasks.json", synth["tasks"])
                write_json(tmp / name / "world.json", asdict(cfg))
                metrics.update({f"{name}_n_train": len(synth["train"]), f"{name}_n_test": len(synth["test"]),
                                f"{name}_skipped_test_duplicates": synth["skipped_test_duplicates"]})
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
