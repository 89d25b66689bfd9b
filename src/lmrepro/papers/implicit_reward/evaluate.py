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
Paper scale (no world): (a) KL on ultrachat's test_sft replies, (c) ranking on ultrafeedback's test_prefs pairs,
(b) `score_*` = the configured judge's win rate (lmrepro.common.judge, both orders) against the pair's chosen
response, in place of AlpacaEval 2 (its own prompt and reference model are not used); no format compliance and no
single-fact credit (world-only claims, `scales: [ci, small]`).
"""
from __future__ import annotations

import statistics

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.judge import JudgeConfig, judge_pairs
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


def judged_score(jcfg: JudgeConfig, model, tokenizer, heldout: list[dict], cfg: EvalConfig) -> float:
    """The judge's win rate of greedy answers against each held-out prompt's preferred reference response."""
    out, _ = generate(model, tokenizer, [prompt_ids(tokenizer, r["prompt"]) for r in heldout],
                      max_new_tokens=cfg.max_new_tokens, temperature=0.0, seed=0, batch_size=cfg.gen_batch)
    texts = [tokenizer.decode([t for t in ids if t != tokenizer.eos_token_id], skip_special_tokens=True)
             for ids in out]
    return statistics.fmean(judge_pairs(jcfg, [{"query": r["prompt"], "a": text, "b": r["reference"],
                                                "rubric": cfg.rubric} for r, text in zip(heldout, texts)]))


def paper_scale(st, cfg: EvalConfig) -> dict:
    jcfg = st.params("judge", JudgeConfig)
    if not jcfg.enabled:
        raise SystemExit("implicit_reward.evaluate: without the world's oracle the scores need the judge: set "
                         "judge.enabled (and its base_url, model and api_key_env) in the paper overlay")
    data = st.inp("data")
    heldout = read_jsonl(data / "heldout.jsonl")
    tokenizer = load_tokenizer(st.inp("base"))
    truth = sft_rows(tokenizer, read_jsonl(data / "heldout_sft.jsonl"))
    ranked = pair_rows(tokenizer, read_jsonl(data / "eval_pairs.jsonl"))
    base = load_model(st.inp("base"))
    base_ranked = token_logps(base, ranked)
    metrics = {}
    for arm in ARMS:
        sft = load_model(st.inp(f"sft_{arm}"))
        metrics[f"kl_{arm}"] = token_kl(sft, base, truth)
        sft_ranked = token_logps(sft, ranked)
        metrics[f"implicit_acc_{arm}"] = rank_accuracy(implicit_rewards(sft_ranked, base_ranked, cfg.beta).sum(-1))
        metrics[f"raw_acc_{arm}"] = rank_accuracy(sft_ranked.sum(-1))
        metrics[f"score_sft_{arm}"] = judged_score(jcfg, sft, tokenizer, heldout, cfg)
        metrics[f"score_dpo_{arm}"] = judged_score(jcfg, load_model(st.inp(f"dpo_{arm}")), tokenizer, heldout, cfg)
    return metrics


def main() -> None:
    with Stage.from_argv("implicit_reward", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        if not (data / "world.json").is_file():  # paper scale: hub data, the judge's win rates
            metrics = paper_scale(st, cfg)
            metrics["kl_ratio_low_high"] = metrics["kl_low"] / metrics["kl_high"] if metrics["kl_high"] > 0 \
                else float("nan")
            metrics["dpo_score_gap_low_high"] = metrics["score_dpo_low"] - metrics["score_dpo_high"]
            metrics["implicit_minus_raw_low"] = metrics["implicit_acc_low"] - metrics["raw_acc_low"]
            st.log_metrics(metrics)
            return
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
