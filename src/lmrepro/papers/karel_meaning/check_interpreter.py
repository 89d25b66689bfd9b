"""Interpreter parity: our Karel semantics against the PyPI `karel` package (1.3.0) on random programs and grids
with walls and markers (spec DAG `check_interpreter`, acceptance A4).

    lmrepro stage karel_meaning.check_interpreter --scale small --seed 0 \
        --out metrics=results/small/karel_meaning/runs/seed0/check_interpreter.json
"""
from __future__ import annotations

from lmrepro.common.stage import Stage
from lmrepro.papers.karel_meaning.params import ParityConfig
from lmrepro.worlds.programs import ACTIONS, ProgramsConfig, generate, karel_package_final_state


def main() -> None:
    with Stage.from_argv("karel_meaning", "check_interpreter") as st:
        cfg = st.params("parity", ParityConfig)
        world = ProgramsConfig(size=cfg.size, wall_ratio=cfg.wall_ratio, marker_ratio=cfg.marker_ratio,
                               actions=ACTIONS, length=(1, cfg.max_length), n_examples=1)
        rows = generate(world, st.seed, cfg.n_programs)
        agree = [karel_package_final_state(r["size"], r["walls"], r["examples"][0]["input"], r["program"])
                 == r["examples"][0]["output"] for r in rows]
        mismatches = [r["id"] for r, ok in zip(rows, agree) if not ok]
        st.log_metrics({"parity": sum(agree) / len(agree), "n_programs": len(rows), "mismatched_ids": mismatches})
        print(f"parity with karel 1.3.0: {sum(agree)}/{len(agree)} identical final states")


if __name__ == "__main__":
    main()
