"""The fact world: persons, their training facts with gold chunks, test probes and the word-level tokenizer.

    lmrepro stage spt.gen_facts --scale small --seed 0 --out data=data/small/spt/seed0/facts --out metrics=...
"""
from __future__ import annotations

from lmrepro.common.io import atomic_dir, write_json, write_jsonl
from lmrepro.common.stage import Stage
from lmrepro.common.tokenizers import build_word_tokenizer
from lmrepro.worlds.entities import EntitiesConfig, build_world, probes, training_facts


def main() -> None:
    with Stage.from_argv("spt", "gen_facts") as st:
        cfg = st.params("world", EntitiesConfig)
        world = build_world(cfg, st.seed)
        facts, tests = training_facts(world, cfg), probes(world, "forward_only")
        with atomic_dir(st.out("data")) as tmp:
            write_json(tmp / "persons.json", world.persons)
            write_jsonl(tmp / "facts.jsonl", facts)
            write_jsonl(tmp / "probes.jsonl", tests)
            build_word_tokenizer(world.vocabulary()).save_pretrained(tmp / "tokenizer")
        st.log_metrics({"n_persons": len(world.persons), "n_facts": len(facts), "n_probes": len(tests),
                        "vocab": len(world.vocabulary())})


if __name__ == "__main__":
    main()
