"""Evaluate both pipelines against the base on held-out entities (spec DAG steps 6-7; Small scale metrics a-d).

    lmrepro stage implicit_reward.evaluate --scale small --seed 0 --in data=... --in base=... \
        --in sft_high=... --in sft_low=... --in dpo_high=... --in dpo_low=... --out metrics=...

Held-out entities are those whose facts the base saw only in the description corpus (never in SFT or DPO data):
(a) `kl_<arm>`: KL(pi_SFT || pi_base) per response token, teacher-forced on their true answers;
    `compliance_sft_<arm>`: the share of greedy SFT answers in the answer format;
(b) `score_dpo_<arm>` (and `score_sft_<arm>`): the world oracle's (#right - #wrong facts) / n_attributes of greedy
    answers, averaged over held-out entities; an answer outside the answer format scores -1, the minimum (the
    world's `fact_score` gives it 0, which would let a pipeline that breaks the format beat one that states
    wrong facts);
(c) `implicit_acc_<arm>`: the share of held-out quality-ranked pairs whose chosen answer has the higher implicit
    reward log pi_SFT/pi_base (beta scales both sides and cannot change a ranking); `raw_acc_<arm>`: the same with
    the raw log-likelihood log pi_SFT;
(d) `credit_hit_<arm>`: single-fact pairs (one value wrong) whose largest per-token implicit-reward difference
    falls on the wrong value's token.
The world oracle needs the world: this stage runs at ci/small scale (paper scale: AlpacaEval 2 with an LLM
judge, not run here).
"""
from __future__ import annotations

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.preference import implicit_rewards
from lmrepro.common.stage import Stage
from lmrepro.papers.implicit_reward.method import (credit_hits, pair_rows, prompt_ids, rank_accuracy, sft_rows,
                                                   token_kl, token_logps)
from lmrepro.papers.implicit_reward.params import EvalConfig
from lmrepro.worlds import feedback as W

ARMS = ("high", "low")


def answer_scores(model, tokenizer, world: W.FeedbackWorld, heldout: list[dict], cfg: EvalConfig) -> dict:
    """Greedy answers to the held-out queries: mean oracle score per attribute, and format compliance."""
    out, _ = generate(model, tokenizer, [prompt_ids(tokenizer, r["prompt"]) for r in heldout],
                      max_new_tokens=cfg.max_new_tokens, temperature=0.0, seed=0, batch_size=cfg.gen_batch)
    texts = [tokenizer.decode([t for t in ids if t != tokenizer.eos_token_id], skip_special_tokens=True)
             for ids in out]
    scored = [W.fact_score(world, r["name"], text) for r, text in zip(heldout, texts)]
    n_attr = len(world.values)
    return {"score": sum(s["score"] / n_attr if s["compliant"] else -1.0 for s in scored) / len(scored),
            "compliance": sum(s["compliant"] for s in scored) / len(scored), "example": texts[0]}


def main() -> None:
    with Stage.from_argv("implicit_reward", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        world = W.read_world(data / "world.json")
        heldout = read_jsonl(data / "heldout.jsonl")
        tokenizer = load_tokenizer(st.inp("base"))
        truth = sft_rows(tokenizer, [{"prompt": r["prompt"], "response": W.true_answer(world, r["name"])}
                                     for r in heldout])
        ranked = pair_rows(tokenizer, read_jsonl(data / "eval_pairs.jsonl"))
        single = read_jsonl(data / "single_fact_pairs.jsonl")
        single_rows = pair_rows(tokenizer, single)
        base = load_model(st.inp("base"))
        base_ranked, base_single = token_logps(base, ranked), token_logps(base, single_rows)
        metrics = {}
        for arm in ARMS:
            sft = load_model(st.inp(f"sft_{arm}"))
            metrics[f"kl_{arm}"] = token_kl(sft, base, truth)
            answers = answer_scores(sft, tokenizer, world, heldout, cfg)
            metrics[f"score_sft_{arm}"], metrics[f"compliance_sft_{arm}"] = answers["score"], answers["compliance"]
            sft_ranked = token_logps(sft, ranked)
            metrics[f"implicit_acc_{arm}"] = rank_accuracy(implicit_rewards(sft_ranked, base_ranked, cfg.beta).sum(-1))
            metrics[f"raw_acc_{arm}"] = rank_accuracy(sft_ranked.sum(-1))
            hits = credit_hits(implicit_rewards(token_logps(sft, single_rows), base_single, cfg.beta), single_rows,
                               [p["diff_token"] for p in single])
            metrics[f"credit_hit_{arm}"] = sum(hits) / len(hits)
            answers = answer_scores(load_model(st.inp(f"dpo_{arm}")), tokenizer, world, heldout, cfg)
            metrics[f"score_dpo_{arm}"], metrics[f"compliance_dpo_{arm}"] = answers["score"], answers["compliance"]
            print(f"[{arm}] DPO answer to {heldout[0]['prompt']!r}: {answers['example']!r}", flush=True)
        metrics["kl_ratio_low_high"] = metrics["kl_low"] / metrics["kl_high"] if metrics["kl_high"] > 0 \
            else float("nan")
        metrics["compliance_sft_min"] = min(metrics[f"compliance_sft_{arm}"] for arm in ARMS)
        metrics["dpo_score_gap_low_high"] = metrics["score_dpo_low"] - metrics["score_dpo_high"]
        metrics["implicit_minus_raw_low"] = metrics["implicit_acc_low"] - metrics["raw_acc_low"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
