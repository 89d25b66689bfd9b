"""One preference round of one arm: build the round's dataset on the fly, then ORPO (Phase I) or EXO-pair with the
thinking span masked (Phase II) on it (spec DAG steps 3-4; paper §2, "Structured Thought Integration" and
"Independent Reasoning Development").

    lmrepro stage preflexor.round --scale small --seed 0 --set rounds.arm=preflexor --set rounds.phase=exo \
        --set rounds.round=1 --in data=data/small/preflexor/seed0/prep \
        --in model=results/small/preflexor/runs/seed0/preflexor_orpo4 \
        --in reference=results/small/preflexor/runs/seed0/preflexor_orpo4 \
        --out model=results/small/preflexor/runs/seed0/preflexor_exo1 --out pairs=... --out metrics=...

Each phase is one trainer, as the official ORPO/DPO trainer subclasses: a round r > 1 resumes the previous
round's optimizer state and trains global steps (r - 1) x `steps` to r x `steps` on its new dataset.
Dataset per round: steps x batch_size training questions drawn afresh (the same for both arms); chosen = the
teacher's thinking and answer; rejected = the current model's own sampled answer (preflexor: on-policy, kept even
when correct, as the repo's only_include_wrong_answers=False; the share is logged) or the question's fixed
corrupted answer (orpo_static). Phase I: `orpo_loss` (NLL + beta x odds-ratio term). Phase II: `exo_pair_loss`
against the frozen reference (the model Phase II starts from), labels at and before the last <|/thinking|>
masked (`answer_only_mask`); metric `mask_exact`: the share of Phase II rows whose supervised label count equals
the number of completion tokens after their last <|/thinking|> (spec acceptance 4).
"""
from __future__ import annotations

import random

import torch

from lmrepro.common.batches import shuffled_batches
from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl, write_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import completion_batch, exo_pair_loss, orpo_loss, sequence_logps
from lmrepro.common.seeding import derive_seed, seed_everything
from lmrepro.common.stage import Stage
from lmrepro.common.train import TrainConfig, train
from lmrepro.papers.preflexor.params import EXOConfig, ORPOConfig, RoundsConfig
from lmrepro.papers.preflexor.thinking import (END_THINK, answer_only_mask, completion_ids, completion_words,
                                               prompt_ids, tokens_after_last)


def round_pairs(st, cfg: RoundsConfig, model, tokenizer, n: int) -> list[dict]:
    """This round's questions with prompt, chosen and rejected ids, and whether the rejected answer is right."""
    rows = read_jsonl(st.inp("data") / "train.jsonl")
    picked = random.Random(derive_seed(st.seed, f"questions_{cfg.phase}{cfg.round}")).choices(rows, k=n)
    prompts = [prompt_ids(tokenizer, r["question"], think=True) for r in picked]
    if cfg.arm == "preflexor":
        rejected, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens,
                               temperature=cfg.temperature,
                               seed=derive_seed(st.seed, f"samples_{cfg.phase}{cfg.round}"))
        rejected = [ids if ids and ids[-1] == tokenizer.eos_token_id else ids + [tokenizer.eos_token_id]
                    for ids in rejected]
    else:
        rejected = [completion_ids(tokenizer, r["static_thinking"], r["static_answer"]) for r in picked]
    out = []
    for row, prompt, rej in zip(picked, prompts, rejected):
        words = completion_words(tokenizer, rej)
        answer = words[len(words) - tokens_after_last(words, END_THINK):]
        out.append({"question": row["question"], "prompt": prompt,
                    "chosen": completion_ids(tokenizer, row["thinking"], row["answer"]), "rejected": rej,
                    "rejected_text": " ".join(words), "rejected_correct": answer == [row["answer"]]})
    return out


def main() -> None:
    with Stage.from_argv("preflexor", "round") as st:
        cfg = st.params("rounds", RoundsConfig)
        orpo = st.params("orpo", ORPOConfig)
        exo = st.params("exo", EXOConfig)
        train_cfg = st.params(f"{cfg.phase}_train", TrainConfig)
        per_round = train_cfg.steps
        # one trainer per phase, as the official trainers (its optimizer persists across rounds): round r > 1
        # resumes the previous round's optimizer state at step (r - 1) x steps and runs to r x steps
        start, train_cfg.steps = (cfg.round - 1) * per_round, cfg.round * per_round
        tokenizer = load_tokenizer(st.inp("model"))
        seed_everything(derive_seed(st.seed, f"round_{cfg.arm}_{cfg.phase}{cfg.round}"))
        model = load_model(st.inp("model"))
        pairs = round_pairs(st, cfg, model, tokenizer, per_round * cfg.batch_size)
        rows = completion_batch([(p["prompt"], p[side]) for side in ("chosen", "rejected") for p in pairs],
                                tokenizer.pad_token_id)
        n = len(pairs)
        metrics = {"n_pairs": n, "rejected_correct": sum(p["rejected_correct"] for p in pairs) / n}
        if cfg.phase == "exo":
            end_id = tokenizer.convert_tokens_to_ids(END_THINK)
            rows = answer_only_mask(rows, end_id)
            completions = [p[side] for side in ("chosen", "rejected") for p in pairs]
            labels = rows["loss_mask"][:, 1:].sum(-1).tolist()
            metrics["mask_exact"] = sum(int(k) == tokens_after_last(c, end_id)
                                        for k, c in zip(labels, completions)) / len(completions)
            metrics["rejected_closed"] = sum(end_id in p["rejected"] for p in pairs) / n
            with torch.no_grad():
                rows["ref_logps"] = sequence_logps(load_model(st.inp("reference")), rows)
        pick = shuffled_batches({"pair": torch.arange(n)}, cfg.batch_size, derive_seed(st.seed, "round_batches"))

        def get_batch(step: int) -> dict:
            idx = pick(step - start)["pair"]
            both = torch.cat([idx, idx + n])
            return {key: t[both] for key, t in rows.items()}

        def loss_fn(net, batch):
            if cfg.phase == "orpo":
                return orpo_loss(net, batch, orpo.beta, orpo.nll_on_prompt)
            logps = sequence_logps(net, batch)
            loss = exo_pair_loss(*logps.chunk(2), *batch["ref_logps"].chunk(2), exo.beta, exo.label_smoothing)
            return loss.mean(), {}

        result = train(model, loss_fn, get_batch, train_cfg, out_dir=st.out("model"), log=st.log_curve,
                       resume_from=st.inp("model") if cfg.round > 1 else None, tokenizer=tokenizer,
                       desc=f"preflexor {cfg.arm} {cfg.phase} round {cfg.round}")
        write_jsonl(st.out("pairs"), [{"question": p["question"], "rejected": p["rejected_text"],
                                       "rejected_correct": p["rejected_correct"]} for p in pairs])
        st.log_metrics(metrics | {"final_loss": result["loss"]})
        st.log_timing(result["timing"])


if __name__ == "__main__":
    main()
