"""Build each test prompt's external knowledge trie from the triples of its retrieved documents.

    lmrepro stage kid.build_trie --scale small --seed 0 --in data=data/small/kid/seed0/prep \
        --in retrieved=results/small/kid/runs/seed0/retrieved.jsonl \
        --out tries=results/small/kid/runs/seed0/tries.jsonl --out metrics=results/small/kid/runs/seed0/build_trie.json

Spec DAG `build_trie` (paper: coreference + OpenIE triples of the retrieved passages, "subject object" noun
strings in a marisa trie; small: the world's triples of the retrieved documents, whose entities are already
lemmatised lowercase words). Output rows {"id", "keys"}; metrics: keys per trie and how often the trie's keys hold
every value of the reference (what KID can at best recall).
"""
from __future__ import annotations

from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.papers.kid.knowledge import trie_keys


def main() -> None:
    with Stage.from_argv("kid", "build_trie") as st:
        docs = {d["id"]: d for d in read_jsonl(st.inp("data") / "docs.jsonl")}
        test = {r["id"]: r for r in read_jsonl(st.inp("data") / "test.jsonl")}
        rows, covered = [], 0
        for hit in read_jsonl(st.inp("retrieved")):
            keys = sorted(set(trie_keys([t for i in hit["docs"] for t in docs[i]["triples"]])))
            rows.append({"id": hit["id"], "keys": keys})
            words = {w for k in keys for w in k.split()}
            covered += all(v in words for v in test[hit["id"]]["values"])
        write_jsonl(st.out("tries"), rows)
        st.log_metrics({"keys_per_trie": sum(len(r["keys"]) for r in rows) / len(rows),
                        "reference_values_covered": covered / len(rows)})


if __name__ == "__main__":
    main()
