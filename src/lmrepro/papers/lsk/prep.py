"""Prepare one seed's MC items in every language, the LM corpus and the shared tokenizer (spec: DAG 1, prep_data).

    small/ci: lmrepro stage lsk.prep --scale small --seed 0 --out data=data/small/lsk/seed0/prep \
                  --out metrics=data/small/lsk/seed0/prep.metrics.json
    paper:    same command; data.source=files reads <data.items_dir>/<Language>.jsonl (the repo's translated items)

Outputs (`data`): items.jsonl (one row per query: id, split, culture, query_en, answer, langs: {lang: {prompt,
options}}), languages.json (sorted), and at source=world corpus.jsonl (fact sentences in the languages that state
them, generic sentences in every language: rows {kind, lang, text}) and tokenizer/ (BPE over all of it).
Splits: the first n_train items of a seeded shuffle are train, the next n_test test (repo: [:NUM_TRAIN] and
[-NUM_TEST:] of each language file, which source=files keeps).
"""
from __future__ import annotations

import random
from pathlib import Path

from lmrepro.common.io import atomic_dir, read_jsonl, write_json, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.papers.lsk import world as lsk_world
from lmrepro.papers.lsk.params import DataConfig, TokenizerConfig


def world_items(st: Stage, cfg: DataConfig) -> tuple[list[dict], list[dict], list[str]]:
    world_cfg = st.params("world")
    world = lsk_world.build(world_cfg, derive_seed(st.seed, "world"))
    langs = lsk_world.named_languages(world)
    items = lsk_world.mc_items(world, langs, derive_seed(st.seed, "items"))
    if cfg.n_train + cfg.n_test > len(items):
        raise ValueError(f"data.n_train + data.n_test = {cfg.n_train + cfg.n_test} exceeds the world's "
                         f"{len(items)} facts; raise world.entities_per_culture / neutral_entities")
    random.Random(derive_seed(st.seed, "split")).shuffle(items)
    items = items[: cfg.n_train + cfg.n_test]
    for i, item in enumerate(items):
        item["split"] = "train" if i < cfg.n_train else "test"
    facts = [dict(row, kind="fact") for row in lsk_world.fact_sentences(world, langs)]
    generic = [dict(row, kind="generic") for row in
               lsk_world.generic_sentences(world, cfg.n_generic, derive_seed(st.seed, "generic"))]
    st.log_metrics({"n_fact_sentences": len(facts), "n_generic_sentences": len(generic),
                    "homelands": world["homelands"],
                    **{f"n_items_{c}": sum(it["culture"] == c for it in items)
                       for c in sorted({it["culture"] for it in items})}})
    return items, facts + generic, sorted(langs)


def file_items(cfg: DataConfig) -> list[dict]:
    """The repo's per-language tables: row r of every language file is the same query, translated."""
    tables = {lang: read_jsonl(Path(cfg.items_dir) / f"{lang}.jsonl") for lang in cfg.languages}
    n = len(tables[cfg.english])
    if any(len(rows) != n for rows in tables.values()) or cfg.n_train + cfg.n_test > n:
        raise ValueError(f"{cfg.items_dir}: every language needs the same {n} rows, >= n_train + n_test")
    items = []
    for r, split in [(r, "train") for r in range(cfg.n_train)] + [(r, "test") for r in range(n - cfg.n_test, n)]:
        en = tables[cfg.english][r]
        items.append({"id": en["id"], "split": split, "culture": en.get("country"), "query_en": en["input"],
                      "answer": int(en["answer"]), "stated_in": [],
                      "langs": {lang: {"prompt": rows[r]["input"], "options": list(rows[r]["choices"])}
                                for lang, rows in tables.items()}})
    return items


def main() -> None:
    with Stage.from_argv("lsk", "prep") as st:
        cfg = st.params("data", DataConfig)
        corpus, tokenizer = [], None
        if cfg.source == "world":
            items, corpus, languages = world_items(st, cfg)
            tokenizer = build_bpe_tokenizer([row["text"] for row in corpus], st.params("tokenizer",
                                                                                        TokenizerConfig).vocab_size)
        else:
            items, languages = file_items(cfg), sorted(cfg.languages)
        if cfg.english not in languages:
            raise ValueError(f"data.english={cfg.english!r} is not among the languages {languages}")
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "items.jsonl", items)
            write_json(tmp / "languages.json", languages)
            if corpus:
                write_jsonl(tmp / "corpus.jsonl", corpus)
            if tokenizer is not None:
                tokenizer.save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_items": len(items), "n_train": sum(i["split"] == "train" for i in items),
                        "n_test": sum(i["split"] == "test" for i in items), "languages": languages})
        print("item:", items[0])


if __name__ == "__main__":
    main()
