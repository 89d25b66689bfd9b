"""Prepare preflexor's data: the knowledge graph, its fact corpus, the retrieval index, questions, tokenizer.

    lmrepro stage preflexor.prep --scale small --seed 0 --out data=data/small/preflexor/seed0/prep \
        --out metrics=data/small/preflexor/seed0/prep.metrics.json

Spec DAG step 1 (build_corpus_index; small: the seeded knowledge graph of `lmrepro.worlds.kg`, whose triples are
the index the retriever reads). Every question row carries the teacher's thinking and answer (the two retrieved
facts, then the answer: the paper's teacher LLM with RAG context) and one fixed corrupted thinking and answer
(orpo_static's rejected). Paper scale: the paper's corpus is user-provided and its teacher an LLM; neither is
wired (the config's paper notes).

Output directory: kg.json, index.jsonl (triples), corpus.jsonl, train.jsonl, eval.jsonl, tokenizer/ (the base
vocabulary; add_special_tokens adds the thinking tokens).
"""
from __future__ import annotations

import json
import random

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.preflexor.thinking import PROMPT_WORDS
from lmrepro.worlds import kg as W


def question_rows(kg: W.KnowledgeGraph, rows: list[dict], seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for row in rows:
        thinking, answer = W.teacher_thinking(kg, row)
        static_thinking, static_answer = W.corrupted_thinking(kg, row, rng)
        out.append(row | {"thinking": thinking, "answer": answer, "static_thinking": static_thinking,
                          "static_answer": static_answer})
    return out


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("preflexor", "prep") as st:
        cfg = st.params("world", W.KGConfig)
        kg = W.build_graph(cfg, derive_seed(st.seed, "world"))
        lines = W.corpus(kg, cfg, derive_seed(st.seed, "corpus"))
        train, held_out = W.question_split(kg, cfg, derive_seed(st.seed, "split"))
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "kg.json").write_text(json.dumps(W.to_json(kg)))
            write_jsonl(tmp / "index.jsonl", [{"subject": s, "relation": r, "object": o} for s, r, o in kg.triples()])
            write_jsonl(tmp / "corpus.jsonl", [{"text": t} for t in lines])
            write_jsonl(tmp / "train.jsonl", question_rows(kg, train, derive_seed(st.seed, "static_train")))
            write_jsonl(tmp / "eval.jsonl", question_rows(kg, held_out, derive_seed(st.seed, "static_eval")))
            build_word_tokenizer([*kg.vocabulary(), *PROMPT_WORDS]).save_pretrained(tmp / "tokenizer")
        stats = {"n_facts": len(kg.triples()), "n_corpus_lines": len(lines), "n_train": len(train),
                 "n_eval": len(held_out), "vocab": len(kg.vocabulary()) + len(PROMPT_WORDS)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
