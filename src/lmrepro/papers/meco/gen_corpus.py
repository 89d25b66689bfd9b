"""Generate MeCo's synthetic web: facts told by reliable and unreliable sources, with URLs (spec: Small scale).

    lmrepro stage meco.gen_corpus --scale small --seed 0 --out data=data/small/meco/seed0/corpus \
        --out metrics=data/small/meco/seed0/corpus.metrics.json

Outputs (directory): world.json (names, values, truth, domains, groups), stage1.jsonl (pretraining docs),
cooldown.jsonl (a disjoint fresh set, plain at cooldown: paper §3 uses a separate cooldown set), heldout.jsonl
(reliable-source docs for held-out loss), tokenizer/ (word-level, fast).

At `paper` scale the rule adds `--in hub_corpus=<DCLM snapshot> --in hub_tokenizer=<Llama-3 snapshot>`: the
documents then come from the snapshot (same schema, no world.json) and the tokenizer is the paper's.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from lmrepro.common.io import atomic_dir
from lmrepro.common.models import load_tokenizer
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.meco.data import TEMPLATE_WORDS
from lmrepro.papers.meco.params import CorpusConfig
from lmrepro.worlds.sources import SourcesWorldConfig, build_world, load_web_docs, sample_docs


def main() -> None:
    with Stage.from_argv("meco", "gen_corpus") as st:
        world_cfg = st.params("world", SourcesWorldConfig)
        cfg = st.params("corpus", CorpusConfig)
        world = None
        if "hub_corpus" in st.inputs:  # paper scale: real web documents with URLs
            n = cfg.n_stage1_docs + cfg.n_cooldown_docs + cfg.n_heldout_docs
            docs = load_web_docs(str(st.inp("hub_corpus")), n, derive_seed(st.seed, "shards"))
            stage1, cooldown = docs[: cfg.n_stage1_docs], docs[cfg.n_stage1_docs: n - cfg.n_heldout_docs]
            heldout = docs[n - cfg.n_heldout_docs:]
            tokenizer = load_tokenizer(st.inp("hub_tokenizer"))
        else:
            world = build_world(world_cfg, derive_seed(st.seed, "world"))
            stage1 = sample_docs(world, cfg.n_stage1_docs, derive_seed(st.seed, "stage1"))
            cooldown = sample_docs(world, cfg.n_cooldown_docs, derive_seed(st.seed, "cooldown"))
            heldout = [d for d in sample_docs(world, 4 * cfg.n_heldout_docs, derive_seed(st.seed, "heldout"))
                       if d["reliable"]][: cfg.n_heldout_docs]
            tokenizer = build_word_tokenizer([*TEMPLATE_WORDS, *world.vocabulary()])
        with atomic_dir(st.out("data")) as tmp:
            if world is not None:
                (tmp / "world.json").write_text(json.dumps({
                    "names": world.names, "values": world.values, "truth": world.truth,
                    "camp_maps": world.camp_maps, "domains": world.domains, "source_group": world.source_group,
                    "config": asdict(world_cfg)}, sort_keys=True))
            for name, docs in (("stage1", stage1), ("cooldown", cooldown), ("heldout", heldout)):
                (tmp / f"{name}.jsonl").write_text("".join(json.dumps(d, sort_keys=True) + "\n" for d in docs))
            tokenizer.save_pretrained(tmp / "tokenizer")
        st.log_metrics({"vocab_size": len(tokenizer), "n_stage1_docs": len(stage1),
                        "n_cooldown_docs": len(cooldown), "n_heldout_docs": len(heldout),
                        "share_reliable": sum(bool(d["reliable"]) for d in stage1) / len(stage1)})


if __name__ == "__main__":
    main()
