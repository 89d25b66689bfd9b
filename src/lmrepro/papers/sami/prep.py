"""Prepare SAMI's data: constitutions (principles + antitheses), train/test queries, the base pretraining corpus.

    lmrepro stage sami.prep --scale small --seed 0 --out data=data/small/sami/seed0/prep --out metrics=...

Spec DAG steps 1-2 (write_constitutions, prep_queries). At small scale everything comes from the seeded
`principles` world (lmrepro.worlds.principles): 8 constitutions (6 train, 2 held out), "describe <entity>"
queries split by entity, and a corpus of "constitution : c query : x answer : y" rows in which each principle is
obeyed with probability p_obey (a *weak* principle-behaviour link, as in a base LM). At paper scale
(`prep.source: hh_rlhf`) the queries are the first human turns of single-turn Anthropic/hh-rlhf dialogues read
from the hub snapshot, and the constitutions are the ones listed in the config (the paper's were written by
claude-opus, an API call not made here).

Output directory: constitutions.json, queries_train.jsonl, queries_test.jsonl, corpus.jsonl (world only),
world.json (world only), tokenizer/ (world only; paper scale uses the base model's tokenizer).
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.sami.method import PromptConfig, render_prompt
from lmrepro.papers.sami.params import PrepConfig
from lmrepro.worlds import principles as W


def from_world(cfg: PrepConfig, wcfg: W.PrinciplesWorldConfig, pcfg: PromptConfig, seed: int, tmp: Path) -> dict:
    from lmrepro.common.io import write_json, write_jsonl
    from lmrepro.common.tokenizers import build_word_tokenizer

    world = W.build_world(wcfg, derive_seed(seed, "world"))
    n = len(world.names)
    if cfg.n_train_queries + cfg.n_test_queries > n:
        raise ValueError(f"prep: {cfg.n_train_queries} + {cfg.n_test_queries} queries need that many entities "
                         f"(world.n_entities = {n})")
    order = list(range(n))
    random.Random(derive_seed(seed, "split")).shuffle(order)
    split = {"train": order[:cfg.n_train_queries],
             "test": order[cfg.n_train_queries:cfg.n_train_queries + cfg.n_test_queries]}
    for name, ents in split.items():
        write_jsonl(tmp / f"queries_{name}.jsonl",
                    [{"text": f"describe {world.names[e]}", "entity": e} for e in ents])
    consts = []
    for split_name, group in (("train", world.train_constitutions), ("heldout", world.heldout_constitutions)):
        for bits in group:
            consts.append({"id": len(consts), "bits": list(bits), "split": split_name,
                           "principles": W.principle_sentences(bits)})
    write_json(tmp / "constitutions.json", consts)
    # The base model sees every constitution (weakly linked); SAMI later trains on the train split only.
    corpus = W.sample_corpus(world, cfg.n_corpus_rows, derive_seed(seed, "corpus"))
    for row in corpus:  # the method's prompt renderer must reproduce the world's prompts byte for byte
        principles = None if row["bits"] is None else W.principle_sentences(tuple(row["bits"]))
        if row["prompt"] != render_prompt(pcfg, principles, f"describe {world.names[row['entity']]}",
                                          tuple(row["order"])):
            raise ValueError(f"prompt config {pcfg} does not render the world's prompt {row['prompt']!r}")
    write_jsonl(tmp / "corpus.jsonl", corpus)
    write_json(tmp / "world.json", world.to_json())
    tokenizer = build_word_tokenizer(world.vocabulary())
    tokenizer.save_pretrained(tmp / "tokenizer")
    unconditioned = sum(r["bits"] is None for r in corpus)
    base_rate = sum(W.adherence(r["response"], tuple(r["bits"])) for r in corpus if r["bits"] is not None) / \
        max(1, len(corpus) - unconditioned)
    return {"n_entities": n, "vocab_size": len(tokenizer), "n_corpus_rows": len(corpus),
            "corpus_adherence": base_rate, "n_constitutions": len(consts),
            "n_train_queries": len(split["train"]), "n_test_queries": len(split["test"])}


def first_human_turn(dialogue: str) -> str | None:
    """The human's text of a single-turn hh-rlhf dialogue ('\\n\\nHuman: ...\\n\\nAssistant: ...'), else None."""
    if dialogue.count("\n\nHuman:") != 1:
        return None
    return dialogue.split("\n\nHuman:", 1)[1].split("\n\nAssistant:", 1)[0].strip()


def from_hh_rlhf(cfg: PrepConfig, dataset: Path, seed: int, tmp: Path) -> dict:
    from lmrepro.common.io import write_json, write_jsonl

    queries = {"train": [], "test": []}
    for name in queries:
        for path in sorted(dataset.glob(f"*/{name}.jsonl.gz")):
            with gzip.open(path, "rt") as fh:
                for line in fh:
                    q = first_human_turn(json.loads(line)["chosen"])
                    if q:
                        queries[name].append({"text": q})
    rng = random.Random(derive_seed(seed, "split"))
    for name, n in (("train", cfg.n_train_queries), ("test", cfg.n_test_queries)):
        rng.shuffle(queries[name])
        write_jsonl(tmp / f"queries_{name}.jsonl", queries[name][:n])
    write_json(tmp / "constitutions.json", [{"id": i, **c} for i, c in enumerate(cfg.constitutions)])
    return {"n_train_queries": min(n, len(queries["train"])), "n_constitutions": len(cfg.constitutions)}


def main() -> None:
    with Stage.from_argv("sami", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        pcfg = st.params("prompt", PromptConfig)
        with atomic_dir(st.out("data")) as tmp:
            if cfg.source == "world":
                stats = from_world(cfg, st.params("world", W.PrinciplesWorldConfig), pcfg, st.seed, tmp)
            else:
                stats = from_hh_rlhf(cfg, st.inp("dataset"), st.seed, tmp)
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
