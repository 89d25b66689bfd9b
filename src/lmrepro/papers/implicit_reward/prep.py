"""Prepare implicit_reward's data: SFT demonstrations, DPO pairs, held-out evaluation sets, the base's corpus.

    lmrepro stage implicit_reward.prep --scale small --seed 0 --out data=data/small/implicit_reward/seed0/prep \
        --out metrics=data/small/implicit_reward/seed0/prep.metrics.json

Spec DAG steps 1-2 (prep_sft, prep_pref). At small scale everything comes from the seeded feedback world
(lmrepro.worlds.feedback, fact reports): the pretraining corpus states every fact of every entity in sentence
frames; SFT demonstrations ("tell me about X" -> "color is red ; city is ... .") cover only `sft_share` of the
fine-tuning entities (they teach the answer format, spec Small scale); DPO pairs compare two noisy answers about
those same entities (chosen = higher oracle quality). Held-out entities appear only in the corpus: their queries,
quality-ranked pairs and single-fact pairs (one value wrong, at a known token) measure what SFT and DPO kept of
the base's knowledge. At paper scale (`prep.source: hub`) the SFT rows are the first user/assistant turns of
HuggingFaceH4/ultrachat_200k (train_sft) and the pairs come from HuggingFaceH4/ultrafeedback_binarized
(train_prefs), read from their hub snapshots.

Output directory: sft.jsonl, dpo_pairs.jsonl, and (world only) corpus.jsonl, heldout.jsonl, eval_pairs.jsonl,
single_fact_pairs.jsonl, world.json, tokenizer/ (paper scale uses the base model's tokenizer).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.implicit_reward.params import PrepConfig
from lmrepro.worlds import feedback as W


def from_world(cfg: PrepConfig, wcfg: W.FeedbackWorldConfig, seed: int, tmp: Path) -> dict:
    world = W.build_world(wcfg, derive_seed(seed, "world"))
    names = list(world.finetune)
    random.Random(derive_seed(seed, "sft_entities")).shuffle(names)
    sft_names = sorted(names[:max(1, round(cfg.sft_share * len(names)))])
    write_jsonl(tmp / "sft.jsonl", [{"name": n, "prompt": W.query(n), "response": W.true_answer(world, n)}
                                    for n in sft_names])
    write_jsonl(tmp / "dpo_pairs.jsonl", W.preference_pairs(world, sft_names, cfg.n_dpo_pairs,
                                                            derive_seed(seed, "dpo_pairs")))
    write_jsonl(tmp / "heldout.jsonl", [{"name": n, "prompt": W.query(n)} for n in world.heldout])
    write_jsonl(tmp / "eval_pairs.jsonl", W.preference_pairs(world, world.heldout, cfg.n_eval_pairs,
                                                             derive_seed(seed, "eval_pairs")))
    write_jsonl(tmp / "single_fact_pairs.jsonl", W.single_fact_pairs(world, world.heldout,
                                                                     derive_seed(seed, "single_fact_pairs")))
    n_corpus = W.write_world(world, wcfg, derive_seed(seed, "corpus"), tmp)
    if cfg.pretrain_reports:
        n_corpus = W.add_answer_reports(tmp, world, names[len(sft_names):], cfg.pretrain_reports,
                                        derive_seed(seed, "corpus_reports"))
    return {"n_entities": len(world.entities), "n_sft_entities": len(sft_names),
            "n_heldout_entities": len(world.heldout), "n_corpus_lines": n_corpus}


def last_turns(messages: list[dict]) -> tuple[str, str] | None:
    """The first user turn and the assistant's reply to it, from a chat `messages` list; None if absent."""
    for user, reply in zip(messages, messages[1:]):
        if user["role"] == "user" and reply["role"] == "assistant":
            return user["content"], reply["content"]
    return None


def comparison(row: dict) -> dict | None:
    """An ultrafeedback_binarized row as a pair: its prompt and the two assistant replies (None if one is missing)."""
    chosen, rejected = last_turns(row["chosen"]), last_turns(row["rejected"])
    return {"prompt": row["prompt"], "chosen": chosen[1], "rejected": rejected[1]} if chosen and rejected else None


def from_hub(cfg: PrepConfig, sft_dataset: Path, pref_dataset: Path, seed: int, tmp: Path) -> dict:
    from lmrepro.common.hub import snapshot_rows

    sft = []
    for row in snapshot_rows(str(sft_dataset), split="train_sft"):
        turns = last_turns(row["messages"])
        if turns:
            sft.append({"prompt": turns[0], "response": turns[1]})
        if cfg.n_sft_rows and len(sft) >= cfg.n_sft_rows:
            break
    pairs = [p for row in snapshot_rows(str(pref_dataset), split="train_prefs") if (p := comparison(row))]
    random.Random(derive_seed(seed, "dpo_pairs")).shuffle(pairs)
    write_jsonl(tmp / "sft.jsonl", sft)
    write_jsonl(tmp / "dpo_pairs.jsonl", pairs[:cfg.n_dpo_pairs] if cfg.n_dpo_pairs else pairs)
    # held out: ultrachat's test_sft conversations (KL to base) and ultrafeedback's test_prefs pairs (ranking;
    # their prompts, with the chosen response as the judge's reference, for the win rates)
    truth = [{"prompt": t[0], "response": t[1]} for row in snapshot_rows(str(sft_dataset), split="test_sft")
             if (t := last_turns(row["messages"]))][:cfg.n_eval_pairs]
    held = [p for row in snapshot_rows(str(pref_dataset), split="test_prefs")
            if (p := comparison(row))][:cfg.n_eval_pairs]
    write_jsonl(tmp / "heldout_sft.jsonl", truth)
    write_jsonl(tmp / "eval_pairs.jsonl", held)
    write_jsonl(tmp / "heldout.jsonl", [{"name": None, "prompt": p["prompt"], "reference": p["chosen"]} for p in held])
    return {"n_sft_rows": len(sft), "n_dpo_pairs": min(len(pairs), cfg.n_dpo_pairs or len(pairs)),
            "n_heldout_sft": len(truth), "n_eval_pairs": len(held)}


def main() -> None:
    with Stage.from_argv("implicit_reward", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        with atomic_dir(st.out("data")) as tmp:
            if cfg.source == "world":
                stats = from_world(cfg, st.params("world", W.FeedbackWorldConfig), st.seed, tmp)
            else:
                stats = from_hub(cfg, st.inp("hub_sft"), st.inp("hub_pref"), st.seed, tmp)
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
