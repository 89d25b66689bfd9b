"""Prepare one seed's target-language side and bilingual dictionary (spec: DAG 1, `prep_text_tgt`).

    small/ci: lmrepro stage wechsel.prep --scale small --seed 1 --in en=data/small/wechsel/source_seed0 \
                  --out data=data/small/wechsel/seed1/prep --out metrics=data/small/wechsel/seed1/prep.metrics.json
    paper:    ... --in hub_tgt_text=data/hub/datasets/oscar-corpus/oscar   \
              --in dicts=data/external/wechsel-dicts   (corpus.source=text; corpus.dictionary inside it)

Small/ci: the English world of the base seed (`en/world.json`) gets this seed's target language (new word
forms, suffixes, which 60% of the dictionary is exposed) and an independent TGT sample: no sentence is a
translation of an English one. Outputs (directory): tgt_train.txt, tgt_heldout.txt, dictionary.tsv (the
EXPOSED `english<TAB>target` entries: all WECHSEL may use) and lexicon.json (every lemma with its exposure
flag and corpus counts: what the alignment check A3 evaluates on).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.wechsel.params import CorpusConfig
from lmrepro.worlds.conlang import ConlangConfig, build_world, sample_sentences


def read_text_dir(directory: Path, n: int, field: str) -> list[str]:
    """The first `n` non-empty lines/records of a dataset snapshot (txt, jsonl[.gz] or parquet files, sorted)."""
    out: list[str] = []
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        if len(out) >= n:
            break
        name = path.name
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            rows = pq.read_table(path, columns=[field]).column(field).to_pylist()
        elif name.endswith((".jsonl", ".jsonl.gz", ".json.gz")):
            with (gzip.open(path, "rt") if name.endswith(".gz") else path.open()) as fh:
                rows = [json.loads(line)[field] for line in fh if line.strip()]
        elif name.endswith(".txt"):
            rows = path.read_text().splitlines()
        else:
            continue
        out += [" ".join(r.split()) for r in rows if r and r.strip()][: n - len(out)]
    if not out:
        raise FileNotFoundError(f"no text records (txt/jsonl/parquet with field {field!r}) under {directory}")
    return out


def main() -> None:
    with Stage.from_argv("wechsel", "prep") as st:
        cfg = st.params("corpus", CorpusConfig)
        meta = json.loads((st.inp("en") / "world.json").read_text())
        if cfg.source == "world":
            world_cfg = st.params("world", ConlangConfig)
            world = build_world(world_cfg, meta["world_seed"], language_seed=derive_seed(st.seed, "language"))
            tgt_train, tgt_counts = sample_sentences(world, "tgt", cfg.n_train, derive_seed(st.seed, "tgt_train"))
            tgt_heldout, _ = sample_sentences(world, "tgt", cfg.n_heldout, derive_seed(st.seed, "tgt_heldout"))
            lexicon = [{"en": e, "tgt": t, "pos": p, "exposed": x, "en_count": meta["en_counts"][e], "tgt_count": c}
                       for e, t, p, x, c in zip(world.en, world.tgt, world.pos, world.exposed, tgt_counts)]
            extra = {"suffixes": world.suffixes, "final": world.final}
        else:
            from lmrepro.papers.wechsel.method import read_dictionary

            lines = read_text_dir(st.inp("hub_tgt_text") / cfg.tgt_subdir, cfg.n_train + cfg.n_heldout, cfg.text_field)
            tgt_heldout, tgt_train = lines[: cfg.n_heldout], lines[cfg.n_heldout:]
            lexicon = [{"en": e, "tgt": t, "pos": "", "exposed": True, "en_count": 0, "tgt_count": 0}
                       for e, t in read_dictionary(st.inp("dicts") / cfg.dictionary)]
            extra = {}
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "tgt_train.txt").write_text("".join(line + "\n" for line in tgt_train))
            (tmp / "tgt_heldout.txt").write_text("".join(line + "\n" for line in tgt_heldout))
            (tmp / "dictionary.tsv").write_text("".join(f"{x['en']}\t{x['tgt']}\n" for x in lexicon if x["exposed"]))
            (tmp / "lexicon.json").write_text(json.dumps({"lemmas": lexicon, **extra}, sort_keys=True))
        n_exposed = sum(x["exposed"] for x in lexicon)
        st.log_metrics({"n_train_tgt": len(tgt_train), "n_heldout_tgt": len(tgt_heldout), "n_lemmas": len(lexicon),
                        "n_dictionary_exposed": n_exposed, "dictionary_exposed_frac": n_exposed / len(lexicon),
                        "words_per_sentence_tgt": sum(len(s.split()) for s in tgt_train) / len(tgt_train)})
        print("TGT:", tgt_train[0])


if __name__ == "__main__":
    main()
