"""Data for every stage (spec DAG: world_gen, build_benchmark, build_stage1, build_stage2): the world, the
word-level tokenizer, the cleaned benchmark split by sibling group (train / test persons disjoint), the stage-1
cognition rows (2 per train item) and the stage-2 PSQA rows (1 answerable row and 1 unanswerable row per train
item; finetune mixes them with the cognition rows at its arm's refusal slice).

    lmrepro stage uncertainty_tuning.prep --scale small --seed 0 --out data=data/small/uncertainty_tuning/seed0/prep \
        --out metrics=data/small/uncertainty_tuning/seed0/prep.metrics.json
    (--scale ci: a few persons and items; --scale paper: the same world, ASQA/HotpotQA are not wired, see config)
"""
from __future__ import annotations

import random
from dataclasses import asdict

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.uncertainty_tuning import formats as F
from lmrepro.papers.uncertainty_tuning.data import benchmark_items, cognition_rows, psqa_row
from lmrepro.papers.uncertainty_tuning.params import BenchmarkConfig, PSQAConfig
from lmrepro.worlds.context_qa import ContextQAConfig, build_world


def main() -> None:
    with Stage.from_argv("uncertainty_tuning", "prep") as st:
        world_cfg = st.params("world", ContextQAConfig)
        bench_cfg = st.params("benchmark", BenchmarkConfig)
        psqa_cfg = st.params("psqa", PSQAConfig)
        world = build_world(world_cfg, derive_seed(st.seed, "world"), tuple(F.vocabulary()))
        tokenizer = build_word_tokenizer([*world.vocabulary(), *F.vocabulary()])

        n_train = bench_cfg.items_per_train_person * len(world.persons["train"])
        train, dropped_train = benchmark_items(world, bench_cfg, "train", n_train,
                                               random.Random(derive_seed(st.seed, "benchmark_train")))
        test, dropped_test = benchmark_items(world, bench_cfg, "test", bench_cfg.n_test_items,
                                             random.Random(derive_seed(st.seed, "benchmark_test")))
        cognition = [row for item in train for row in cognition_rows(item)]
        rng = random.Random(derive_seed(st.seed, "psqa"))
        psqa = [psqa_row(world, rng, psqa_cfg, bench_cfg.facts, answerable=True) for _ in train]
        refusals = [psqa_row(world, rng, psqa_cfg, bench_cfg.facts, answerable=False) for _ in train]

        with atomic_dir(st.out("data")) as out:
            write_json(out / "world.json", asdict(world))
            tokenizer.save_pretrained(out / "tokenizer")
            write_jsonl(out / "benchmark_train.jsonl", train)
            write_jsonl(out / "benchmark_test.jsonl", test)
            write_jsonl(out / "cognition.jsonl", cognition)
            write_jsonl(out / "psqa.jsonl", psqa)
            write_jsonl(out / "psqa_refusal.jsonl", refusals)
        st.log_metrics({"n_persons_train": len(world.persons["train"]), "n_persons_test": len(world.persons["test"]),
                        "n_benchmark_train": len(train), "n_benchmark_test": len(test),
                        "pairs_dropped_by_cleaning": dropped_train + dropped_test, "vocab_size": len(tokenizer),
                        "share_sibling_neg_test": sum(i["neg_kind"] == "sibling" for i in test) / len(test)})


if __name__ == "__main__":
    main()
