"""The facts: persons, their training facts with chunks, test probes (and, from the world, its word tokenizer).

    small/ci: lmrepro stage spt.gen_facts --scale small --seed 0 --out data=data/small/spt/seed0/facts \
                  --out metrics=...
    paper:    ... --in repo=data/external/reversal_curse   (facts.source=official; rule chunks, which
              `spt.segment` replaces with the assistant LLM's where they pass its check)
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.papers.spt.official import read_official
from lmrepro.papers.spt.params import FactsConfig
from lmrepro.worlds.entities import EntitiesConfig, build_world, probes, training_facts


def main() -> None:
    with Stage.from_argv("spt", "gen_facts") as st:
        source = st.params("facts", FactsConfig)
        if source.source == "official":
            persons, facts, tests = read_official(st.inp("repo") / source.official_dir)
            tokenizer, vocab = None, 0
        else:
            cfg = st.params("world", EntitiesConfig)
            world = build_world(cfg, st.seed)
            persons, facts, tests = world.persons, training_facts(world, cfg), probes(world, "forward_only")
            tokenizer, vocab = build_word_tokenizer(world.vocabulary()), len(world.vocabulary())
        with atomic_dir(st.out("data")) as tmp:
            write_json(tmp / "persons.json", persons)
            write_jsonl(tmp / "facts.jsonl", facts)
            write_jsonl(tmp / "probes.jsonl", tests)
            if tokenizer is not None:
                tokenizer.save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_persons": len(persons), "n_facts": len(facts), "n_probes": len(tests), "vocab": vocab})


if __name__ == "__main__":
    main()
