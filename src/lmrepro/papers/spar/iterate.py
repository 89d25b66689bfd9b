"""One self-play iteration of one arm: sample, judge, build pairs, DPO + NLL on chosen (spec DAG steps 3-7).

    lmrepro stage spar.iterate --scale small --seed 0 --set selfplay.arm=refined --set selfplay.iteration=1 \
        --in data=data/small/spar/seed0/prep --in actor=results/small/spar/runs/seed0/sft \
        --out model=results/small/spar/runs/seed0/refined_1 --out metrics=...

The actor of the previous iteration (the SFT model for iteration 1) samples `n_samples` responses per instruction
of this iteration's shuffle of the prompt pool; the noisy judge (the checker seen through 5 votes with 10% label
noise) labels them; `pairs.interfering_pairs` or `pairs.refined_pairs` builds up to `n_pairs` pairs; the actor
is trained on them with DPO (beta 0.1) + 0.1 x NLL(chosen), reference = the previous actor (paper §3.3: each
iteration starts from the last). Both arms of an iteration see the same instructions and the same samples'
seeds. Metrics: pair counts, search success, mean token edit distance within pairs, upper-case ratio of chosen
and rejected letters responses.
"""
from __future__ import annotations

import json
import random
from statistics import mean

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer, save_model
from lmrepro.common.preference import completion_batch, completion_token_logps, dpo_sft_loss, sequence_logps
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.spar.pairs import (interfering_pairs, prompt_ids, refined_pairs, sample_responses,
                                       token_edit_distance)
from lmrepro.papers.spar.params import DPOConfig, SelfPlayConfig
from lmrepro.worlds import instructions as W


def pair_rows(tokenizer, pairs: list[dict]) -> dict[str, torch.Tensor]:
    """[chosen rows; rejected rows], right-padded to one width."""
    def completion(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]

    items = [(prompt_ids(tokenizer, p["prompt"]), completion(p[side])) for side in ("chosen", "rejected")
             for p in pairs]
    return completion_batch(items, tokenizer.pad_token_id)


def main() -> None:
    with Stage.from_argv("spar", "iterate") as st:
        cfg = st.params("selfplay", SelfPlayConfig)
        dpo = st.params("dpo", DPOConfig)
        train_cfg = st.params("dpo_train", TrainConfig)
        wcfg = st.params("world", W.InstructionWorldConfig)
        data = st.inp("data")
        world = W.InstructionWorld(**json.loads((data / "world.json").read_text()))
        tokenizer = load_tokenizer(st.inp("actor"))
        rows = read_jsonl(data / "prompts.jsonl")
        random.Random(derive_seed(st.seed, f"prompts_iter{cfg.iteration}")).shuffle(rows)
        seed_everything(derive_seed(st.seed, f"iterate_{cfg.arm}_{cfg.iteration}"))
        actor = load_model(st.inp("actor"))
        samples = sample_responses(actor, tokenizer, rows, cfg.n_samples, cfg.temperature, cfg.max_new_tokens,
                                   derive_seed(st.seed, f"samples_iter{cfg.iteration}"))
        judge = W.Judge(wcfg, derive_seed(st.seed, f"judge_iter{cfg.iteration}"))
        searches = 0
        if cfg.arm == "interfering":
            pairs = interfering_pairs(rows, samples, judge, cfg.n_pairs, derive_seed(st.seed, "pick"))
        else:
            pairs, searches = refined_pairs(actor, tokenizer, judge, rows, samples, world.words, cfg.n_pairs,
                                            derive_seed(st.seed, "pick"), branch=cfg.branch, keep=cfg.keep,
                                            depth=cfg.depth)
        if not pairs:  # nothing to learn from: the actor carries over unchanged (a tiny ci actor never passes)
            print(f"[spar] WARNING: {cfg.arm} iteration {cfg.iteration}: no preference pairs (no instruction had both "
                  f"a passing and a failing sample, or every search failed); the actor is unchanged", flush=True)
            save_model(actor, st.out("model"), tokenizer)
            st.log_metrics({"n_pairs": 0, "searches": searches, "edit_distance": float("nan")})
            return
        batch_rows = pair_rows(tokenizer, pairs)
        with torch.no_grad():
            ref_logps = sequence_logps(actor, batch_rows)
        n = len(pairs)
        pair_batch = shuffled_batches({"pair": torch.arange(n)}, dpo.batch_size, derive_seed(st.seed, "dpo_batches"))

        def get_batch(step: int) -> dict:
            idx = pair_batch(step)["pair"]
            both = torch.cat([idx, idx + n])
            out = {key: t[both] for key, t in batch_rows.items()}
            out["ref_logps"] = ref_logps[both]
            return out

        def loss_fn(model, batch):
            logps = completion_token_logps(model, batch)
            loss, dpo_part = dpo_sft_loss(logps, batch["ref_logps"], batch["loss_mask"][:, 1:], dpo.beta,
                                          dpo.sft_weight)
            return loss, {"dpo": dpo_part.mean().detach()}

        result = train(actor, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       tokenizer=tokenizer, desc=f"spar {cfg.arm} iteration {cfg.iteration}")
        letters = [p for p in pairs if p["instruction"]["task"] == "letters"]
        st.log_metrics({
            "n_pairs": n, "searches": searches, "search_success": n / searches if searches else float("nan"),
            "edit_distance": mean(token_edit_distance(p["chosen"], p["rejected"]) for p in pairs),
            "upper_chosen": mean(W.upper_ratio(p["chosen"]) for p in letters) if letters else float("nan"),
            "upper_rejected": mean(W.upper_ratio(p["rejected"]) for p in letters) if letters else float("nan"),
            "final_loss": result["loss"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
