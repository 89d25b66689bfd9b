"""Prepare spar's data: the actor's SFT rows, the self-play instruction pool, held-out instructions, tokenizer.

    lmrepro stage spar.prep --scale small --seed 0 --out data=data/small/spar/seed0/prep \
        --out metrics=data/small/spar/seed0/prep.metrics.json

Spec DAG step 1 (evolve_instructions; small: the seeded instruction world, lmrepro.worlds.instructions). The SFT
rows satisfy their constraint half of the time, and their interfering factor is correlated with passing (letters:
passing rows are upper case with p 0.8, failing ones with p 0.2; boundary: passing and failing middles come from
disjoint halves of a topic's bank), as the paper's synthetic tasks are built. Paper scale: CCCCCC/SPaR and IFEval
(`lmrepro.worlds.instructions.load_ifeval`) are not wired (the config's paper notes).

Output directory: sft.jsonl, prompts.jsonl, eval.jsonl (rows {"instruction", "prompt"[, "response"]}), world.json,
tokenizer/.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from lmrepro.common.io import atomic_dir, write_jsonl
from lmrepro.common.seeding import derive_seed
from lmrepro.common.stage import Stage
from lmrepro.papers.spar.params import PrepConfig
from lmrepro.worlds import instructions as W

SEPARATOR = ":"  # between an instruction and its response


def main() -> None:
    from lmrepro.common.tokenizers import build_word_tokenizer

    with Stage.from_argv("spar", "prep") as st:
        cfg = st.params("prep", PrepConfig)
        wcfg = st.params("world", W.InstructionWorldConfig)
        world = W.build_world(wcfg, derive_seed(st.seed, "world"))
        sft = W.sample_sft_corpus(world, wcfg, cfg.n_sft, derive_seed(st.seed, "sft"))
        prompts = W.sample_instructions(world, wcfg, cfg.n_prompts, derive_seed(st.seed, "prompts"))
        held_out = W.sample_instructions(world, wcfg, cfg.n_eval, derive_seed(st.seed, "eval"))
        with atomic_dir(st.out("data")) as tmp:
            write_jsonl(tmp / "sft.jsonl", sft)
            write_jsonl(tmp / "prompts.jsonl", prompts)
            write_jsonl(tmp / "eval.jsonl", held_out)
            (tmp / "world.json").write_text(json.dumps(asdict(world)))
            build_word_tokenizer([*world.vocabulary(), SEPARATOR]).save_pretrained(tmp / "tokenizer")
        stats = {"n_sft": len(sft), "sft_pass_share": sum(r["passes"] for r in sft) / len(sft),
                 "n_prompts": len(prompts), "n_eval": len(held_out)}
        st.log_metrics(stats)
        print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
