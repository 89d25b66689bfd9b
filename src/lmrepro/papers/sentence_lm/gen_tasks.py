"""gen_tasks (spec DAG): the reasoning problems and the tokenizer.

    lmrepro stage sentence_lm.gen_tasks --scale small --seed 0 --out data=data/small/sentence_lm/seed0/tasks \
        --out metrics=data/small/sentence_lm/seed0/tasks.metrics.json
    (paper: --in dataset=data/hub/datasets/whynlp/gsm8k-aug --in base=data/hub/openai-community/gpt2)

small/ci (`data.source: world`): state-tracking problems from `lmrepro.worlds.reasoning` ("ann has 3 apples .
she gets 4 . ... how many ?" with one "7 apples so far ." sentence per step), drawn from one seeded stream and cut
into train/val/test, plus a word-level tokenizer over the world's vocabulary. paper (`data.source: gsm8k`): the
GSM8K-Aug snapshot in the same row schema (steps = the iCoT equations), with the base model's tokenizer.

Output directory: train.jsonl, val.jsonl, test.jsonl (schema: lmrepro.worlds.reasoning), tokenizer/.
"""
from __future__ import annotations

import json

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.sentence_lm.params import DataConfig
from lmrepro.worlds import reasoning as R

SPLITS = ("train", "val", "test")


def from_world(cfg: DataConfig, wcfg: R.StateTrackConfig, seed: int) -> tuple[dict, object]:
    from lmrepro.common.tokenizers import build_word_tokenizer

    rows = R.generate_state_tracking(wcfg, derive_seed(seed, "problems"), cfg.n_train + cfg.n_val + cfg.n_test)
    cut = (cfg.n_train, cfg.n_train + cfg.n_val)
    splits = {"train": rows[:cut[0]], "val": rows[cut[0]:cut[1]], "test": rows[cut[1]:]}
    for name, part in splits.items():
        for i, row in enumerate(part):
            row["id"] = i
    return splits, build_word_tokenizer(R.vocabulary(wcfg))


def from_gsm8k(cfg: DataConfig, dataset, base) -> tuple[dict, object]:
    from lmrepro.common.models import load_tokenizer

    splits = {"train": R.load_gsm8k(dataset, "train")[:cfg.n_train], "val": R.load_gsm8k(dataset, "valid")[:cfg.n_val],
              "test": R.load_gsm8k(dataset, "test")[:cfg.n_test]}
    return splits, load_tokenizer(base)


def main() -> None:
    with Stage.from_argv("sentence_lm", "gen_tasks") as st:
        cfg = st.params("data", DataConfig)
        wcfg = st.params("world", R.StateTrackConfig)
        if cfg.source == "world":
            splits, tokenizer = from_world(cfg, wcfg, st.seed)
        else:
            splits, tokenizer = from_gsm8k(cfg, st.inp("dataset"), st.inp("base"))
        with atomic_dir(st.out("data")) as tmp:
            for name in SPLITS:
                R.write_jsonl(tmp / f"{name}.jsonl", splits[name])
            tokenizer.save_pretrained(tmp / "tokenizer")
        stats = {f"n_{name}": len(splits[name]) for name in SPLITS}
        stats["vocab_size"] = len(tokenizer)
        stats["mean_steps"] = sum(len(r["steps"]) for r in splits["train"]) / len(splits["train"])
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
