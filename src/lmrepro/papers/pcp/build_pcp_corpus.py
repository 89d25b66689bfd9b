"""Write the PCP corpus: every unlabelled row as its template with the teacher's pseudo-label word in place of
the mask (spec DAG step 6; repo src/convert_to_pretrain_pcp.py), and the A3 sanity figure.

    R=results/small/pcp/runs/seed0   (ci: --scale ci, results/ci/...)
    lmrepro stage pcp.build_pcp_corpus --scale small --seed 0 --set run.task=sentiment \
        --in data=data/small/pcp/seed0/prep --in predictions=$R/pseudo_sentiment.jsonl \
        --out corpus=$R/pcp_corpus_sentiment.jsonl --out metrics=$R/build_pcp_corpus_sentiment.json

A3: the share of lines whose verbalizer word (read back from the text) is the gold label's word; it equals the
teacher's accuracy on the pool exactly when the label -> word mapping is right.
"""
from __future__ import annotations

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.pcp.method import TEMPLATES, pcp_corpus, task_fields


def main() -> None:
    with Stage.from_argv("pcp", "build_pcp_corpus") as st:
        task = st.params("run").task
        template = TEMPLATES[task]
        rows = read_jsonl(st.inp("data") / task / "unlabeled.jsonl")
        lines = pcp_corpus(task, rows, read_jsonl(st.inp("predictions")))
        gold = {row["idx"]: row for row in rows}
        words = [template.word_in(task_fields(task, gold[line["idx"]]), line["text"]) for line in lines]
        match = sum(word == template.words[gold[line["idx"]]["label"]] for word, line in zip(words, lines))
        write_jsonl(st.out("corpus"), [{"text": line["text"]} for line in lines])
        st.log_metrics({"lines": len(lines), "label_word_match": match / len(lines),
                        "example": lines[0]["text"]})


if __name__ == "__main__":
    main()
