"""Prepare the corpora, evaluation sets and base tokenizer (spec: DAG 1-2, `prep_world` / `download_corpora`,
`build_mix_*`). Shared by all seeds (config `shared_across_seeds`).

    small/ci: lmrepro stage multilingual_cpt.prep --scale small --seed 0 \\
                  --out data=data/small/multilingual_cpt/seed0/prep \\
                  --out metrics=data/small/multilingual_cpt/seed0/prep.metrics.json
    paper:    ... --in hub_madlad=data/hub/datasets/allenai/MADLAD-400 --in hub_nllb=... --in hub_stack=... \\
                  --in hub_sib200=... --in hub_flores=...   (corpus.source=text)

Outputs under `data`: corpora/*.jsonl (data.py), eval/cls.jsonl and eval/cls_dev.jsonl ({lang, text, label};
cls.jsonl also holds English items, lang "en"),
eval/labels.json, eval/gen.jsonl and eval/gen_dev.jsonl ({lang, src, ref}), eval/switch.jsonl ({lang, prompt}),
lexicon/english_only_<lang>.txt (English words never seen in X's corpus: the switch probe's tagger), and at
small/ci tokenizer/ (byte-level BPE trained on a sample of the base mixture, spec: shared BPE).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from lmrepro.common.hub import snapshot_lines
from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_bpe_tokenizer
from lmrepro.papers.multilingual_cpt import world as mworld
from lmrepro.papers.multilingual_cpt.data import resolve, stream_file
from lmrepro.papers.multilingual_cpt.params import CorpusConfig, EvalConfig, MixConfig, TokenizerConfig, WorldConfig
from lmrepro.worlds.languages import CATEGORIES

TOKENIZER_DOCS = 12000  # documents sampled from the base mixture to train the BPE


def words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in t.split()}


def world_data(st, cfg: CorpusConfig) -> dict:
    wcfg = st.params("world", WorldConfig)
    ev = st.params("eval", EvalConfig)
    world = mworld.build(wcfg, derive_seed(st.seed, "world"))
    if dict(world["tiers"]) != dict(cfg.languages):
        raise ValueError(f"corpus.languages {cfg.languages} must name the world's conlangs {world['tiers']}")
    def seed(name: str) -> int:  # one seeded stream per corpus
        return derive_seed(st.seed, name)

    corpora = {"en": mworld.mono_docs(world, "en", cfg.n_en_docs, wcfg.sentences_per_doc, seed("en")),
               "topic": mworld.topic_lines(world, cfg.n_topic, seed("topic")),
               "code": mworld.code_docs(wcfg.code, cfg.n_code_docs, seed("code"))}
    # English items: the source-language reference of the topic task
    cls = [{"lang": "en", **r} for r in mworld.labelled(world, "en", cfg.n_cls, seed("cls-en"))]
    cls_dev, gen, gen_dev, switch = [], [], [], []
    for lang in cfg.languages:
        corpora[f"mono:{lang}"] = mworld.mono_docs(world, lang, cfg.n_mono_docs, wcfg.sentences_per_doc,
                                                   seed(f"mono-{lang}"))
        corpora[f"bi:{lang}"] = mworld.bi_docs(world, lang, cfg.n_bi_docs, wcfg.pairs_per_doc, seed(f"bi-{lang}"))
        corpora[f"heldout:{lang}"] = mworld.mono_docs(world, lang, cfg.n_heldout, wcfg.sentences_per_doc,
                                                      seed(f"heldout-{lang}"))
        cls += [{"lang": lang, **r} for r in mworld.labelled(world, lang, cfg.n_cls, seed(f"cls-{lang}"))]
        cls_dev += [{"lang": lang, **r} for r in mworld.labelled(world, lang, cfg.n_dev, seed(f"cls-dev-{lang}"))]
        gen += [{"lang": lang, **r} for r in mworld.parallel(world, lang, cfg.n_gen, seed(f"gen-{lang}"))]
        gen_dev += [{"lang": lang, **r} for r in mworld.parallel(world, lang, cfg.n_dev, seed(f"gen-dev-{lang}"))]
        switch += [{"lang": lang, "prompt": doc} for doc in
                   mworld.mono_docs(world, lang, cfg.n_gen, ev.switch_sentences, seed(f"switch-{lang}"))]
    return {"corpora": corpora, "cls": cls, "cls_dev": cls_dev, "gen": gen, "gen_dev": gen_dev, "switch": switch,
            "labels": list(CATEGORIES)}


def records(directory: Path, pattern: str, fields: list[str], n: int) -> list[dict]:
    """The first `n` rows (the named columns) of the parquet / jsonl files matching `pattern`, files sorted."""
    out: list[dict] = []
    for path in sorted(p for p in Path(directory).glob(pattern) if p.is_file()):
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path, columns=fields).to_pydict()
            rows = [dict(zip(fields, values)) for values in zip(*(table[f] for f in fields))]
        elif path.suffix == ".jsonl":
            rows = [{f: json.loads(line)[f] for f in fields} for line in path.read_text().splitlines() if line]
        else:
            continue
        out += rows[: n - len(out)]
        if len(out) >= n:
            break
    if not out:
        raise FileNotFoundError(f"no parquet/jsonl rows with {fields} matching {pattern!r} under {directory}")
    return out


def text_data(st, cfg: CorpusConfig) -> dict:
    """Paper scale: MADLAD-400 text, NLLB pairs, The Stack, SIB-200 and FLORES from the hub snapshots."""
    def lines(name: str, n: int, field: str, pattern: str) -> list[str]:
        return [text for _, text in snapshot_lines(st.inp(name), n, field, pattern)]

    def flores(lang: str, split: str, n: int) -> list[dict]:  # rows of one language, aligned across languages
        return records(st.inp("hub_flores"), cfg.flores_pattern.format(lang=lang, split=split), [cfg.text_field], n)

    corpora = {"en": lines("hub_madlad", cfg.n_en_docs, cfg.text_field, cfg.en_pattern), "topic": [],
               "code": lines("hub_stack", cfg.n_code_docs, cfg.code_field, cfg.code_pattern)}
    cls, cls_dev, gen, gen_dev, switch, labels = [], [], [], [], [], set()
    for lang in [cfg.en_code, *cfg.languages]:  # English items: the source-language reference of the topic task
        for split, n, rows in (("test", cfg.n_cls, cls), ("train", cfg.n_dev, cls_dev)):
            for r in records(st.inp("hub_sib200"), cfg.cls_pattern.format(lang=lang, split=split),
                             [cfg.text_field, cfg.cls_label_field], n):
                rows.append({"lang": "en" if lang == cfg.en_code else lang, "text": r[cfg.text_field],
                             "label": r[cfg.cls_label_field]})
                labels.add(r[cfg.cls_label_field])
    for lang in cfg.languages:
        mono = lines("hub_madlad", cfg.n_mono_docs + cfg.n_heldout, cfg.text_field,
                     cfg.mono_pattern.format(lang=lang))
        corpora[f"heldout:{lang}"], corpora[f"mono:{lang}"] = mono[: cfg.n_heldout], mono[cfg.n_heldout:]
        pairs = records(st.inp("hub_nllb"), cfg.bi_pattern.format(lang=lang), [cfg.bi_src_field, cfg.bi_tgt_field],
                        cfg.n_bi_docs)
        corpora[f"bi:{lang}"] = [f"{p[cfg.bi_src_field]} {p[cfg.bi_tgt_field]}" for p in pairs]
        for split, n, rows in (("devtest", cfg.n_gen, gen), ("dev", cfg.n_dev, gen_dev)):
            src, ref = flores(lang, split, n), flores(cfg.en_code, split, n)
            rows += [{"lang": lang, "src": s[cfg.text_field], "ref": r[cfg.text_field]} for s, r in zip(src, ref)]
        switch += [{"lang": lang, "prompt": p} for p in corpora[f"heldout:{lang}"][: cfg.n_gen]]
    return {"corpora": corpora, "cls": cls, "cls_dev": cls_dev, "gen": gen, "gen_dev": gen_dev, "switch": switch,
            "labels": sorted(labels)}


def main() -> None:
    with Stage.from_argv("multilingual_cpt", "prep") as st:
        cfg = st.params("corpus", CorpusConfig)
        mix = st.params("mix", MixConfig)
        prepared = world_data(st, cfg) if cfg.source == "world" else text_data(st, cfg)
        corpora = prepared["corpora"]
        tokenizer = None
        if cfg.source == "world":  # the base's BPE, trained on a sample of the base mixture
            rng = random.Random(derive_seed(st.seed, "tokenizer"))
            sample = [doc for key, share in resolve(mix.base, mix.group).items()
                      for doc in rng.choices(corpora[key], k=max(1, round(share * TOKENIZER_DOCS)))]
            tokenizer = build_bpe_tokenizer(sample, st.params("tokenizer", TokenizerConfig).vocab_size)
        en_words = words(corpora["en"])
        with atomic_dir(st.out("data")) as tmp:
            for key, docs in corpora.items():
                write_jsonl(tmp / "corpora" / stream_file(key), [{"text": d} for d in docs])
            for name in ("cls", "cls_dev", "gen", "gen_dev", "switch"):
                write_jsonl(tmp / "eval" / f"{name}.jsonl", prepared[name])
            (tmp / "eval" / "labels.json").write_text(json.dumps(prepared["labels"]))
            (tmp / "lexicon").mkdir()
            for lang in cfg.languages:
                only = sorted(en_words - words(corpora[f"mono:{lang}"]) - words(corpora[f"heldout:{lang}"]))
                (tmp / "lexicon" / f"english_only_{lang}.txt").write_text("".join(w + "\n" for w in only))
            if tokenizer is not None:
                tokenizer.save_pretrained(tmp / "tokenizer")
        st.log_metrics({f"n_{key.replace(':', '_')}": len(docs) for key, docs in corpora.items()})
        st.log_metrics({"n_cls": len(prepared["cls"]), "n_gen": len(prepared["gen"]),
                        "n_labels": len(prepared["labels"])})
        for lang in cfg.languages:
            print(lang, "|", corpora[f"bi:{lang}"][0])
        print("code |", corpora["code"][0] if corpora["code"] else "")


if __name__ == "__main__":
    main()
