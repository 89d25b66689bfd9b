"""Score every arm's model of one seed on the held-out queries: the first call, greedy, with clean and noisy docs.

    lmrepro stage tl_training.evaluate --scale small --seed 0 --in data=data/small/tl_training/seed0/prep \
        --in vanilla=.../sft_vanilla --in mae=.../sft_mae --in mae_pkt=.../sft_mae_pkt --in irm=.../irm \
        --out metrics=results/small/tl_training/runs/seed0/evaluate.json

Spec DAG steps 5-6, spec Small scale "Metrics" (paper §4: TS, PI, CF): per model and docs condition,
- ts: the tool name is the gold one; pi: and the parameter keys are the gold ones; cf: the exact call;
- ts_sibling: ts on the queries that list the gold tool's same-prefix sibling (where PKT's key tokens matter);
- severe: share of calls with reward -2 or -1.5 (unparsable, unlisted or wrong tool), and the share of each
  error flag (lmrepro.worlds.tools.CALL_FLAGS);
- the acceptance differences: cf_mae_minus_vanilla, ts_sibling_pkt_minus_mae, cf_irm_minus_pkt,
  severe_irm_minus_pkt.
"""
from __future__ import annotations

from lmrepro.common.generation import generate
from lmrepro.common.io import read_jsonl
from lmrepro.common.models import load_model, load_tokenizer
from lmrepro.common.stage import Stage
from lmrepro.papers.tl_training.data import ROLES, lex
from lmrepro.papers.tl_training.irm import decode_call
from lmrepro.papers.tl_training.params import EvalConfig
from lmrepro.papers.tl_training.reward import SEVERE, reward_from_flags
from lmrepro.worlds.tools import CALL_FLAGS, call_errors, parse_call

MODELS = ("vanilla", "mae", "mae_pkt", "irm")


def call_scores(call: str, gold: str, tools: list[str]) -> dict[str, float]:
    flags = call_errors(call, gold, tools)
    parsed, (gold_name, gold_args) = parse_call(call), parse_call(gold)
    ts = call.split("(")[0].strip() == gold_name  # the name alone, even when the arguments do not parse
    return {"ts": float(ts), "pi": float(ts and parsed is not None and set(parsed[1]) == set(gold_args)),
            "cf": float(not flags),
            "severe": float(reward_from_flags(flags) in SEVERE), **{f"flag_{f}": float(f in flags) for f in CALL_FLAGS}}


def main() -> None:
    with Stage.from_argv("tl_training", "evaluate") as st:
        cfg = st.params("evaluate", EvalConfig)
        tokenizer = load_tokenizer(st.inp("data") / "tokenizer")
        rows = read_jsonl(st.inp("data") / "test.jsonl")
        metrics: dict[str, float] = {}
        for name in MODELS:
            model = load_model(st.inp(name))
            for docs in ("clean", "noisy"):
                prompts = [[tokenizer.bos_token_id] + tokenizer.convert_tokens_to_ids(
                    [ROLES["system"], *lex(r[f"system_{docs}"]), ROLES["user"], *lex(r["query"]), ROLES["assistant"]])
                    for r in rows]
                outs, _ = generate(model, tokenizer, prompts, max_new_tokens=cfg.max_new_tokens, temperature=0.0,
                                   seed=0, batch_size=cfg.gen_batch)
                scores = [call_scores(decode_call(tokenizer, o), r["gold"], r["tools"]) for o, r in zip(outs, rows)]
                suffix = "" if docs == "clean" else "_noisy"
                for key in scores[0]:
                    metrics[f"{key}{suffix}_{name}"] = sum(s[key] for s in scores) / len(scores)
                sibling = [s for s, r in zip(scores, rows) if r["sibling_listed"]]
                metrics[f"ts_sibling{suffix}_{name}"] = sum(s["ts"] for s in sibling) / max(1, len(sibling))
            print(f"[tl_training] {name}: cf {metrics[f'cf_{name}']:.3f} ts {metrics[f'ts_{name}']:.3f} "
                  f"ts_sibling {metrics[f'ts_sibling_{name}']:.3f} cf_noisy {metrics[f'cf_noisy_{name}']:.3f}",
                  flush=True)
        metrics["cf_mae_minus_vanilla"] = metrics["cf_mae"] - metrics["cf_vanilla"]
        metrics["ts_sibling_pkt_minus_mae"] = metrics["ts_sibling_mae_pkt"] - metrics["ts_sibling_mae"]
        metrics["cf_irm_minus_pkt"] = metrics["cf_irm"] - metrics["cf_mae_pkt"]
        metrics["severe_irm_minus_pkt"] = metrics["severe_irm"] - metrics["severe_mae_pkt"]
        st.log_metrics(metrics)


if __name__ == "__main__":
    main()
