"""Prepare Chain of Hindsight's data: preference pairs, held-out queries, the base's corpus (spec DAG step 1).

    lmrepro stage coh.prep --scale small --seed 0 --out data=data/small/coh/seed0/prep --out metrics=...

Small scale (seeded feedback world, fact reports): `n_pairs` preference pairs over the fine-tuning entities
(chosen = the answer with the higher oracle quality (#right - 2 #wrong) / n_attributes; ties dropped), and the
held-out entities' queries: their facts appear only in the base's description corpus, so format and quality
must transfer from fine-tuning. At paper scale (`prep.source: hub`) the pairs are
Anthropic/hh-rlhf comparisons (`lmrepro.worlds.feedback.load_comparisons`) and the held-out prompts come from its
test split; the paper's other two sources (openai/summarize_from_feedback, openai/webgpt_comparisons) and the C4
regulariser are not wired yet.

Output directory: pairs.jsonl, heldout.jsonl, and (world only) world.json, corpus.jsonl, tokenizer/.
"""
from __future__ import annotations

import json

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.coh.params import PrepConfig
from lmrepro.worlds import feedback as W


def main() -> None:
    with Stage.from_argv("coh", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        if cfg.source == "hub":
            with atomic_dir(st.out("data")) as tmp:
                pairs = W.load_comparisons(str(st.inp("hub_hh")), "train", cfg.n_pairs or None)
                write_jsonl(tmp / "pairs.jsonl", pairs)
                test = W.load_comparisons(str(st.inp("hub_hh")), "test", cfg.n_heldout)
                write_jsonl(tmp / "heldout.jsonl", [{"name": None, "prompt": r["prompt"], "reference": r["chosen"]}
                                                      for r in test])
            st.log_metrics({"n_pairs": len(pairs), "n_heldout": len(test)})
            return
        wcfg = st.params("world", W.FeedbackWorldConfig)
        world = W.build_world(wcfg, derive_seed(st.seed, "world"))
        with atomic_dir(st.out("data")) as tmp:
            pairs = W.preference_pairs(world, world.finetune, cfg.n_pairs, derive_seed(st.seed, "pairs"))
            write_jsonl(tmp / "pairs.jsonl", pairs)
            write_jsonl(tmp / "heldout.jsonl", [{"name": n, "prompt": W.query(n)} for n in world.heldout])
            n_corpus = W.write_world(world, wcfg, derive_seed(st.seed, "corpus"), tmp)
        stats = {"n_pairs": len(pairs), "n_finetune_entities": len(world.finetune),
                 "n_heldout_entities": len(world.heldout), "n_corpus_lines": n_corpus,
                 "mean_quality_chosen": sum(p["q_chosen"] for p in pairs) / len(pairs),
                 "mean_quality_rejected": sum(p["q_rejected"] for p in pairs) / len(pairs)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
