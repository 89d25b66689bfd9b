"""Semantic chunks from the assistant LLM (paper §3; spec DAG `segment`), for the official sentences.

    paper: lmrepro stage spt.segment --scale paper --seed 0 --in facts=data/paper/spt/seed0/facts \
               --in hub_segmenter=data/hub/lmsys/vicuna-13b-v1.5 --out data=data/paper/spt/seed0/chunked \
               --out metrics=data/paper/spt/seed0/segment.json

Each distinct training sentence is put to the LLM once (greedy); its "chunk | chunk | ..." answer replaces the
rule chunks only when it passes `valid_split` (the sentence's words, in order, no name or title cut apart; spec
pitfall), else the rule chunks stay. The share of sentences whose LLM split was kept is logged: a low share means
SPT trained mostly on rule chunks. persons.json and probes.jsonl are copied unchanged.
"""
from __future__ import annotations

import shutil

from lmrepro.common.generation import generate
from lmrepro.common.io import atomic_dir, read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.spt.official import parse_split, training_chunks, valid_split
from lmrepro.papers.spt.params import SegmentConfig


def main() -> None:
    with Stage.from_argv("spt", "segment") as st:
        cfg = st.params("segment", SegmentConfig)
        facts = read_jsonl(st.inp("facts") / "facts.jsonl")
        tokenizer, model = load_tokenizer(st.inp("hub_segmenter")), load_model(st.inp("hub_segmenter")).eval()
        sentences = sorted({f["text"] for f in facts})
        prompts = [tokenizer(cfg.prompt.format(sentence=s))["input_ids"] for s in sentences]
        answers, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0,
                              seed=st.seed, batch_size=cfg.batch)
        chunks = {}
        for sentence, answer in zip(sentences, answers):
            split = parse_split(tokenizer.decode(answer, skip_special_tokens=True))
            if valid_split(sentence, split):
                chunks[sentence] = training_chunks(split)
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "facts.jsonl", [{**f, "chunks": chunks.get(f["text"], f["chunks"])} for f in facts])
            for name in ("persons.json", "probes.jsonl"):
                shutil.copyfile(st.inp("facts") / name, tmp / name)
        st.log_metrics({"n_sentences": len(sentences), "llm_split_kept": len(chunks) / len(sentences)})


if __name__ == "__main__":
    main()
