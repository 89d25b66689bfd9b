"""Karel programs for LM training and for probing, with the word-level tokenizer (spec DAG `gen_karel`).

    lmrepro stage karel_meaning.gen_karel --scale small --seed 0 --out data=data/small/karel_meaning/seed0/karel \
        --out metrics=data/small/karel_meaning/seed0/karel.metrics.json

Writes lm_train.jsonl (programs the LM trains on) and heldout.jsonl (programs it never sees: the probe set and
the specifications for generative accuracy), rows in the worlds.programs schema. Programs shorter than
`min_train_length` are kept out of LM training, as the paper's `--lengths_to_filter 1 2 3 4 5` does.
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.karel_meaning.params import DataConfig
from lmrepro.worlds.programs import ProgramsConfig, generate, vocabulary


def main() -> None:
    with Stage.from_argv("karel_meaning", "gen_karel") as st:
        world = st.params("world", ProgramsConfig)
        cfg = st.params("data", DataConfig)
        lm_rows = [r for r in generate(world, st.seed, cfg.n_lm_train)
                   if len(r["program"]) >= cfg.min_train_length]
        heldout = generate(world, st.seed, cfg.n_heldout, start_id=cfg.n_lm_train)  # a disjoint id range
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "lm_train.jsonl", lm_rows)
            write_jsonl(tmp / "heldout.jsonl", heldout)
            build_word_tokenizer(vocabulary(world)).save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_lm_train": len(lm_rows), "n_heldout": len(heldout),
                        "mean_program_length": sum(len(r["program"]) for r in lm_rows) / len(lm_rows)})


if __name__ == "__main__":
    main()
