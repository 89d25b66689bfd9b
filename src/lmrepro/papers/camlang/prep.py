"""Build Camlang and translate the items (spec DAG steps 1-2: build_language, translate_items).

    lmrepro stage camlang.prep --scale small --seed 0 --out data=data/small/camlang/seed0/prep \
        --out metrics=data/small/camlang/seed0/prep.metrics.json
    (ci: the same with --scale ci; paper: the same world, since Camlang-CSQA-v0 is not released, see config notes)

The world (lmrepro.worlds.camlang, seed stream "world") gives the grammar book (rule objects + text), the lemma
dictionary and the test items (seed stream "test_items"): each in English and in Camlang, with its gold option
and its rule tag (lexical | case | negation | evidentiality). The QA model learns the items' facts in English as
fact QA: every wh-question of every fact (the knowledge CommonsenseQA takes as known); the test questions are in
English among them, as CSQA's English items are answerable by the paper's models (S-EN is the known-answer
control), and are never seen in Camlang.

Output directory: grammar_rules.json, grammar_book.txt, dictionary.json, test.jsonl, train.jsonl
({"prompt", "answer"}, English), tokenizer/ (English words and the prompt frame).
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.camlang.params import ItemsConfig
from lmrepro.papers.camlang.qa import FRAME_WORDS, prompt_text
from lmrepro.worlds import camlang as W
from lmrepro.worlds import languages as L


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("camlang", "prep") as st:
        cfg = st.params("world", W.CamlangConfig)
        sizes = st.params("items", ItemsConfig)
        world = W.build(cfg, derive_seed(st.seed, "world"))
        rules, book = W.grammar_book(world)
        order_rng = random.Random(derive_seed(st.seed, "scrambling"))
        test = []
        items = W.make_items(cfg, sizes.n_test, derive_seed(st.seed, "test_items"))
        for item in items:
            text = W.render_item(world, item, order_rng)
            test.append({k: item[k] for k in ("stratum", "rule", "slot", "answer")} | text)
        facts = {W.render_en(world.en, f): f for item in items for f in item["facts"]}
        train = [{"prompt": prompt_text(W.to_english(world, question, slot)), "answer": fact[slot]}
                 for fact in facts.values() for question, slot in W.fact_questions(fact)]
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "grammar_rules.json").write_text(json.dumps(rules, indent=1))
            (tmp / "grammar_book.txt").write_text(book + "\n")
            (tmp / "dictionary.json").write_text(json.dumps(W.dictionary(world), indent=1))
            write_jsonl(tmp / "test.jsonl", test)
            write_jsonl(tmp / "train.jsonl", train)
            vocabulary = [*L.vocabulary(world.en), W.EN_WH, "?", *FRAME_WORDS]
            build_word_tokenizer(vocabulary).save_pretrained(tmp / "tokenizer")
        stats = {"n_test": len(test), "n_facts": len(facts), "n_train": len(train), "n_rules": len(rules),
                 "n_dictionary": len(W.dictionary(world)),
                 **{f"n_test_{r}": sum(t["rule"] == r for t in test) for r in ("lexical", *W.MORPH_RULES)}}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
