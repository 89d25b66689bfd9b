"""Prepare the world: persons with facts, which facts are known (pretrained) and which of those the SFT mix may
ask about, and the word-level tokenizer (spec DAG: the world behind `pretrain_base` and `build_sft_mix`).

    lmrepro stage context_awareness.prep --scale small --seed 0 --out data=data/small/context_awareness/seed0/prep \
        --out metrics=data/small/context_awareness/seed0/prep.metrics.json
    (ci: --scale ci; paper: the same world, see the config's paper notes)

Output directory: world.json (entities, triples with their exposure, the known-SFT / known-test / unknown fact
ids), tokenizer/.
"""
from __future__ import annotations

import random

from lmrepro.common.io import atomic_dir, write_json
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.context_awareness.data import vocabulary
from lmrepro.papers.context_awareness.params import ScoreConfig, SplitConfig
from lmrepro.worlds.entities import PERSON_RELATIONS, KnowledgeConfig, build_knowledge


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("context_awareness", "prep") as st:
        world, split = st.params("world", KnowledgeConfig), st.params("split", SplitConfig)
        indicator = st.params("score", ScoreConfig).indicator
        kb = build_knowledge(world, derive_seed(st.seed, "world"))
        person_facts = [t for t in kb.triples if t["relation"] in PERSON_RELATIONS]
        known = [t["id"] for t in person_facts if t["exposures"] > 0]
        unknown = [t["id"] for t in person_facts if t["exposures"] == 0]
        if len(known) < 4 or len(unknown) < 4:
            raise SystemExit("context_awareness.params.world.exposure_levels must give both known (> 0) and "
                             "unknown (0) person facts")
        random.Random(derive_seed(st.seed, "split")).shuffle(known)
        n_sft = round(split.sft_share * len(known))
        with atomic_dir(st.out("data")) as tmp:
            write_json(tmp / "world.json", {"entities": kb.entities, "triples": kb.triples,
                                            "known_sft": sorted(known[:n_sft]), "known_test": sorted(known[n_sft:]),
                                            "unknown": unknown})
            build_word_tokenizer(vocabulary(kb, indicator)).save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_known_sft": n_sft, "n_known_test": len(known) - n_sft, "n_unknown": len(unknown),
                        "vocab_size": len(vocabulary(kb, indicator)) + 4})


if __name__ == "__main__":
    main()
