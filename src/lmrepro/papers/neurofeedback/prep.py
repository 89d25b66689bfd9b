"""The sentences: a meta-training set (small only), the pool the axes are fitted on and the probe sentences of
the reporting episodes, pairwise disjoint (spec pitfall: a pool shared with the episodes leaks its statistics).

    lmrepro stage neurofeedback.prep --scale small --seed 0 --out data=data/small/neurofeedback/seed0/prep \
        --out metrics=data/small/neurofeedback/seed0/prep.metrics.json
    (paper scale: --in hub_ethics=<snapshot of hendrycks/ethics>, params.prep.source: hub)

Output directory: train.jsonl, pool.jsonl, probe.jsonl (rows {"text", "moral", ...}) and, from the world, the
word-level tokenizer/ (at paper scale the model's own tokenizer is used).
"""
from __future__ import annotations

import random
from pathlib import Path

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.neurofeedback.params import PrepConfig
from lmrepro.worlds.attributes import AttributesConfig, split_sentences, vocabulary


def from_hub(cfg: PrepConfig, snapshot: Path, seed: int) -> dict[str, list[dict]]:
    """ETHICS commonsense rows {label (1 = wrong), input}: `moral` = 1 - label, long scenarios dropped."""
    from lmrepro.common.hub import snapshot_rows

    rows = []
    for row in snapshot_rows(str(snapshot), split="commonsense"):
        if "label" not in row or "input" not in row:
            raise SystemExit(f"{snapshot}: ETHICS commonsense rows need 'label' and 'input', got {sorted(row)}")
        if row.get("is_short", True):
            rows.append({"text": " ".join(str(row["input"]).split()), "moral": 1 - int(row["label"])})
    unique = list({r["text"]: r for r in rows}.values())
    if len(unique) < cfg.n_pool + cfg.n_probe:
        raise SystemExit(f"{snapshot}: {len(unique)} distinct short scenarios, need n_pool + n_probe = "
                         f"{cfg.n_pool + cfg.n_probe}")
    random.Random(seed).shuffle(unique)
    return {"train": [], "pool": unique[:cfg.n_pool], "probe": unique[cfg.n_pool:cfg.n_pool + cfg.n_probe]}


def main() -> None:
    with Stage.from_argv("neurofeedback", "prep") as st:
        cfg = st.params("prep")
        world = st.params("world", AttributesConfig)
        seed = derive_seed(st.seed, "sentences")
        splits = from_hub(cfg, st.inp("hub_ethics"), seed) if cfg.source == "hub" else split_sentences(world, seed)
        with atomic_dir(st.out("data")) as tmp:
            for name, rows in splits.items():
                write_jsonl(tmp / f"{name}.jsonl", rows)
            if cfg.source == "world":
                from lmrepro.common.tokenizers import build_word_tokenizer

                build_word_tokenizer(vocabulary(world)).save_pretrained(tmp / "tokenizer")
        texts = {name: {r["text"] for r in rows} for name, rows in splits.items()}
        st.log_metrics({**{f"n_{name}": len(rows) for name, rows in splits.items()},
                        # sentences shared between splits (spec Acceptance A1: the pool is disjoint from the episodes)
                        "split_overlap": len(texts["pool"] & texts["probe"]) + len(texts["train"] & (texts["pool"]
                                                                                                   | texts["probe"])),
                        "probe_moral_share": sum(r["moral"] for r in splits["probe"]) / len(splits["probe"])})


if __name__ == "__main__":
    main()
