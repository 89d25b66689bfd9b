"""Self-SFT baseline (spec: Baselines b): the SAMI loop with plain NLL on the self-generated (c_j, x, y_j)
triples instead of the contrastive loss; same sampling, filter, steps, optimizer and seeds. It isolates the
contrastive term: imitating one's own constitution-conditioned samples re-imitates the base mixture.

    lmrepro stage sami.self_sft --scale small --seed 0 --in data=data/small/sami/seed0/prep \
        --in base=results/small/sami/seed0/base --out model=results/small/sami/runs/seed0/self_sft --out metrics=...
"""
from __future__ import annotations

from lmrepro.common.stage import Stage
from lmrepro.papers.sami._loop import run


def main() -> None:
    with Stage.from_argv("sami", "self_sft") as st:
        run(st, "self_sft")


if __name__ == "__main__":
    main()
