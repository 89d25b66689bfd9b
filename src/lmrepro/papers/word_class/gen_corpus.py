"""Generate the token stream with a gold word class per token (spec: DAG `gen_corpus`).

    small/ci: lmrepro stage word_class.gen_corpus --scale small --seed 0 \
                  --out data=data/small/word_class/seed0/corpus --out metrics=.../gen_corpus.json
    paper:    ... --in hub_text=data/hub/datasets/Salesforce/wikitext --in hub_tagger=data/hub/spacy/en_core_web_sm
              (corpus.source=text; tags from the spaCy pipeline wheel in that snapshot)

Output directory: tokens.txt and pos.txt (one sentence per line, space-separated tokens / classes, aligned) and
meta.json ({"n_train", "n_heldout"}: the first n_train lines are for training, the rest held out for analysis).
World (source=world): sentences of the registers in `corpus.sources` from `lmrepro.worlds.grammar`, in a seeded
interleaving. Text (source=text): lines of the snapshot, tagged by a spaCy model, UPOS mapped to our classes.
"""
from __future__ import annotations

import json
import random

from lmrepro.common.hub import snapshot_lines
from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.word_class.params import CorpusConfig
from lmrepro.worlds.grammar import GrammarConfig, build_grammar, sample_sentences

# spaCy UPOS -> the world's classes (analysis labels only; the network never sees them)
UPOS_TO_CLASS = {"DET": "DET", "ADJ": "ADJ", "NOUN": "NOUN", "PROPN": "NOUN", "VERB": "VERB", "AUX": "AUX",
                 "ADP": "PREP", "PRON": "PRON", "CCONJ": "CONJ", "SCONJ": "CONJ", "PUNCT": "PUNCT"}


def world_sentences(world_cfg: GrammarConfig, cfg: CorpusConfig, seed: int) -> list[tuple[str, str]]:
    grammar = build_grammar(world_cfg, derive_seed(seed, "world"))
    n = cfg.n_train + cfg.n_heldout
    per = [sample_sentences(grammar, derive_seed(seed, "corpus"), n, s) for s in cfg.sources]
    rng = random.Random(derive_seed(seed, "interleave"))
    picks = [rng.randrange(len(per)) for _ in range(n)]
    cursor = [0] * len(per)
    out = []
    for k in picks:
        row = per[k][cursor[k]]
        cursor[k] += 1
        out.append((row["text"], " ".join(row["tags"])))
    return out


def tagged_text(lines: list[str], tagger_snapshot) -> list[tuple[str, str]]:
    from lmrepro.common.spacy_pipeline import load_from_snapshot

    nlp = load_from_snapshot(tagger_snapshot, disable=("parser", "ner", "lemmatizer"))
    out = []
    for doc in nlp.pipe(lines, batch_size=256):
        toks = [t for t in doc if not t.is_space]
        out.append((" ".join(t.text.lower() for t in toks), " ".join(UPOS_TO_CLASS.get(t.pos_, "OTHER")
                                                                      for t in toks)))
    return out


def main() -> None:
    with Stage.from_argv("word_class", "gen_corpus") as st:
        cfg = st.params("corpus", CorpusConfig)
        if cfg.source == "world":
            rows = world_sentences(st.params("world", GrammarConfig), cfg, st.seed)
        else:
            lines = [line for _, line in snapshot_lines(st.inp("hub_text"), cfg.n_train + cfg.n_heldout,
                                                         cfg.text_field, cfg.text_glob)]
            rows = tagged_text(lines, st.inp("hub_tagger"))
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "tokens.txt").write_text("".join(t + "\n" for t, _ in rows))
            (tmp / "pos.txt").write_text("".join(p + "\n" for _, p in rows))
            (tmp / "meta.json").write_text(json.dumps({"n_train": cfg.n_train, "n_heldout": len(rows) - cfg.n_train}))
        n_tokens = sum(len(t.split()) for t, _ in rows)
        st.log_metrics({"n_sentences": len(rows), "n_tokens": n_tokens,
                        "n_types": len({w for t, _ in rows for w in t.split()})})
        print(rows[0][0], "|", rows[0][1])


if __name__ == "__main__":
    main()
