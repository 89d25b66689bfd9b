"""Prepare kid's task: the typed knowledge world, the LM corpus, the entity documents, test prompts, tokenizer.

    lmrepro stage kid.prep --scale small --seed 0 --out data=data/small/kid/seed0/prep \
        --out metrics=data/small/kid/seed0/prep.metrics.json
    (ci: --scale ci; paper: the same world, see the config's paper notes)

Spec DAG `world_gen` + `prep_task` (small: `lmrepro.worlds.entities.build_knowledge`). The `n_test` test entities'
facts never appear in the corpus: the LM can name them and write the answer's frame but must guess their
attributes. Training entities appear as their document (5 fact sentences, the stand-in Wikipedia page) and as
"tell me about NAME ." followed by their reference answer.

Output directory: corpus.jsonl (LM lines), docs.jsonl (every entity's document with its triples: the retrieval
index), test.jsonl (prompt, reference, its values, all true values), lexicon.json (POS tag per word, the value
words), tokenizer/.
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.kid.params import TaskConfig
from lmrepro.worlds import entities as W

EXTRA_WORDS = ("and",)  # the reference joins its facts with "and"
VALUE_TYPES = ("town", "job", "food", "river")


def documents(kb: W.KnowledgeBase, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i, person in enumerate(kb.entities["person"]):
        facts = kb.of(person)
        town = next(t for t in facts if t["relation"] == "lives_in")["object"]
        triples = [{k: t[k] for k in ("subject", "relation", "object")} for t in [*facts, *kb.of(town)]]
        rows.append({"id": i, "entity": person, "text": " ".join(W.entity_document(kb, person, rng)),
                     "triples": triples})
    return rows


def true_values(kb: W.KnowledgeBase, person: str) -> list[str]:
    facts = kb.of(person)
    town = next(t for t in facts if t["relation"] == "lives_in")["object"]
    return sorted({t["object"] for t in [*facts, *kb.of(town)]})


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("kid", "prep") as st:
        world, task = st.params("world", W.KnowledgeConfig), st.params("task", TaskConfig)
        if task.n_test >= world.n_persons:
            raise SystemExit(f"kid.params.task.n_test ({task.n_test}) must be below world.n_persons "
                             f"({world.n_persons}): the LM needs training entities")
        kb = W.build_knowledge(world, derive_seed(st.seed, "world"))
        persons = list(kb.entities["person"])
        random.Random(derive_seed(st.seed, "split")).shuffle(persons)
        test, train = set(persons[:task.n_test]), persons[task.n_test:]
        docs = documents(kb, derive_seed(st.seed, "docs"))
        lines = [d["text"] for d in docs if d["entity"] not in test for _ in range(task.doc_copies)]
        for person in train:
            ref = W.reference_answer(kb, person, task.reference_relations)
            lines += [f"{ref['prompt']} {ref['reference']}"] * task.answer_copies
        random.Random(derive_seed(st.seed, "corpus")).shuffle(lines)
        rows = []
        for i, person in enumerate(persons[:task.n_test]):
            ref = W.reference_answer(kb, person, task.reference_relations)
            rows.append({"id": i, "person": person, "prompt": ref["prompt"], "reference": ref["reference"],
                         "values": ref["values"], "true_values": true_values(kb, person)})
        pos_tags = kb.pos_tags() | {w: "X" for w in EXTRA_WORDS}
        value_words = sorted(w for t in VALUE_TYPES for w in kb.entities[t])
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "corpus.jsonl", [{"text": t} for t in lines])
            write_jsonl(tmp / "docs.jsonl", docs)
            write_jsonl(tmp / "test.jsonl", rows)
            (tmp / "lexicon.json").write_text(json.dumps({"pos_tags": pos_tags, "value_words": value_words}))
            build_word_tokenizer([*kb.vocabulary(), *EXTRA_WORDS]).save_pretrained(tmp / "tokenizer")
        stats = {"n_corpus_lines": len(lines), "n_docs": len(docs), "n_test": len(rows),
                 "vocab": len(kb.vocabulary()) + len(EXTRA_WORDS)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
