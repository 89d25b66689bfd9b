"""Build the general SFT mix (spec DAG `build_sft_mix`; paper: ShareGPT / WizardLM / UltraChat conversations):
chat conversations whose responses mostly follow parametric knowledge.

    lmrepro stage context_awareness.build_sft_mix --scale small --seed 0 \
        --in data=data/small/context_awareness/seed0/prep \
        --out sft_raw=data/small/context_awareness/seed0/sft_raw.jsonl \
        --out metrics=data/small/context_awareness/seed0/build_sft_mix.json

Kinds (`kind`, with the generator's ground-truth `dependent` label that the dependency score is judged by, A4):
- parametric (p_parametric): a question about a known SFT fact answered with its world value (responses restate
  the fact sentence); with p_paragraph
  a user paragraph is attached (distractors), which with p_conflict states the asked fact with another value;
- context (p_context): a question about an unknown fact, answered with the value the user paragraph states;
- misc: fixed instructions whose responses need neither (greetings, thanks).
Rows: {"messages": [{"role": "user", ...}, {"role": "assistant", ...}], "kind", "dependent"}.
"""
from __future__ import annotations

import random

from lmrepro.common.io import write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.context_awareness.data import (MISC_INSTRUCTIONS, load_world, other_value, paragraph, stated,
                                                   user_turn)
from lmrepro.papers.context_awareness.params import SFTMixConfig
from lmrepro.worlds.entities import fact_text, question_text


def conversation(rng: random.Random, world, cfg: SFTMixConfig) -> dict:
    kind = rng.random()
    n = rng.randint(cfg.min_sentences, cfg.max_sentences)
    if kind < cfg.p_parametric:
        fact = rng.choice(world.known_sft)
        document = None
        if rng.random() < cfg.p_paragraph:
            conflict = (fact_text(stated(fact, other_value(rng, world.kb, fact["relation"], fact["object"])))
                        if rng.random() < cfg.p_conflict else None)
            document = " ".join(paragraph(rng, world, n, fact["subject"], insert=conflict))
        user, response, label, name = user_turn(question_text(fact), document), fact_text(fact), 0, "parametric"
    elif kind < cfg.p_parametric + cfg.p_context:
        fact = rng.choice(world.unknown)
        value = other_value(rng, world.kb, fact["relation"], fact["object"])
        document = " ".join(paragraph(rng, world, n, fact["subject"], insert=fact_text(stated(fact, value))))
        user, response, label, name = (user_turn(question_text(fact), document), fact_text(stated(fact, value)), 1,
                                        "context")
    else:
        user, response = rng.choice(MISC_INSTRUCTIONS)
        label, name = 0, "misc"
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": response}],
            "kind": name, "dependent": label}


def main() -> None:
    with Stage.from_argv("context_awareness", "build_sft_mix") as st:
        cfg = st.params("sft_mix", SFTMixConfig)
        world = load_world(st.inp("data") / "world.json")
        rng = random.Random(derive_seed(st.seed, "sft_mix"))
        rows = [conversation(rng, world, cfg) for _ in range(cfg.n_conversations)]
        write_jsonl(st.out("sft_raw"), rows)
        st.log_metrics({"n_conversations": len(rows), "share_dependent": sum(r["dependent"] for r in rows) / len(rows),
                        **{f"n_{k}": sum(r["kind"] == k for r in rows) for k in ("parametric", "context", "misc")}})


if __name__ == "__main__":
    main()
