"""Prepare one seed's corpora, dictionary, QA and original tokenizer (spec: DAG 1, `prep_corpus`).

    small/ci: lmrepro stage chocollama.prep --scale small --seed 0 --out data=data/small/chocollama/seed0/prep \
                  --out metrics=data/small/chocollama/seed0/prep.metrics.json
    paper:    ... --in hub_nl_text=data/hub/datasets/oscar-corpus/OSCAR-2301   (corpus.source=text)

Small/ci (corpus.source=world): the seed's world (world.py), independent samples of English and NL* sentences
(en_train.txt, nl_train.txt: not translations of each other), 300 held-out NL* sentences (nl_heldout.txt), the
NL*->EN dictionary (dictionary.tsv, ~70% of the lemmas plus function words), the NL* fact QA (qa.jsonl) and the
original byte-level BPE (tokenizer/), trained on base A's mixture (98% EN): English-centric, like Llama-2's.
Paper (corpus.source=text): Dutch lines from the hub snapshot and the dictionary file named by corpus.dictionary;
the original tokenizer is the base model's own, and qa.jsonl is empty (the translated benchmarks run elsewhere).
"""
from __future__ import annotations

import json
from pathlib import Path

from lmrepro.common.hub import snapshot_lines
from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.papers.chocollama import world as chocolate
from lmrepro.papers.chocollama.params import CorpusConfig, TokenizerConfig, WorldConfig


def read_dictionary(path: str | Path) -> dict[str, str]:
    """`dutch<TAB>english` lines -> {dutch: english} (the first translation of a word wins)."""
    out: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        if line.strip():
            parts = line.split("\t")
            if len(parts) != 2:
                raise ValueError(f"{path}:{n}: expected 'dutch<TAB>english', got {line!r}")
            out.setdefault(parts[0].strip(), parts[1].strip())
    return out


def main() -> None:
    with Stage.from_argv("chocollama", "prep") as st:
        cfg = st.params("corpus", CorpusConfig)
        tok_cfg = st.params("tokenizer", TokenizerConfig)
        en_train, qa, tokenizer = [], [], None
        if cfg.source == "world":
            world_cfg = st.params("world", WorldConfig)
            world = chocolate.build(world_cfg, derive_seed(st.seed, "world"))
            en_train = chocolate.sentences(world, "en", cfg.n_en, world_cfg.p_fact, derive_seed(st.seed, "en"))
            nl_train = chocolate.sentences(world, "nl", cfg.n_nl, world_cfg.p_fact, derive_seed(st.seed, "nl"))
            nl_heldout = chocolate.sentences(world, "nl", cfg.n_heldout, world_cfg.p_fact,
                                             derive_seed(st.seed, "heldout"))
            dictionary = world["dictionary"]
            qa = chocolate.qa_items(world, derive_seed(st.seed, "qa"))
            n_orig_nl = round(len(en_train) * tok_cfg.orig_nl_frac / (1 - tok_cfg.orig_nl_frac))
            tokenizer = build_bpe_tokenizer(en_train + nl_train[:n_orig_nl], tok_cfg.vocab_size)
            st.log_metrics({"n_cognates": len(world["nl"].cognates), "n_concepts": len(world["nl"].forms),
                            "n_qa": len(qa), "orig_tokenizer_nl_lines": n_orig_nl})
        else:
            lines = [line for _, line in snapshot_lines(st.inp("hub_nl_text"), cfg.n_nl + cfg.n_heldout,
                                                        cfg.text_field, cfg.nl_pattern)]
            nl_heldout, nl_train = lines[: cfg.n_heldout], lines[cfg.n_heldout:]
            dictionary = read_dictionary(cfg.dictionary)
        with atomic_dir(st.out("data")) as tmp:
            for name, rows in (("en_train", en_train), ("nl_train", nl_train), ("nl_heldout", nl_heldout)):
                (tmp / f"{name}.txt").write_text("".join(line + "\n" for line in rows))
            (tmp / "dictionary.tsv").write_text("".join(f"{nl}\t{en}\n" for nl, en in sorted(dictionary.items())))
            (tmp / "qa.jsonl").write_text("".join(json.dumps(item, sort_keys=True) + "\n" for item in qa))
            if tokenizer is not None:
                tokenizer.save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_en_train": len(en_train), "n_nl_train": len(nl_train), "n_nl_heldout": len(nl_heldout),
                        "n_dictionary": len(dictionary)})
        print("NL*:", nl_train[0])


if __name__ == "__main__":
    main()
