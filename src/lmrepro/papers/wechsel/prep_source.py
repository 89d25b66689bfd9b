"""Prepare the English (source-language) side, shared by every seed (spec: DAG 1, `prep_text_en`).

    small/ci: lmrepro stage wechsel.prep_source --scale small --seed 0 \
                  --out data=data/small/wechsel/source_seed0 --out metrics=data/small/wechsel/source_seed0.metrics.json
    paper:    ... --in hub_en_text=data/hub/datasets/oscar-corpus/oscar   (corpus.source=text)

It runs once, with the base seed: the source LM is trained on this corpus once, as the paper starts every
language from the one English GPT-2. Outputs (directory): en_train.txt, en_heldout.txt (one sentence or
document per line) and world.json (the world seed and config, which each seed's `prep` renders its TGT from).
"""
from __future__ import annotations

import json
from dataclasses import asdict

from lmrepro.common.io import atomic_dir
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.wechsel.prep import CorpusConfig, read_text_dir
from lmrepro.worlds.conlang import ConlangConfig, build_world, sample_sentences


def main() -> None:
    with Stage.from_argv("wechsel", "prep_source") as st:
        cfg = st.params("corpus", CorpusConfig)
        meta: dict = {"source": cfg.source}
        if cfg.source == "world":
            world_cfg = st.params("world", ConlangConfig)
            world_seed = derive_seed(st.seed, "world")
            world = build_world(world_cfg, world_seed)
            en_train, en_counts = sample_sentences(world, "en", cfg.n_train, derive_seed(st.seed, "en_train"))
            en_heldout, _ = sample_sentences(world, "en", cfg.n_heldout, derive_seed(st.seed, "en_heldout"))
            meta.update(world_seed=world_seed, world=asdict(world_cfg), en_counts=dict(zip(world.en, en_counts)))
        else:
            lines = read_text_dir(st.inp("hub_en_text") / cfg.en_subdir, cfg.n_train + cfg.n_heldout, cfg.text_field)
            en_heldout, en_train = lines[: cfg.n_heldout], lines[cfg.n_heldout:]
        with atomic_dir(st.out("data")) as tmp:
            (tmp / "en_train.txt").write_text("".join(line + "\n" for line in en_train))
            (tmp / "en_heldout.txt").write_text("".join(line + "\n" for line in en_heldout))
            (tmp / "world.json").write_text(json.dumps(meta, sort_keys=True))
        st.log_metrics({"n_train_en": len(en_train), "n_heldout_en": len(en_heldout),
                        "words_per_sentence_en": sum(len(s.split()) for s in en_train) / len(en_train)})
        print("EN:", en_train[0])


if __name__ == "__main__":
    main()
