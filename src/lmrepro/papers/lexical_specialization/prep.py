"""Prepare the constraints, the MLM corpus and the test sets (spec DAG 1-2: prep_lexicon + split_langs), once for
all seeds.

    small/ci: lmrepro stage lexical_specialization.prep --scale small --seed 0 \
                  --out data=data/small/lexical_specialization/seed0/prep --out metrics=.../prep.json
    paper:    ... --in hub_pairs=data/hub/datasets/umanlp/babelbert-dataset \
                  --in evaldata=data/external/babelbert   (lexicon.source=babelnet)

World (small/ci): one conlang world (lemmas with latent meanings and selectional preferences, lmrepro.worlds.conlang)
lexicalised in English and in each configured constructed language (its own sound inventory, word forms and case
suffixes). Each language's MLM corpus is sampled independently: no sentence is a translation of another. A seeded
`test_frac` of the concepts is held out; constraint pairs are every cross-lingual pair of seen languages over the
other concepts (the world has one form per concept and language, so there are no monolingual synonym pairs).
Test sets on the held-out concepts: BLI dictionaries (src<TAB>tgt) with the target language's full vocabulary
(every concept's form), XLSIM pairs (gold 1.0 for translations, else the cosine of the two concepts' latent
meanings within a part of speech) and parallel sentences (the same events rendered in both languages).

BabelNet (paper): the pair table (word1, word2, lang1, lang2, synsetID) filtered to the seen languages, minus every
pair that contains a BLI test word (the repo's val_train_overlap=False); the official BLI dictionaries and
vocabulary lists (gold words missing from the vocabulary are dropped, as the repo does).

Outputs (directory): pairs.jsonl {word1, word2, lang1, lang2, synset}; vocab/<lang>.txt; bli/<src>-<tgt>.tsv;
world only: corpus.jsonl {text, lang}, tokenizer/ (WordPiece), xlsim/{seen,unseen}.tsv, parallel/<src>-<tgt>.tsv.
"""
from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.tokenizers import build_wordpiece_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.worlds.conlang import build_world, render, sample_events, sample_sentences

def world_lexicon(st: Stage, lex, world_cfg) -> dict:
    """The world's forms, corpus, constraints and test sets (see the module docstring)."""
    seed = st.seed
    worlds = {"en": build_world(world_cfg, seed)}
    for spec in lex.languages:
        cfg = replace(world_cfg, tgt_consonants=spec.consonants, tgt_vowels=spec.vowels)
        worlds[spec.name] = build_world(cfg, seed, language_seed=derive_seed(seed, "language", spec.name))
    forms = {"en": worlds["en"].en, **{name: w.tgt for name, w in worlds.items() if name != "en"}}
    pos, meaning = worlds["en"].pos, worlds["en"].tables["meaning"]
    n = len(pos)

    corpus = []
    for name, world in worlds.items():
        texts, _ = sample_sentences(world, "en" if name == "en" else "tgt", lex.n_sentences,
                                    derive_seed(seed, "corpus", name))
        corpus += [{"text": t, "lang": name} for t in texts]
    random.Random(derive_seed(seed, "corpus_order")).shuffle(corpus)

    rng = random.Random(derive_seed(seed, "split"))
    order = list(range(n))
    rng.shuffle(order)
    test = sorted(order[: round(lex.test_frac * n)])
    train = sorted(order[round(lex.test_frac * n):])
    pairs = [{"word1": forms[a][c], "word2": forms[b][c], "lang1": a, "lang2": b, "synset": f"c{c:04d}"}
             for c in train for i, a in enumerate(lex.seen) for b in lex.seen[i + 1:]]

    bli = {p: [(forms[p.split("-")[0]][c], forms[p.split("-")[1]][c]) for c in test]
           for p in [*lex.bli_seen, *lex.bli_unseen]}
    unit = meaning / np.linalg.norm(meaning, axis=1, keepdims=True)
    same_pos = {c: [x for x in test if x != c and pos[x] == pos[c]] for c in test}
    pairable = [c for c in test if same_pos[c]]
    if not pairable:
        raise ValueError("prep: no part of speech has two held-out concepts; raise world sizes or test_frac")
    xlsim = {}
    for name, lang_pairs in (("seen", lex.bli_seen), ("unseen", lex.bli_unseen)):
        xrng = random.Random(derive_seed(seed, "xlsim", name))
        rows = []
        for k in range(lex.xlsim_pairs):
            src, tgt = xrng.choice(lang_pairs).split("-")
            a = xrng.choice(pairable)
            if k < round(lex.xlsim_translation_frac * lex.xlsim_pairs):
                b, score = a, 1.0
            else:
                b = xrng.choice(same_pos[a])
                score = float(unit[a] @ unit[b])
            rows.append((forms[src][a], forms[tgt][b], src, tgt, score))
        xlsim[name] = rows
    parallel = {}
    for p in [*lex.bli_seen, *lex.bli_unseen]:
        src, tgt = p.split("-")
        events = sample_events(worlds["en"], lex.n_parallel, derive_seed(seed, "parallel", p))
        side = {lang: render(worlds[lang], events, "en" if lang == "en" else "tgt") for lang in (src, tgt)}
        parallel[p] = list(zip(side[src], side[tgt]))
    return {"pairs": pairs, "vocab": {lang: list(f) for lang, f in forms.items()}, "bli": bli, "corpus": corpus,
            "xlsim": xlsim, "parallel": parallel, "n_concepts": n, "n_test_concepts": len(test)}


def read_tsv(path: Path, columns: int = 2) -> list[tuple[str, ...]]:
    rows = [tuple(line.split("\t")[:columns]) for line in path.read_text().splitlines() if line.strip()]
    if not rows or any(len(r) < columns for r in rows):
        raise ValueError(f"{path}: expected non-empty rows of >= {columns} tab-separated columns")
    return rows


def babelnet_lexicon(st: Stage, lex) -> dict:
    """The BabelNet pair table and the official BLI files (paper scale; see the module docstring)."""
    evaldata = st.inp("evaldata")
    bli, vocab = {}, {}
    for pair in [*lex.bli_seen, *lex.bli_unseen]:
        if pair not in lex.bli_files:
            raise ValueError(f"lexicon.bli_files has no file for BLI pair {pair!r}")
        tgt = pair.split("-")[1]
        words = [w for w in (evaldata / lex.vocab_dir / f"{tgt}_vocab.txt").read_text().splitlines() if w]
        vocab[tgt] = words
        known = set(words)
        bli[pair] = [(s, t if t in known else t.lower()) for s, t in read_tsv(evaldata / lex.bli_files[pair])
                     if t in known or t.lower() in known]
    test_words = {w for rows in bli.values() for row in rows for w in row}
    seen = set(lex.seen)
    pairs = []
    with open(st.inp("hub_pairs") / lex.pairs_file, newline="") as fh:
        for row in csv.DictReader(fh):
            if seen and not {row["lang1"], row["lang2"]} <= seen:
                continue
            if {row["word1"], row["word2"]} & test_words:
                continue
            pairs.append({"word1": row["word1"], "word2": row["word2"], "lang1": row["lang1"],
                          "lang2": row["lang2"], "synset": row["synsetID"]})
    return {"pairs": pairs, "vocab": vocab, "bli": bli}


def main() -> None:
    with Stage.from_argv("lexical_specialization", "prep") as st:
        lex = st.params("lexicon")
        if lex.source == "world":
            out = world_lexicon(st, lex, st.params("world"))
            tokenizer = build_wordpiece_tokenizer([row["text"] for row in out["corpus"]],
                                                  st.params("tokenizer").vocab_size)
        else:
            out, tokenizer = babelnet_lexicon(st, lex), None
        if not out["pairs"]:
            raise ValueError("prep: no constraint pairs left (check lexicon.seen and the pair table)")
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "pairs.jsonl", out["pairs"])
            for name in ("vocab", "bli", "xlsim", "parallel"):
                (tmp / name).mkdir()
            for lang, words in out["vocab"].items():
                (tmp / "vocab" / f"{lang}.txt").write_text("".join(w + "\n" for w in words))
            for pair, rows in out["bli"].items():
                (tmp / "bli" / f"{pair}.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in rows))
            for name, rows in out.get("xlsim", {}).items():
                (tmp / "xlsim" / f"{name}.tsv").write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))
            for pair, rows in out.get("parallel", {}).items():
                (tmp / "parallel" / f"{pair}.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in rows))
            if tokenizer is not None:
                write_jsonl(tmp / "corpus.jsonl", out["corpus"])
                tokenizer.save_pretrained(tmp / "tokenizer")
        langs = sorted({r["lang1"] for r in out["pairs"]} | {r["lang2"] for r in out["pairs"]})
        st.log_metrics({"n_pairs": len(out["pairs"]), "n_synsets": len({r["synset"] for r in out["pairs"]}),
                        "n_constraint_languages": len(langs),
                        **{f"n_bli_{pair}": len(rows) for pair, rows in out["bli"].items()}})
        if tokenizer is not None:
            words = [w for ws in out["vocab"].values() for w in ws]
            pieces = [len(ids) - 2 for ids in tokenizer(words)["input_ids"]]
            st.log_metrics({"n_concepts": out["n_concepts"], "n_test_concepts": out["n_test_concepts"],
                            "n_corpus_sentences": len(out["corpus"]), "vocab_size": len(tokenizer),
                            "subwords_per_word": sum(pieces) / len(pieces)})


if __name__ == "__main__":
    main()
