"""Prepare pcp's data: the reviews world's MLM corpus, a BPE tokenizer with a mask token, and per task a labelled
pool (each seed draws its k-shot set from it), an unlabelled pool and a test set.

    lmrepro stage pcp.prep --scale small --seed 0 --out data=data/small/pcp/seed0/prep \
        --out metrics=data/small/pcp/seed0/prep.json          (ci: --scale ci, data/ci/...)
    (paper: the LM-BFF k-shot splits of the GLUE-family datasets; not wired, see the config's paper notes)

Spec DAG step 1 (small: `lmrepro.worlds.reviews`). Runs once (shared_across_seeds): the unlabelled pool is
seed-independent, so one TAPT run serves every seed (spec Small scale). Output directory: corpus.jsonl,
tokenizer/, <task>/{labeled,unlabeled,test}.jsonl (rows carry `idx` and the gold `label`; the unlabelled rows'
labels are read only by the A3 check) and <task>/tapt.jsonl (the unlabelled texts, raw: TAPT's corpus).
"""
from __future__ import annotations

import random
from collections import Counter

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.pcp.method import TEMPLATES, raw_text, verbalizer_ids
from lmrepro.worlds import reviews as W

MASK_SPECIALS = {"pad_token": "<pad>", "bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>",
                 "mask_token": "<mask>"}


def main() -> None:
    from lmrepro.common.tokenizers import build_bpe_tokenizer

    with Stage.from_argv("pcp", "prep") as st:
        world_cfg, data = st.params("world"), st.params("data")
        world = W.make_world(world_cfg, derive_seed(st.seed, "world"))
        corpus = W.corpus(world, world_cfg, random.Random(derive_seed(st.seed, "corpus")))
        splits = {}
        for task in data.tasks:
            rng = random.Random(derive_seed(st.seed, "task", task))
            sizes = {"labeled": data.labeled_pool, "unlabeled": data.unlabeled, "test": data.test}
            splits[task] = {name: [{"idx": i, **row} for i, row in enumerate(W.task_examples(world, world_cfg, task,
                                                                                              n, rng))]
                            for name, n in sizes.items()}
        task_texts = [raw_text(task, row) for task in splits for rows in splits[task].values() for row in rows]
        tokenizer = build_bpe_tokenizer(corpus + task_texts, data.vocab_size, specials=MASK_SPECIALS)
        for task in data.tasks:  # single-token verbalizers, or the restricted softmax silently breaks
            verbalizer_ids(tokenizer, TEMPLATES[task].words)
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "corpus.jsonl", [{"text": line} for line in corpus])
            tokenizer.save_pretrained(tmp / "tokenizer")
            for task, named in splits.items():
                for name, rows in named.items():
                    write_jsonl(tmp / task / f"{name}.jsonl", rows)
                write_jsonl(tmp / task / "tapt.jsonl", [{"text": raw_text(task, row)} for row in named["unlabeled"]])
        metrics = {"corpus_lines": len(corpus), "vocab_size": len(tokenizer),
                   "corpus_tokens_mean": sum(len(tokenizer.encode(t)) for t in corpus[:500]) / min(500, len(corpus))}
        for task, named in splits.items():
            counts = Counter(row["label"] for row in named["test"])
            metrics[f"{task}_test_majority"] = max(counts.values()) / len(named["test"])
        st.log_metrics(metrics)
        print(metrics, flush=True)


if __name__ == "__main__":
    main()
