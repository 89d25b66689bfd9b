"""SAMI training (paper §2-3): T iterations of [sample C responses per query under C constitutions with the
current model -> train the symmetric InfoNCE loss on the C x C length-normalised log-prob matrices].

    lmrepro stage sami.sami --scale small --seed 0 --in data=data/small/sami/seed0/prep \
        --in base=results/small/sami/seed0/base --out model=results/small/sami/runs/seed0/sami --out metrics=...
    (paper scale: --in base=data/hub/mistralai/Mistral-7B-v0.1, launched over 8 GPUs)

Output directory: iter1/ .. iterT/ (models) and gen_1.jsonl .. gen_T.jsonl (the self-generated data).
"""
from __future__ import annotations

from lmrepro.common.stage import Stage
from lmrepro.papers.sami._loop import run


def main() -> None:
    with Stage.from_argv("sami", "sami") as st:
        run(st, "sami")


if __name__ == "__main__":
    main()
