"""Evaluate the five arms on held-out entities with the world's oracle (spec DAG steps 6-7; Small scale metric).

    lmrepro stage coh.evaluate --scale small --seed 0 --in data=... --in base=... --in sft_pos=... --in sft_all=... \
        --in c_sft=... --in sft_u=... --in coh=... --out metrics=...

Greedy answers to "tell me about X" for held-out X (facts seen only in pretraining). coh and c_sft are prompted
with the positive feedback phrase ("a good answer :", paper §2 inference) and, for the controllability gap,
with the negative one; the SFT arms with the bare query. Metrics per arm: `score_<arm>`, the oracle quality
(#right - 2 #wrong) / n_attributes averaged over entities (an answer outside the answer language scores -2, the
minimum: breaking the format must never look better than stating wrong facts), and `compliance_<arm>`;
`win_vs_sft_pos_<arm>`: the share of entities where the arm's answer beats sft_pos's (ties count half);
`control_gap_<arm>` = score(good phrase) - score(bad phrase).

Paper scale (hh-rlhf prompts, no world, no oracle): the configured judge (lmrepro.common.judge, both orders) stands
in for the paper's human raters: `score_<arm>` is the arm's win rate against the held-out human-chosen response,
`win_vs_sft_pos_<arm>` its win rate against sft_pos's response; the other metrics follow as above (a win-rate
scale, so the spec's small-scale thresholds are not the paper's numbers).
"""
from __future__ import annotations

import statistics

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.judge import JudgeConfig, judge_pairs
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.coh.chains import BAD, GOOD
from lmrepro.papers.coh.params import METHODS, EvalConfig
from lmrepro.worlds import feedback as W

FEEDBACK_ARMS = ("coh", "c_sft")


def answers(model, tokenizer, heldout: list[dict], suffix: str, cfg: EvalConfig) -> list[str]:
    """Greedy answers to the held-out prompts, each followed by `suffix` (a feedback phrase, or none)."""
    prompts = [[tokenizer.bos_token_id] + tokenizer.encode(f"{r['prompt']} {suffix}".strip(), add_special_tokens=False)
               for r in heldout]
    out, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0, seed=0,
                      batch_size=cfg.gen_batch)
    return [tokenizer.decode([t for t in ids if t != tokenizer.eos_token_id], skip_special_tokens=True)
            for ids in out]


def qualities(model, tokenizer, world: W.FeedbackWorld, heldout: list[dict], suffix: str, cfg: EvalConfig):
    """Per held-out entity: the oracle quality of the greedy answer (None = not in the answer language)."""
    texts = answers(model, tokenizer, heldout, suffix, cfg)
    return [W.quality(world, r["name"], text) for r, text in zip(heldout, texts)], texts


WORST = -2.0  # quality of an answer stating every attribute wrongly


def mean_score(qs: list) -> float:
    return sum(WORST if q is None else q for q in qs) / len(qs)


def judged(st, cfg: EvalConfig, heldout: list[dict]) -> dict:
    """Paper scale: the judge's win rates against the human-chosen reference and against sft_pos."""
    jcfg = st.params("judge", JudgeConfig)
    if not jcfg.enabled:
        raise SystemExit("coh.evaluate: without the world's oracle the scores need the judge: set judge.enabled (and "
                         "its base_url, model and api_key_env) in the paper overlay")
    tokenizer = load_tokenizer(st.inp("base"))
    texts = {}
    for arm in METHODS:
        model = load_model(st.inp(arm))
        texts[arm] = answers(model, tokenizer, heldout, GOOD if arm in FEEDBACK_ARMS else "", cfg)
        if arm in FEEDBACK_ARMS:
            texts[f"bad_{arm}"] = answers(model, tokenizer, heldout, BAD, cfg)
        print(f"[{arm}] {heldout[0]['prompt'][-80:]!r} -> {texts[arm][0]!r}", flush=True)

    def rate(name: str, others: list[str]) -> float:
        return statistics.fmean(judge_pairs(jcfg, [{"query": r["prompt"], "a": a, "b": b, "rubric": cfg.rubric}
                                                   for r, a, b in zip(heldout, texts[name], others)]))

    reference = [r["reference"] for r in heldout]
    metrics = {f"score_{name}": rate(name, reference) for name in texts}
    metrics |= {f"win_vs_sft_pos_{arm}": rate(arm, texts["sft_pos"]) for arm in METHODS if arm != "sft_pos"}
    metrics["win_vs_sft_pos_sft_pos"] = 0.5
    metrics |= {f"control_gap_{arm}": metrics[f"score_{arm}"] - metrics[f"score_bad_{arm}"] for arm in FEEDBACK_ARMS}
    return metrics


def main() -> None:
    with Stage.from_argv("coh", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        data = st.inp("data")
        heldout = read_jsonl(data / "heldout.jsonl")
        if not (data / "world.json").is_file():  # paper scale: hh-rlhf prompts, judged
            metrics = judged(st, cfg, heldout)
            metrics |= {f"coh_minus_{arm}": metrics["score_coh"] - metrics[f"score_{arm}"]
                        for arm in ("sft_all", "sft_u", "c_sft")}
            st.log_metrics(metrics)
            return
        world = W.read_world(data / "world.json")
        tokenizer = load_tokenizer(st.inp("base"))
        metrics, per_arm = {}, {}
        for arm in METHODS:
            model = load_model(st.inp(arm))
            qs, texts = qualities(model, tokenizer, world, heldout, GOOD if arm in FEEDBACK_ARMS else "", cfg)
            per_arm[arm] = qs
            metrics[f"score_{arm}"] = mean_score(qs)
            metrics[f"compliance_{arm}"] = sum(q is not None for q in qs) / len(qs)
            print(f"[{arm}] {heldout[0]['prompt']!r} -> {texts[0]!r}", flush=True)
            if arm in FEEDBACK_ARMS:
                bad, _ = qualities(model, tokenizer, world, heldout, BAD, cfg)
                metrics[f"score_bad_{arm}"] = mean_score(bad)
                metrics[f"control_gap_{arm}"] = metrics[f"score_{arm}"] - metrics[f"score_bad_{arm}"]
        for arm in METHODS:
            pairs = [(WORST if a is None else a, WORST if b is None else b)
                     for a, b in zip(per_arm[arm], per_arm["sft_pos"])]
            wins = [1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs]
            metrics[f"win_vs_sft_pos_{arm}"] = sum(wins) / len(wins)
        metrics["coh_minus_sft_all"] = metrics["score_coh"] - metrics["score_sft_all"]
        metrics["coh_minus_sft_u"] = metrics["score_coh"] - metrics["score_sft_u"]
        metrics["coh_minus_c_sft"] = metrics["score_coh"] - metrics["score_c_sft"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
