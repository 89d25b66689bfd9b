"""Prepare sar's task: the typed knowledge world, the LM corpus, held-out test questions, the tokenizer.

    lmrepro stage sar.prep --scale small --seed 0 --out data=data/small/sar/seed0/prep \
        --out metrics=data/small/sar/seed0/prep.metrics.json
    (ci: --scale ci; paper: the same world, see the config's paper notes)

Spec DAG `world_gen` + `prep_data` (small: `lmrepro.worlds.entities.build_knowledge`). Every person fact is stated
in the corpus 0, 1, 2 or 8 times (equal shares); `n_test` person facts, in equal shares per exposure level, are the
test questions. QA pairs ("where does NAME live ? i think it is VALUE .") follow `task.qa_schedule`: `held_out`
(spec) never shows a test fact's QA pair and shows every other stated fact's; `exposure` shows every fact's QA pair
as often as its sentence. Each QA copy has a uniformly drawn filler frame, so the frame carries ~log 8 nats that
say nothing about correctness while the value carries what the LM memorised.

Output directory: corpus.jsonl (LM lines), questions.jsonl (id, question, value, reference, exposures),
values.json (the key-value words: the equivalence oracle), tokenizer/.
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.sar.params import TaskConfig
from lmrepro.worlds import entities as W

VALUE_TYPES = ("town", "job", "food", "river")


def held_out_facts(kb: W.KnowledgeBase, n_test: int, levels: tuple[int, ...], seed: int) -> list[int]:
    """Triple ids of `n_test` person facts, n_test // len(levels) per exposure level (the remainder from the
    lowest levels), in a seeded order."""
    rng = random.Random(seed)
    person_types = set(W.PERSON_RELATIONS)
    chosen: list[int] = []
    for i, level in enumerate(levels):
        pool = [t["id"] for t in kb.triples if t["relation"] in person_types and t["exposures"] == level]
        want = n_test // len(levels) + (1 if i < n_test % len(levels) else 0)
        if want > len(pool):
            raise ValueError(f"exposure level {level}: {want} test facts wanted, only {len(pool)} exist")
        chosen += rng.sample(pool, want)
    rng.shuffle(chosen)
    return chosen


def corpus_lines(kb: W.KnowledgeBase, held_out: set[int], task: TaskConfig, seed: int) -> tuple[list[str], int]:
    """LM lines, shuffled: every fact sentence at its exposure count, plus QA pairs, each copy in a fresh frame:
    `held_out`: the QA pair of every person fact stated at least once and not held out, `qa_copies` times;
    `exposure`: every person fact's QA pair as many times as its sentence. Returns the lines and the QA count."""
    person_facts = [t for t in kb.triples if t["relation"] in W.PERSON_RELATIONS]
    if task.qa_schedule == "held_out":
        qa_ids = [t["id"] for t in person_facts if t["exposures"] > 0 and t["id"] not in held_out] * task.qa_copies
    else:
        qa_ids = [t["id"] for t in person_facts for _ in range(t["exposures"])]
    qa_rows = W.qa_pairs(kb, qa_ids, derive_seed(seed, "qa"))
    lines = W.exposure_corpus(kb, derive_seed(seed, "facts")) + [f"{r['question']} {r['answer']}" for r in qa_rows]
    random.Random(derive_seed(seed, "corpus")).shuffle(lines)
    return lines, len(qa_rows)


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("sar", "prep") as st:
        world, task = st.params("world", W.KnowledgeConfig), st.params("task", TaskConfig)
        kb = W.build_knowledge(world, derive_seed(st.seed, "world"))
        test_ids = held_out_facts(kb, task.n_test, tuple(world.exposure_levels), derive_seed(st.seed, "split"))
        lines, n_qa = corpus_lines(kb, set(test_ids), task, st.seed)
        questions = [{"id": i, "triple": tid, "question": W.question_text(kb.triples[tid]),
                      "value": kb.triples[tid]["object"], "reference": kb.triples[tid]["object"],
                      "exposures": kb.triples[tid]["exposures"]} for i, tid in enumerate(test_ids)]
        values = sorted(w for t in VALUE_TYPES for w in kb.entities[t])
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "corpus.jsonl", [{"text": t} for t in lines])
            write_jsonl(tmp / "questions.jsonl", questions)
            (tmp / "values.json").write_text(json.dumps(values))
            build_word_tokenizer(kb.vocabulary()).save_pretrained(tmp / "tokenizer")
        stats = {"n_corpus_lines": len(lines), "n_qa_lines": n_qa, "n_test": len(questions),
                 "vocab": len(kb.vocabulary())}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
