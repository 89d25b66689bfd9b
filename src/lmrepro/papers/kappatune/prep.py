"""Prepare kappatune's data: domain A (the base's fact corpus and the forgetting text), domain B (the review task).

    lmrepro stage kappatune.prep --scale small --seed 0 --out data=data/small/kappatune/seed0/prep \
        --out metrics=data/small/kappatune/seed0/prep.metrics.json
    (ci: --scale ci; paper: not wired, see the config's paper notes: tweet_eval irony and WikiText-2 replace it)

Spec DAG make_task (and the small base's corpus). Output directory: corpus.jsonl (domain A, {"text"}),
general_eval.jsonl (domain A, the forgetting text), task_train.jsonl / task_test.jsonl ({"prompt", "label",
"text"}), tokenizer/ (word level over both domains).
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.kappatune import domains as D
from lmrepro.papers.kappatune.params import DomainsConfig
from lmrepro.worlds.entities import KnowledgeConfig, build_knowledge


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("kappatune", "prep") as st:
        world = st.params("world", KnowledgeConfig)
        cfg = st.params("domains", DomainsConfig)
        kb = build_knowledge(world, derive_seed(st.seed, "world"))
        corpus = D.domain_a_lines(kb, cfg, cfg.corpus_lines, random.Random(derive_seed(st.seed, "corpus")))
        general = D.domain_a_lines(kb, cfg, cfg.general_eval_lines, random.Random(derive_seed(st.seed, "general")))
        adjs = D.adjectives(kb, cfg, random.Random(derive_seed(st.seed, "adjectives")))
        train, test = D.reviews(kb, cfg, adjs, random.Random(derive_seed(st.seed, "reviews")))
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "corpus.jsonl", [{"text": t} for t in corpus])
            write_jsonl(tmp / "general_eval.jsonl", [{"text": t} for t in general])
            write_jsonl(tmp / "task_train.jsonl", train)
            write_jsonl(tmp / "task_test.jsonl", test)
            (tmp / "adjectives.json").write_text(json.dumps(adjs))
            build_word_tokenizer(D.vocabulary(kb, adjs)).save_pretrained(tmp / "tokenizer")
        stats = {"n_facts": len(kb.triples), "n_corpus_lines": len(corpus), "n_general_eval": len(general),
                 "n_task_train": len(train), "n_task_test": len(test), "vocab": len(D.vocabulary(kb, adjs))}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
